"""The matchmaking weights: the ONE place that says what a shared feature is worth (docs/matching.md).

A pair (offer, request) is a **match** when the offer and the request

* share at least one **support type** (training, technology, expertise, data, funding), and
* share at least one **thematic area** or one **GBF target or goal**, and
* are not made by the same actor (an organisation does not answer its own request).

Its **score** is the sum, over the criteria below, of ``weight × n`` where ``n`` is the number of shared values
(criteria counted ``each``) or 1 when the criterion holds (criteria counted ``once``). Scores rank the matches
of one request (or one offer); they are not percentages.

``tsc_graph/sparql/offer-request-matches.rq`` computes the same scores in SPARQL (the reference the engine is tested
against, and what the endpoint's users can run themselves); change both together — the test
``test_engine_agrees_with_named_query`` fails when they differ.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    """One line of the weights table."""

    key: str
    weight: int
    counted: str  # "each" shared value, or "once" when the criterion holds
    en: str
    fr: str


#: The table. Order = order of the parts of an explanation.
CRITERIA: tuple[Criterion, ...] = (
    Criterion("support", 3, "each", "a support type both the offer and the request name (tsc:supportType)",
              "un type d'appui nommé par l'offre et par la demande (tsc:supportType)"),
    Criterion("target", 2, "each", "a GBF target or goal both contribute to (tsc:contributesTo)",
              "une cible ou un objectif du CMB auxquels les deux contribuent (tsc:contributesTo)"),
    Criterion("theme", 2, "each", "a thematic area both name (tsc:thematicArea)",
              "un domaine thématique nommé par les deux (tsc:thematicArea)"),
    Criterion("language", 1, "each", "a working language both name (dcterms:language)",
              "une langue de travail nommée par les deux (dcterms:language)"),
    Criterion("country", 2, "once", "the offer serves (tsc:targetCountry) the requester's country (tsc:basedIn of "
              "the requester) or a country the request concerns (its tsc:targetCountry)",
              "l'offre couvre (tsc:targetCountry) le pays du demandeur (tsc:basedIn du demandeur) ou un pays visé "
              "par la demande (son tsc:targetCountry)"),
    Criterion("dates", 1, "once", "the offer's availability (schema:startDate–endDate) overlaps the requested period; "
              "a missing end is open-ended, and a side with no date at all gives no point",
              "la disponibilité de l'offre (schema:startDate–endDate) recoupe la période demandée ; une fin absente "
              "est ouverte, et un côté sans aucune date ne donne pas de point"),
)

#: Weight of each criterion, by key.
WEIGHTS: dict[str, int] = {c.key: c.weight for c in CRITERIA}


def weights_table(lang: str = "en") -> str:
    """The table as Markdown (docs/matching.md is checked against it by the tests)."""
    fr = lang == "fr"
    head = ("| critère | poids | compté | quand |" if fr else "| criterion | weight | counted | when |")
    lines = [head, "|---|---:|---|---|"]
    for c in CRITERIA:
        counted = {"each": "par valeur partagée", "once": "une fois"}[c.counted] if fr else \
            {"each": "per shared value", "once": "once"}[c.counted]
        lines.append(f"| `{c.key}` | {c.weight} | {counted} | {c.fr if fr else c.en} |")
    return "\n".join(lines)
