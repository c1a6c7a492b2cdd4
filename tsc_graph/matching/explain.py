"""A match in words, in the reader's language, built from the labels in the data.

"shares the support type training, GBF target 6 and the theme invasive alien species; provider works in French
and serves Madagascar" / "partage le type d'appui formation, la cible 6 du CMB et le thème espèces exotiques
envahissantes ; le prestataire travaille en français et couvre Madagascar".

Labels come from the store (support types, themes, countries: ``skos:prefLabel`` in every language present),
language names from CLDR through Babel, list punctuation ("A, B and C" / "A, B et C") from Babel too. The
sentence frames below exist in the six UN languages (the Spanish, Arabic, Chinese and Russian ones
machine-assisted, not yet reviewed by a native speaker); another language falls back to English frames
(:data:`PHRASES` is the one table to extend), with labels in that language where the data has them.

Why "intervient dans le pays concerné : Madagascar" and not "intervient à Madagascar": French puts à / au / en /
aux and an article before a country's name by its gender and number, which the data does not carry ("au
Bénin", "en Côte d'Ivoire", "aux Comores", "à Madagascar"); naming the country after a colon is always right.
"""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

from .catalog import Catalog
from .engine import Match

#: Sentence frames per language. ``{}`` placeholders are filled with labels; each value is plain text.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "shares": "shares {}",
        "support": "the support type {}", "supports": "the support types {}",
        "target": "GBF target {}", "targets": "GBF targets {}",
        "goal": "GBF goal {}", "goals": "GBF goals {}",
        "theme": "the theme {}", "themes": "the themes {}",
        "works_in": "works in {}", "serves": "serves {}", "serves_many": "serves {}", "provider": "provider {}",
        "overlap": "available during the requested period",
        "disjoint": "but not available during the requested period",
        "clause_sep": "; ",
        "offer": "offer", "request": "request", "this_node": "this node",
    },
    "fr": {
        "shares": "partage {}",
        "support": "le type d'appui {}", "supports": "les types d'appui {}",
        "target": "la cible {} du CMB", "targets": "les cibles {} du CMB",
        "goal": "l'objectif {} du CMB", "goals": "les objectifs {} du CMB",
        "theme": "le thème {}", "themes": "les thèmes {}",
        "works_in": "travaille en {}", "serves": "intervient dans le pays concerné : {}",
        "serves_many": "intervient dans les pays concernés : {}", "provider": "le prestataire {}",
        "overlap": "disponible pendant la période demandée",
        "disjoint": "mais pas disponible pendant la période demandée",
        "clause_sep": " ; ",
        "offer": "offre", "request": "demande", "this_node": "ce nœud",
    },
    # Spanish: the GBF is « Marco Mundial de Biodiversidad de Kunming-Montreal (MMB) » in the Secretariat's Spanish
    # documents; machine-assisted like the Spanish catalogue, not yet reviewed by a native speaker.
    "es": {
        "shares": "comparte {}",
        "support": "el tipo de apoyo {}", "supports": "los tipos de apoyo {}",
        "target": "la meta {} del MMB", "targets": "las metas {} del MMB",
        "goal": "el objetivo {} del MMB", "goals": "los objetivos {} del MMB",
        "theme": "el tema {}", "themes": "los temas {}",
        "works_in": "trabaja en {}", "serves": "interviene en el país destinatario: {}",
        "serves_many": "interviene en los países destinatarios: {}", "provider": "el proveedor {}",
        "overlap": "disponible durante el período solicitado",
        "disjoint": "pero no disponible durante el período solicitado",
        "clause_sep": "; ",
        "offer": "oferta", "request": "solicitud", "this_node": "este nodo",
    },
    # Arabic, Chinese and Russian: the GBF named as the UI catalogues of those languages name it; machine-assisted
    # like those catalogues, not yet reviewed by a native speaker. Frames name a label after a noun or a colon, so
    # that no case or gender agreement depends on the label.
    "ar": {
        "shares": "يشتركان في {}",
        "support": "نوع الدعم {}", "supports": "أنواع الدعم {}",
        "target": "غاية الإطار العالمي {}", "targets": "غايات الإطار العالمي {}",
        "goal": "هدف الإطار العالمي {}", "goals": "أهداف الإطار العالمي {}",
        "theme": "الموضوع {}", "themes": "المواضيع {}",
        "works_in": "يعمل باللغات: {}", "serves": "يعمل في البلد المعني: {}",
        "serves_many": "يعمل في البلدان المعنية: {}", "provider": "مقدّم الدعم {}",
        "overlap": "متاح خلال الفترة المطلوبة",
        "disjoint": "لكنه غير متاح خلال الفترة المطلوبة",
        "clause_sep": "؛ ",
        "offer": "العرض", "request": "الطلب", "this_node": "هذه العقدة",
    },
    "zh": {
        "shares": "共有{}",
        "support": "支持类型{}", "supports": "支持类型{}",
        "target": "框架目标{}", "targets": "框架目标{}",
        "goal": "框架长期目标{}", "goals": "框架长期目标{}",
        "theme": "主题{}", "themes": "主题{}",
        "works_in": "工作语言：{}", "serves": "服务国家：{}", "serves_many": "服务国家：{}", "provider": "提供方{}",
        "overlap": "在所请求的期间内可提供",
        "disjoint": "但在所请求的期间内无法提供",
        "clause_sep": "；",
        "offer": "提供", "request": "需求", "this_node": "本节点",
    },
    "ru": {
        "shares": "общее: {}",
        "support": "вид поддержки {}", "supports": "виды поддержки {}",
        "target": "задача ГРМБ {}", "targets": "задачи ГРМБ {}",
        "goal": "цель ГРМБ {}", "goals": "цели ГРМБ {}",
        "theme": "тема {}", "themes": "темы {}",
        "works_in": "работает на языках: {}", "serves": "работает в стране: {}",
        "serves_many": "работает в странах: {}", "provider": "поставщик {}",
        "overlap": "доступно в запрошенный период",
        "disjoint": "но недоступно в запрошенный период",
        "clause_sep": "; ",
        "offer": "предложение", "request": "запрос", "this_node": "этот узел",
    },
}
FALLBACK = "en"


def phrase_language(lang: str) -> str:
    """The language whose frames are used for ``lang`` (a BCP 47 tag); English when there are none."""
    base = (lang or FALLBACK).split("-")[0].lower()
    return base if base in PHRASES else FALLBACK


def label(catalog: Catalog, iri: str, lang: str, table: dict[str, dict[str, str]] | None = None) -> str:
    """Label of ``iri`` in ``lang``, else English, else any; the IRI's last segment when it has none."""
    return labelled(catalog, iri, lang, table)[0]


def labelled(catalog: Catalog, iri: str, lang: str, table: dict[str, dict[str, str]] | None = None) -> tuple[str, str]:
    """(:func:`label`, its language tag): a page shows a label in another language than its own declared so."""
    labels = (catalog.labels if table is None else table).get(iri, {})
    for tag in (lang, FALLBACK):
        if labels.get(tag):
            return labels[tag], tag
    for tag, text in sorted(labels.items()):
        if text:
            return text, tag
    return iri.rstrip("/").rsplit("/", 1)[-1], ""


def language_name(code: str, lang: str) -> str:
    """``fr`` in the reader's language ("French", "français"), from CLDR; the code itself if CLDR lacks it."""
    try:
        name = Locale.parse(lang).languages.get(code.split("-")[0])
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    return name or code


def _join(items: list[str], lang: str) -> str:
    try:
        return format_list(items, locale=lang)
    except (UnknownLocaleError, ValueError):
        return format_list(items, locale=FALLBACK)


def _lower_first(text: str) -> str:
    """Common nouns inside a sentence: "Invasive alien species" → "invasive alien species" (not "GBF", "CHM")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _numbered(catalog: Catalog, iris: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
    """Split shared targets into target numbers, goal letters, and anything else (by label)."""
    numbers = sorted(catalog.target_numbers[i] for i in iris if i in catalog.target_numbers)
    letters = sorted(catalog.goal_letters[i] for i in iris if i in catalog.goal_letters and i not in catalog.target_numbers)
    other = [i for i in iris if i not in catalog.target_numbers and i not in catalog.goal_letters]
    return [str(n) for n in numbers], letters, other


def explain(match: Match, catalog: Catalog, lang: str = "en") -> str:
    """The explanation of one match, in ``lang`` (frames: :data:`PHRASES`, else English; labels: ``lang`` when present)."""
    p = PHRASES[phrase_language(lang)]
    lang = (lang or FALLBACK).split("-")[0].lower()
    shared: list[str] = []
    if match.supports:
        names = [_lower_first(label(catalog, s, lang)) for s in match.supports]
        shared.append(p["support" if len(names) == 1 else "supports"].format(_join(names, lang)))
    numbers, letters, other = _numbered(catalog, match.targets)
    if numbers:
        shared.append(p["target" if len(numbers) == 1 else "targets"].format(_join(numbers, lang)))
    if letters:
        shared.append(p["goal" if len(letters) == 1 else "goals"].format(_join(letters, lang)))
    shared.extend(label(catalog, t, lang) for t in other)
    if match.themes:
        names = [_lower_first(label(catalog, t, lang)) for t in match.themes]
        shared.append(p["theme" if len(names) == 1 else "themes"].format(_join(names, lang)))
    clauses = [p["shares"].format(_join(shared, lang))] if shared else []
    provider: list[str] = []
    if match.languages:
        provider.append(p["works_in"].format(_join([language_name(c, lang) for c in match.languages], lang)))
    if match.countries:
        names = sorted(label(catalog, c, lang) for c in match.countries)
        provider.append(p["serves" if len(names) == 1 else "serves_many"].format(_join(names, lang)))
    if provider:
        clauses.append(p["provider"].format(_join(provider, lang)))
    if match.dates in ("overlap", "disjoint"):
        clauses.append(p[match.dates])
    return p["clause_sep"].join(clauses)
