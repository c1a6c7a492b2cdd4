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
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup, escape

from .. import store_access, term_labels

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


class Label(str):
    """A label from the data shown on a page in another language, with that language's tag.

    The portal falls back to another language when the data has no label in the page's (most vocabularies are
    labelled in French and English only): the page then declares the label's language (``lang``, and ``dir`` when
    the directions differ) so that screen readers pronounce it right and a reader knows it is data, not the UI."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Label:
        label = super().__new__(cls, text)
        label.lang = lang
        return label


def _in(text: str, tag: str, lang: str) -> str:
    """``text`` (labelled ``tag`` in the data) as shown on a page in ``lang``: a :class:`Label` when in another."""
    return Label(text, tag) if tag and tag.split("-")[0].lower() != lang else text


def pick(labels: dict[str, str] | None, lang: str | None = None) -> str | None:
    """The label in the page's language, else the default language's, else English, else any.

    The ontology's terms (fields, types) are labelled in French and English only: on a page in another language,
    a term's English label is looked up in the page's catalogue (:mod:`tsc_graph.web.term_labels`) before falling
    back to another language. A label in another language than the page's is a :class:`Label` (see
    :func:`lang_attributes`)."""
    if not labels:
        return None
    lang = lang or current()
    if lang in labels:
        return labels[lang]
    translated = _term_label(labels.get("en"), lang)
    if translated is not None:
        return translated
    for key in (default_language(), "en", ""):
        if key in labels:
            return _in(labels[key], key, lang)
    key, text = next(iter(labels.items()))
    return _in(text, key, lang)


def declare(text: str, tag: str) -> str:
    """``text``, labelled ``tag`` in the data, as shown on this page: a :class:`Label` when in another language."""
    return _in(text, tag, current())


def declared_language(text: object) -> str | None:
    """The language tag a shown text must declare (a :class:`Label`'s), None when it is in the page's language."""
    return getattr(text, "lang", None)


def like(original: str, text: str) -> str:
    """``text`` (derived from ``original``: capitalised, with an acronym) in the language ``original`` declares."""
    tag = declared_language(original)
    return Label(text, tag) if tag else text


def lang_attributes(text: object) -> Markup:
    """`` lang="en"`` (and `` dir="ltr"`` on a right-to-left page) for an element showing ``text`` when it is a
    label in another language than the page's; nothing otherwise."""
    return tag_attributes(declared_language(text))


def tag_attributes(tag: str | None) -> Markup:
    """`` lang="…"`` (and ``dir`` when the directions differ) for text in language ``tag``; nothing when it is
    the page's language or unknown."""
    if not tag or tag.split("-")[0].lower() == current():
        return Markup("")
    own = direction(tag)
    return Markup(' lang="%s"%s') % (tag, Markup(' dir="%s"') % own if own != direction() else "")


def in_language(text: object) -> Markup:
    """``text`` escaped, inside ``<span lang="…">`` when it is a label in another language than the page's."""
    if not declared_language(text):
        return escape(text)
    return Markup("<span%s>%s</span>") % (lang_attributes(text), text)


def _term_label(english: str | None, lang: str) -> str | None:
    """The page's catalogue translation of an ontology term's English label, None if it has none (or is not a term
    label: a data label that happens to read like a UI string keeps its own language)."""
    if english is None or lang != current() or english not in term_labels.messages():
        return None
    translated = gettext(english)
    return translated if translated != english else None


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

