"""Languages of the portal: which one a page is in, the switch between them, labels from the data in it.

The languages are configuration (``TSC_LANGUAGES="fr en"``, the first is the default); each needs a gettext
catalogue under ``tsc_graph/web/translations/<lang>/`` (English, the language of the message ids, needs none). A page
is in: the ``?lang=`` of the link the visitor followed (the language switch; remembered in a cookie), else the
cookie, else the browser's Accept-Language among the configured languages, else the default. So a French visitor
whose browser does not ask for English gets French, and a link with ``?lang=en`` is a permalink in English.
"""
from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Flask, request
from flask_babel import Babel, get_locale

from .. import store_access

COOKIE = "tsc_lang"
COOKIE_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()

#: Languages whose catalogue was machine-assisted and not yet reviewed by a native speaker: their pages carry a
#: discreet notice in the footer. Remove a language from the set once a native speaker has reviewed its catalogue.
UNREVIEWED = {"es", "ar", "zh", "ru"}


def unreviewed(lang: str | None = None) -> bool:
    """Whether the page's language (or ``lang``) is a translation not yet reviewed by a native speaker."""
    return (lang or current()) in UNREVIEWED


def languages() -> list[str]:
    return list(store_access.settings().languages) or ["en"]


def default_language() -> str:
    return languages()[0]


def select_locale() -> str:
    langs = languages()
    asked = request.args.get("lang")
    if asked in langs:
        return asked
    if request.method == "POST" and request.form.get("lang") in langs:
        return request.form["lang"]
    remembered = request.cookies.get(COOKIE)
    if remembered in langs:
        return remembered
    return request.accept_languages.best_match(langs, default=langs[0]) or langs[0]


def current() -> str:
    """The page's language tag (``fr``, ``en``, ``ar`` …)."""
    try:
        return get_locale().language
    except (AttributeError, RuntimeError):
        return default_language()


def direction(lang: str | None = None) -> str:
    """``rtl`` for Arabic (and any right-to-left language Babel knows), else ``ltr``."""
    try:
        return Locale.parse(lang or current()).text_direction
    except (ValueError, TypeError):
        return "ltr"


def language_name(lang: str) -> str:
    """A language's name in itself (« Français », "English", « العربية »)."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, TypeError):
        return lang
    return name[:1].upper() + name[1:]


def language_label(code: str) -> str:
    """A language's name in the page's language (« Anglais » on a French page), for facets; the code if unknown."""
    name = language_in_text(code)
    return name[:1].upper() + name[1:]


def language_in_text(code: str) -> str:
    """A language's name in the page's language as it reads inside a sentence (« espagnol » on a French page,
    "Spanish" on an English one: CLDR's own case); the code if Babel does not know it."""
    from babel import UnknownLocaleError

    lang, _sep, region = code.partition("-")
    try:
        return Locale.parse(f"{lang}_{region.upper()}" if region else lang).get_display_name(current()) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def switch_links() -> list[dict]:
    """The language switch: this same page in each configured language."""
    links = []
    for lang in languages():
        args = request.args.to_dict(flat=False)
        args["lang"] = [lang]
        query = "&".join(f"{_quote(k)}={_quote(v)}" for k, vs in args.items() for v in vs)
        links.append({"lang": lang, "name": language_name(lang), "url": f"{request.script_root}{request.path}?{query}",
                      "current": lang == current()})
    return links


def _quote(s: str) -> str:
    from urllib.parse import quote

    return quote(s, safe="")


def pick(labels: dict[str, str] | None, lang: str | None = None) -> str | None:
    """The label in the page's language, else the default language's, else English, else any."""
    if not labels:
        return None
    lang = lang or current()
    for key in (lang, default_language(), "en", ""):
        if key in labels:
            return labels[key]
    return next(iter(labels.values()))


def _remember(response):
    asked = request.args.get("lang")
    if asked in languages() and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    app.after_request(_remember)

