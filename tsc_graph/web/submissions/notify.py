"""Optional e-mails to submitters: on receipt (with the private tracking link) and on a curator's decision.

Off unless ``TSC_SMTP_HOST`` is set. Mails are sent by one background thread from a bounded queue, so a
submitter's request never waits for a mail server and a slow or dead one cannot pile up threads or memory: when
the queue is full a mail is dropped and logged. Failures are logged, never shown to visitors (the tracking
page is the record). Texts are in the submitter's language (the page's language when they submitted).
"""
from __future__ import annotations

import logging
import queue as queue_mod
import smtplib
import ssl
import threading
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import Flask, render_template
from flask_babel import force_locale

from tsc_graph.config import Settings
from tsc_graph.guards import is_email

log = logging.getLogger(__name__)

#: Mails waiting to be sent, at most.
BACKLOG = 200


class Mailer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._queue: queue_mod.Queue[EmailMessage | None] = queue_mod.Queue(maxsize=BACKLOG)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0  # for tests and logs

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, to: str, subject: str, body: str) -> bool:
        """Queue one mail; False when mail is off, the backlog is full, or ``to`` is not exactly one address.

        The caller has already recorded what the mail is about (a submission, a decision), so nothing here may
        fail its request: a subject holding a line break of any kind (U+2028, U+0085…, from a title) is made one
        line, and an address list kept from before addresses were checked strictly is logged and not sent to.
        """
        if not self.enabled or not to:
            return False
        if not is_email(to):  # "root,postmaster,victim@…": never a list of recipients
            log.warning("mail to a submitter not sent: %r is not one e-mail address", to[:100])
            return False
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = to
        msg["Subject"] = one_line(subject)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=(self.settings.smtp_from.rpartition("@")[2] or None))
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(body)
        try:
            self._queue.put_nowait(msg)
        except queue_mod.Full:
            log.warning("mail backlog full (%d): mail to a submitter dropped", BACKLOG)
            return False
        self._start()
        return True

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="tsc-graph-mailer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            msg = self._queue.get()
            if msg is None:
                return
            try:
                self._deliver(msg)
                self.sent += 1
            except (OSError, smtplib.SMTPException) as e:
                log.warning("could not send a mail to a submitter through %s:%s: %s", self.settings.smtp_host,
                            self.settings.smtp_port, e)
            finally:
                self._queue.task_done()

    def _deliver(self, msg: EmailMessage) -> None:
        s = self.settings
        security = (s.smtp_security or "none").lower()
        if security == "tls":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(msg)

    def wait(self, timeout: float = 10.0) -> bool:
        """Until every queued mail was tried (tests); False on timeout."""
        import time

        end = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < end:
            time.sleep(0.02)
        return not self._queue.unfinished_tasks


def check_settings(settings: Settings) -> None:
    """A mail set-up that cannot work fails at start-up, not at the first submission."""
    if not settings.smtp_host:
        return
    if "@" not in settings.smtp_from:
        raise ValueError("TSC_SMTP_HOST is set but TSC_SMTP_FROM is not a sender address (e.g. chm@example.org)")
    if (settings.smtp_security or "none").lower() not in ("none", "starttls", "tls"):
        raise ValueError("TSC_SMTP_SECURITY must be none, starttls or tls")


def one_line(text: str) -> str:
    """``text`` with every run of white space — line breaks of every kind included (``str.split`` knows U+2028,
    U+2029, U+0085, vertical tab, form feed, the separators U+001C–U+001F) — made one space: a mail header may
    hold no line break (``email`` raised ValueError, and the visitor got a 500 for a submission already queued)."""
    return " ".join(text.split())


def mailer(app: Flask) -> Mailer:
    return app.extensions["tsc_mailer"]


def mail(app: Flask, to: str, lang: str, template: str, **context) -> bool:
    """Render ``templates/mail/<template>.txt`` in ``lang`` (subject on the first line) and queue it."""
    m = mailer(app)
    if not m.enabled:
        return False
    if "sub" in context:  # the title is in the subject, the first line: a line break in it would end the subject
        context["sub"] = replace(context["sub"], title=one_line(context["sub"].title))
    with force_locale(lang):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _sep, body = text.strip().partition("\n")
    return m.send(to, subject.strip(), body.strip() + "\n")
