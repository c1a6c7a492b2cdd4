"""Who is at the curators' desk: a named curator signed in with a session, or a script holding the admin token.

* **Curators** (``TSC_CURATORS_FILE``, :mod:`tsc_graph.curators`): ``/admin/login`` with their account and
  password opens a session (Flask's signed cookie, HttpOnly, SameSite=Lax, ``TSC_CURATOR_SESSION_HOURS``), which
  is also a row on the server (:class:`~tsc_graph.curators.DeskSessions`) that every request checks;
  ``/admin/logout`` deletes the row, so a copy of the cookie is worth nothing after sign-out. After a few wrong
  passwords an account waits between attempts, whatever address they come from (429 + ``Retry-After``). Every
  write from a session carries the page's CSRF token. The token holder may sign in the same way (no account
  name, the token as password): the desk then says "admin token".
* **Scripts** (``TSC_ADMIN_TOKEN``): ``Authorization: Bearer <token>`` (no CSRF: a browser never sends it on its
  own), or HTTP Basic with the token as password (a browser resends Basic by itself, so its writes need the CSRF
  token too). Tokens are compared in constant time.

Without a token or a curators file every ``/admin`` route answers 403: the desk and the write routes are off.
"""
from __future__ import annotations

import hmac
import math
import urllib.parse
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from tsc_graph.curators import CuratorAccounts, DeskSessions
from tsc_graph.provenance import TOKEN_AGENT

from .. import conneg, store_access
from ..errors import ApiError
from ..submissions.guard import csrf, limiter
from .blueprint import bp

REALM = 'realm="tsc-graph admin", charset="UTF-8"'
SAFE = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Who:
    account: str  # a curator's account, or "token"
    name: str  # what the desk and the published log call them
    how: str  # session | bearer | basic


def accounts() -> CuratorAccounts:
    return current_app.extensions["tsc_curators"]


def sessions() -> DeskSessions:
    return current_app.extensions["tsc_curator_sessions"]


def desk_enabled() -> bool:
    return bool(store_access.settings().admin_token) or accounts().enabled


def _token_matches(given: str) -> bool:
    token = store_access.settings().admin_token
    return bool(token and given) and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def token_name() -> str:
    return _("Admin token")


def _from_headers() -> Who | None:
    header = request.headers.get("Authorization", "")
    scheme, _sp, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and _token_matches(credentials.strip()):
        return Who(TOKEN_AGENT, token_name(), "bearer")
    if scheme == "basic":
        auth = request.authorization
        password = auth.password if auth is not None and auth.type == "basic" else None
        if password and _token_matches(password):
            return Who(TOKEN_AGENT, token_name(), "basic")
    return None


def _from_session() -> Who | None:
    account = session.get("curator")
    if not account or not sessions().valid(session.get("curator_session", ""), account):
        return None  # signed out (here or in another copy of the cookie), or past TSC_CURATOR_SESSION_HOURS
    if account == TOKEN_AGENT:  # signed in with the token: valid while the token is configured
        return Who(TOKEN_AGENT, token_name(), "session") if store_access.settings().admin_token else None
    curator = accounts().get(account)  # removed from the file: signed out at once
    return Who(curator.account, curator.name, "session") if curator else None


def current() -> Who | None:
    return _from_headers() or _from_session()


def require_admin(view):
    """Let a curator or the token in; send a person to the sign-in page; check CSRF on writes from browsers."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not desk_enabled():
            raise ApiError(403, "the curators' desk and the write routes are disabled on this server: configure an "
                                "admin token (TSC_ADMIN_TOKEN) or curator accounts (TSC_CURATORS_FILE)",
                           "writes_disabled")
        who = current()
        if who is None:
            if conneg.wants_html() and request.method in SAFE:
                return redirect(url_for("admin.login", next=request.full_path.rstrip("?")), code=303)
            raise ApiError(401, "authentication required: sign in at /admin/login, or send 'Authorization: Bearer "
                                "<admin token>' (or HTTP Basic with the admin token as password)", "unauthorized",
                           {"WWW-Authenticate": f"Basic {REALM}"})
        if who.how != "bearer" and request.method not in SAFE and not request.path.startswith("/admin/graphs"):
            csrf.protect()
        return view(*args, who=who, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """Only a path of this desk (never another site: no open redirect)."""
    default = url_for("admin.list_submissions")
    if not target or len(target) > 2000:
        return default
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/") or "\\" in target:
        return default
    return target


def _login_page(status: int = 200, error: str | None = None, account: str = "", notice: str | None = None) -> Response:
    body = render_template("admin/login.html", error=error, account=account, notice=notice,
                           next=_safe_next(request.values.get("next")), curators=accounts().enabled,
                           token=bool(store_access.settings().admin_token))
    resp = Response(body, status, content_type="text/html; charset=utf-8")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _login_limit() -> str:
    return current_app.config.get("CURATOR_LOGIN_LIMIT", "20 per 15 minutes")


@bp.route("/login", methods=["GET"])
def login():
    if not desk_enabled():
        raise ApiError(403, _("The curators' desk is not enabled on this server."), "writes_disabled", localized=True)
    if current() is not None:
        return redirect(_safe_next(request.args.get("next")), code=303)
    return _login_page(notice=_("You are signed out.") if request.args.get("out") else None)


@bp.route("/login", methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_post():
    if not desk_enabled():
        raise ApiError(403, _("The curators' desk is not enabled on this server."), "writes_disabled", localized=True)
    csrf.protect()
    account = (request.form.get("account") or "").strip().lower()[:40]
    secret = request.form.get("password") or ""
    who = None
    if not account and _token_matches(secret):
        who = Who(TOKEN_AGENT, token_name(), "session")
    elif account:
        wait = sessions().attempt(account)
        if wait is not None:  # the password is not even checked: guessing gets nowhere while the account waits
            resp = _login_page(429, _("Too many sign-in attempts for this account. Wait %(minutes)s min, then try "
                                      "again.", minutes=max(1, math.ceil(wait / 60))), account)
            resp.headers["Retry-After"] = str(math.ceil(wait))
            return resp
        curator = accounts().check(account, secret)
        who = Who(curator.account, curator.name, "session") if curator else None
    else:
        accounts().check("", secret)  # the same work as a wrong password
    if who is None:
        return _login_page(401, _("The account or the password is not right."), account)
    if account:
        sessions().succeeded(account)
    session.clear()
    session.permanent = True
    session["curator"] = who.account
    session["curator_session"] = sessions().open(who.account)
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.route("/logout", methods=["POST"])
def logout():
    csrf.protect()
    sessions().close(session.get("curator_session", ""))
    session.clear()
    return redirect(url_for("admin.login", out=1), code=303)


def signed_in_curator() -> Who | None:
    """The curator of this browser's session, for the site's layout (the desk link); never raises."""
    try:
        if not session.get("curator"):
            return None
        return _from_session()
    except Exception:  # noqa: BLE001 - the layout must render whatever the session holds
        return None
