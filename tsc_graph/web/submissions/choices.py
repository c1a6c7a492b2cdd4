"""The options of the forms' choices, read from the store (``tsc_graph/sparql/portal/form-*.rq``, cached per store version)
and named in the visitor's language: no option is ever an IRI on screen, and every chosen value must be one of
these (no IRI comes from the client).
"""
from __future__ import annotations

from collections.abc import Iterable

from babel import Locale
from flask_babel import gettext as _

from tsc_graph.namespaces import TSC, TSCV

from ..portal import i18n
from ..portal.collation import sort_key
from ..portal.labels import humanize
from ..portal.queries import select

Option = tuple[str, str]  # (IRI or code, label)

ARTICLES = ("16", "17", "18")
#: The languages an offer or request may be worked in: the six UN languages, then those of the node's portal.
UN_LANGUAGES = ("ar", "zh", "en", "es", "fr", "ru")


def _named(rows: list[dict]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    acronyms: dict[str, str] = {}
    for row in rows:
        entry = labels.setdefault(row["resource"]["value"], {})
        if "label" in row:
            entry.setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
        if "acronym" in row:
            acronyms.setdefault(row["resource"]["value"], row["acronym"]["value"])
    return labels, acronyms


def _by_label(labels: dict[str, dict[str, str]], acronyms: dict[str, str] | None = None) -> list[Option]:
    """Options sorted by name (French collation); an acronym joins the name so that it can be searched."""
    items = []
    for iri, names in labels.items():
        text = i18n.pick(names) or humanize(iri)
        acronym = (acronyms or {}).get(iri)
        if acronym and acronym.casefold() not in text.casefold():
            text = i18n.like(text, f"{text} ({acronym})")
        items.append((iri, text))
    return sorted(items, key=lambda item: sort_key(item[1]))


def members(*classes: str) -> list[Option]:
    return _by_label(*_named(select("form-class", {"class": list(classes)})))


def scheme(name: str, order: Iterable[str] = ()) -> list[Option]:
    """The concepts of ``{TSCV}{name}``: in the given order of local names when there is one, else by label."""
    options = _by_label(_named(select("form-scheme", {"scheme": [TSCV + name]}))[0])
    rank = {f"{TSCV}{name}/{local}": n for n, local in enumerate(order)}
    return sorted(options, key=lambda o: rank.get(o[0], len(rank))) if rank else options


def targets() -> list[Option]:
    from ..portal.gbf import structure

    gbf = structure()
    return [(t.iri, i18n.pick(gbf.labels.get(t.iri)) or humanize(t.iri)) for t in gbf.targets.values()]


def articles() -> list[Option]:
    named = dict(members(TSC + "CBDArticle"))
    return [(f"{TSCV}cbd/article-{n}", named.get(f"{TSCV}cbd/article-{n}", _("Article %(n)s", n=n))) for n in ARTICLES]


def languages() -> list[Option]:
    page = i18n.current()
    codes = list(dict.fromkeys([*UN_LANGUAGES, *i18n.languages()]))
    named = []
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(page) or code
        except (ValueError, TypeError):
            name = code
        named.append((code, name[:1].upper() + name[1:]))
    return sorted(named, key=lambda o: sort_key(o[1]))


def practice_types() -> list[Option]:
    from ..portal.labels import labels_of

    labels, _n = labels_of([TSC + "GoodPractice", TSC + "LessonLearnt"])
    fallback = {TSC + "GoodPractice": _("Good practice"), TSC + "LessonLearnt": _("Lesson learnt")}
    named = [(iri, i18n.pick(labels.get(iri)) or fallback[iri]) for iri in fallback]
    return [(iri, i18n.like(text, text.capitalize())) for iri, text in named]


#: Option list name → how to read it.
PROVIDERS = {
    "actors": lambda: members(TSC + "Actor"),
    "countries": lambda: members(TSC + "Country", TSC + "Territory"),
    "targets": targets,
    "themes": lambda: scheme("theme"),
    "articles": articles,
    "status": lambda: scheme("status", ("planned", "ongoing", "completed")),
    "support": lambda: scheme("support-type", ("training", "expertise", "technology", "data", "funding")),
    "actor_types": lambda: scheme("actor-type"),
    "projects": lambda: members(TSC + "Project"),
    "languages": languages,
    "practice_types": practice_types,
}


def options_for(names: Iterable[str]) -> dict[str, list[Option]]:
    """The option lists a form needs, each read once."""
    return {name: PROVIDERS[name]() for name in dict.fromkeys(names) if name in PROVIDERS}
