"""The languages a visitor writes a submission in: the node's own (its profile's ``languages``, the default
first), named in the visitor's language from CLDR (Babel).

Why a module: the form's title and description fields, the hint above them and the message of the title rule
all name the same languages, and they must follow the node (``es, en`` in Colombia, ``fr, en`` in France), never a
fixed French and English. The rule itself is the shapes' (``NodeLabelShape``: a label in one of the node's
languages, its ``sh:languageIn`` replaced from the profile by :func:`tsc_graph.validation.with_node_languages`).
"""
from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from ..portal import i18n


def node_languages() -> tuple[str, ...]:
    """The node's languages, the default first."""
    return tuple(i18n.languages())


def _names(tags: tuple[str, ...]) -> list[str]:
    return [i18n.language_in_text(t) for t in tags]


def _listed(names: list[str]) -> str:
    """« espagnol, anglais et portugais »: the names joined the page language's way."""
    try:
        return format_list(names, locale=str(get_locale() or "en"))
    except (ValueError, TypeError):
        return ", ".join(names)


def title_label(tag: str) -> str:
    return _("Title in %(language)s", language=i18n.language_in_text(tag))


def description_label(tag: str) -> str:
    return _("Description in %(language)s", language=i18n.language_in_text(tag))


def title_rule() -> str:
    """What a visitor reads when no title is in one of the node's languages."""
    names = _names(node_languages())
    if len(names) == 1:
        return _("Give a title in %(language)s.", language=names[0])
    if len(names) == 2:
        return _("Give a title in %(first)s or in %(second)s.", first=names[0], second=names[1])
    return _("Give a title in at least one of these languages: %(languages)s.", languages=_listed(names))


def writing_hint() -> str:
    """The sentence above the form that says which languages the visitor may write in."""
    names = _names(node_languages())
    if len(names) == 1:
        return _("Write in %(language)s.", language=names[0])
    if len(names) == 2:
        return _("You can write in %(first)s, in %(second)s, or both.", first=names[0], second=names[1])
    return _("You can write in any of these languages, or in several: %(languages)s.", languages=_listed(names))
