#!/usr/bin/env python3
"""Generate tsc_graph/reference/gbf.ttl: the Kunming-Montreal GBF as SKOS, every label with its source (provenance record).

Run it after changing the tables below; the generated Turtle is committed::

    .venv/bin/python tools/make_gbf.py > tsc_graph/reference/gbf.ttl

What the sources say, and therefore what the data says (docs/conventions.md, "Sources in reference data"):

- Goals A-D and targets 1-23 are concepts of the scheme ``tscv:gbf``, all top concepts: the Secretariat's
  thesaurus gives them no broader term (``broaderTerms: []`` in the GBF-GOALS and GBF-TARGETS domains) and
  decision 15/4 assigns no target to a goal. There is no goal <-> target link in the data.
- The Framework groups the targets in three sections (decision 15/4, section H): ``gbf:section-1`` .. ``-3`` are
  ``skos:Collection``s with ``skos:member`` to their targets.
- Labels: ``skos:prefLabel`` = "Target N: " / "Cible N : " / "Meta N: " + the short title of the source, with the
  Secretariat's code prefix ("GBF-T01. ") dropped (the code is the ``skos:notation``). Each label is also a
  SKOS-XL label node (``skosxl:prefLabel`` / ``skosxl:altLabel``, IRI ``{resource}/label/pref-fr``) that carries
  its own ``dcterms:source`` and,
  when tsc-graph could not check it against the source, an ``skos:editorialNote`` saying so.
- Verified copies of the thesaurus used here: the Secretariat's API documentation examples for GBF-GOAL-B and
  GBF-TARGET-01 (``DOC_GOALS``, ``DOC_TARGETS``). English short titles of the other targets: the Secretariat's
  target pages (``https://www.cbd.int/gbf/targets/N/``). French short titles of targets 2-23: carried over from
  the earlier file; issue #16 states they are the thesaurus' own, but no stored copy of them was found, so each
  says so in an editorial note.
"""
from __future__ import annotations

import sys

DEC_EN = "https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-04-en.pdf"
DEC_FR = "https://www.cbd.int/doc/decisions/cop-15/cop-15-dec-04-fr.pdf"
DOMAIN_GOALS = "https://api.cbd.int/api/v2013/thesaurus/domains/GBF-GOALS/terms"
DOMAIN_TARGETS = "https://api.cbd.int/api/v2013/thesaurus/domains/GBF-TARGETS/terms"
DOC_GOALS = ("https://github.com/scbd/clearing-house-documentation/blob/99f6c940889a7f95a1512f383ccac1fbb7729de4/"
             "swagger/json/thesaurus/national-target/gbf-goals.json")
DOC_TARGETS = ("https://github.com/scbd/clearing-house-documentation/blob/dc3443751ea94b9276e3f0b0b2c01d7bcaf01973/"
               "swagger/json/thesaurus/national-target/gbf-targets.json")
SENATE = "http://www.senat.fr/rap/r22-357/r22-35711.html"
GBF = "https://w3id.org/tsc-graph/vocab/gbf/"


def term(identifier: str) -> str:
    """The Secretariat's thesaurus term (its API address is the only IRI it has)."""
    return f"https://api.cbd.int/api/v2013/thesaurus/terms/{identifier}"


def target_page(n: int) -> str:
    return f"https://www.cbd.int/gbf/targets/{n}/"


UNCHECKED_FR_TARGET = (
    "Intitulé court français du thésaurus du Secrétariat selon l'issue #16 ; tsc-graph ne l'a pas vérifié sur une "
    "copie du thésaurus (l'extrait consulté ne contient que la cible 1).",
    "French short title of the Secretariat's thesaurus according to issue #16; tsc-graph has not checked it against "
    "a copy of the thesaurus (the extract consulted holds target 1 only).",
)
OUR_TRANSLATION = (
    "Traduction de tsc-graph de l'intitulé anglais de la décision 15/4 : aucune source française de cet intitulé n'a "
    "été trouvée.",
    "tsc-graph's translation of the English heading of decision 15/4: no French source of this heading was found.",
)
SUMMARY_NOTE = (
    "Résumé rédigé par tsc-graph ; le texte qui fait foi est celui de la décision 15/4, section G.",
    "Summary written by tsc-graph; the authoritative text is that of decision 15/4, section G.",
)

#: Goal -> (French summary, English summary). Goal B's official text comes from the thesaurus (GOAL_B_TEXT).
GOALS = {
    "A": ("L'intégrité, la connectivité et la résilience de tous les écosystèmes sont maintenues, améliorées ou "
          "restaurées ; l'extinction d'origine humaine des espèces menacées connues est enrayée et le taux "
          "d'extinction est réduit ; la diversité génétique des espèces sauvages et domestiquées est préservée.",
          "The integrity, connectivity and resilience of all ecosystems are maintained, enhanced or restored; "
          "human-induced extinction of known threatened species is halted and the extinction rate is reduced; the "
          "genetic diversity of wild and domesticated species is maintained."),
    "B": None,
    "C": ("Les avantages monétaires et non monétaires découlant de l'utilisation des ressources génétiques, des "
          "informations de séquençage numérique sur les ressources génétiques et des connaissances traditionnelles "
          "associées sont partagés de manière juste et équitable, y compris avec les peuples autochtones et les "
          "communautés locales, et les connaissances traditionnelles sont dûment protégées.",
          "The monetary and non-monetary benefits from the utilization of genetic resources, digital sequence "
          "information on genetic resources and traditional knowledge associated with genetic resources are shared "
          "fairly and equitably, including with indigenous peoples and local communities, and traditional knowledge "
          "is appropriately protected."),
    "D": ("Des moyens de mise en œuvre adéquats — ressources financières, renforcement des capacités, coopération "
          "technique et scientifique, accès aux technologies et transfert de technologies — sont garantis et "
          "accessibles équitablement à toutes les Parties, en particulier aux pays en développement, en comblant "
          "progressivement le déficit de financement de la biodiversité.",
          "Adequate means of implementation — financial resources, capacity-building, technical and scientific "
          "cooperation, and access to and transfer of technology — are secured and equitably accessible to all "
          "Parties, especially developing countries, progressively closing the biodiversity finance gap."),
}

#: GBF-GOAL-B in the thesaurus (termId 7395): shortTitle and title (en only), longDescription (en, es, fr).
GOAL_B_SHORT_EN = "Biodiversity is sustainably used"
GOAL_B_TITLE_EN = "Biodiversity is sustainably used and its contributions to people are maintained, enhanced or restored"
GOAL_B_TEXT = {
    "en": "Biodiversity is sustainably used and managed and nature’s contributions to people, including ecosystem "
          "functions and services, are valued, maintained and enhanced, with those currently in decline being "
          "restored, supporting the achievement of sustainable development for the benefit of present and future "
          "generations by 2050.",
    "es": "La biodiversidad se utiliza y gestiona de manera sostenible y las contribuciones de la naturaleza a las "
          "personas, entre ellas las funciones y servicios de los ecosistemas, se valoran, se mantienen y se mejoran, "
          "restableciéndose aquellas que actualmente están deteriorándose, apoyando el logro del desarrollo sostenible "
          "en beneficio de las generaciones actuales y futuras para 2050.",
    "fr": "Utiliser et gérer durablement la biodiversité et valoriser, préserver et renforcer les contributions de la "
          "nature à l'homme, y compris les fonctions et services écosystémiques, et rétablir ceux qui sont actuellement "
          "en déclin, afin de favoriser un développement durable dans l'intérêt des générations actuelles et futures "
          "d'ici à 2050.",
}

#: GBF-TARGET-01 in the thesaurus (termId 7398): Spanish short title, title (en) and longDescription (en, es, fr).
TARGET_1_SHORT_ES = "Someter todas las zonas a planificación y gestión para reducir la pérdida de biodiversidad"
TARGET_1_TITLE_EN = ("All areas are planned or managed to bring loss of areas of high biodiversity importance close "
                     "to zero")
TARGET_1_TEXT = {
    "en": "Ensure that all areas are under participatory, integrated, and biodiversity inclusive spatial planning "
          "and/or effective management processes addressing land and sea use change, to bring the loss of areas of "
          "high biodiversity importance, including ecosystems of high ecological integrity, close to zero by 2030, "
          "while respecting the rights of indigenous peoples and local communities.",
    "es": "Garantizar que todas las zonas estén sujetas a planificación espacial participativa integrada que tenga en "
          "cuenta la biodiversidad y/o procesos de gestión eficaces que aborden el cambio en el uso de la tierra y los "
          "océanos, a fin de que la pérdida de zonas de suma importancia para la biodiversidad, incluidos los "
          "ecosistemas de gran integridad ecológica, se acerque a cero para 2030, respetando al mismo tiempo los "
          "derechos de los pueblos indígenas y las comunidades locales.",
    "fr": "Veiller à ce que toutes les zones fassent l'objet d'une planification spatiale participative, intégrée et "
          "respectueuse de la biodiversité et/ou soient gérées efficacement dans le cadre de processus de changement "
          "d'affectation des terres et des mers, afin de réduire la perte de zones de grande importance pour la "
          "biodiversité, y compris d'écosystèmes de grande intégrité écologique, à un niveau proche de zéro d'ici à "
          "2030, dans le respect des droits des peuples autochtones et des communautés locales.",
}

#: Target -> (English short title, French short title).
TARGETS = {
    1: ("Plan and manage all areas to reduce biodiversity loss",
        "Planifier et gérer toutes les zones afin de réduire la perte de biodiversité"),
    2: ("Restore 30% of all degraded ecosystems",
        "Restaurer 30 % de tous les écosystèmes dégradés"),
    3: ("Conserve 30% of land, waters and seas",
        "Conserver 30 % des terres, des eaux et des mers"),
    4: ("Halt species extinction, protect genetic diversity, and manage human-wildlife conflicts",
        "Enrayer l'extinction des espèces, protéger la diversité génétique et gérer les conflits entre l'humain et la "
        "faune sauvage"),
    5: ("Ensure sustainable, safe and legal harvesting and trade of wild species",
        "Garantir une récolte et un commerce durables, sûrs et légaux des espèces sauvages"),
    6: ("Reduce the introduction of invasive alien species by 50% and minimize their impact",
        "Réduire de 50 % l'introduction d'espèces exotiques envahissantes et réduire au minimum leur impact"),
    7: ("Reduce pollution to levels that are not harmful to biodiversity",
        "Réduire la pollution à des niveaux qui ne nuisent pas à la biodiversité"),
    8: ("Minimize the impacts of climate change on biodiversity and build resilience",
        "Réduire au minimum les incidences des changements climatiques sur la biodiversité et renforcer la résilience"),
    9: ("Manage wild species sustainably to benefit people",
        "Gérer durablement les espèces sauvages au bénéfice des populations"),
    10: ("Enhance biodiversity and sustainability in agriculture, aquaculture, fisheries, and forestry",
         "Renforcer la biodiversité et la durabilité dans l'agriculture, l'aquaculture, la pêche et la foresterie"),
    11: ("Restore, maintain and enhance nature's contributions to people",
         "Restaurer, maintenir et améliorer les contributions de la nature aux populations"),
    12: ("Enhance green spaces and urban planning for human well-being and biodiversity",
         "Améliorer les espaces verts et l'urbanisme pour le bien-être humain et la biodiversité"),
    13: ("Increase the sharing of benefits from genetic resources, digital sequence information and traditional "
         "knowledge",
         "Accroître le partage des avantages découlant des ressources génétiques, des informations de séquençage "
         "numérique et des connaissances traditionnelles"),
    14: ("Integrate biodiversity in decision-making at every level",
         "Intégrer la biodiversité dans la prise de décision à tous les niveaux"),
    15: ("Businesses assess, disclose and reduce biodiversity-related risks and negative impacts",
         "Les entreprises évaluent, communiquent et réduisent les risques et les incidences négatives liés à la "
         "biodiversité"),
    16: ("Enable sustainable consumption choices to reduce waste and overconsumption",
         "Permettre des choix de consommation durables pour réduire le gaspillage et la surconsommation"),
    17: ("Strengthen biosafety and distribute the benefits of biotechnology",
         "Renforcer la prévention des risques biotechnologiques et répartir les avantages de la biotechnologie"),
    18: ("Reduce harmful incentives by at least $500 billion per year, and scale up positive incentives for "
         "biodiversity",
         "Réduire les incitations néfastes d'au moins 500 milliards de dollars par an et intensifier les incitations "
         "positives en faveur de la biodiversité"),
    19: ("Mobilize $200 billion per year for biodiversity from all sources, including $30 billion through "
         "international finance",
         "Mobiliser 200 milliards de dollars par an pour la biodiversité, toutes sources confondues, dont 30 milliards "
         "de dollars par la finance internationale"),
    20: ("Strengthen capacity-building, technology transfer, and scientific and technical cooperation for "
         "biodiversity",
         "Renforcer les capacités, le transfert de technologies et la coopération scientifique et technique en faveur "
         "de la biodiversité"),
    21: ("Ensure that knowledge is available and accessible to guide biodiversity action",
         "Veiller à ce que les connaissances soient disponibles et accessibles pour guider l'action en faveur de la "
         "biodiversité"),
    22: ("Ensure participation in decision-making and access to justice and information related to biodiversity for "
         "all",
         "Garantir à tous la participation à la prise de décision et l'accès à la justice et à l'information en "
         "matière de biodiversité"),
    23: ("Ensure gender equality and a gender-responsive approach for biodiversity action",
         "Garantir l'égalité des genres et une approche tenant compte des questions de genre dans l'action en faveur "
         "de la biodiversité"),
}

#: Section -> (first target, last target, English heading, French heading, French source or None).
SECTIONS = {
    1: (1, 8, "Reducing threats to biodiversity", "Réduire les menaces pesant sur la biodiversité", SENATE),
    2: (9, 13, "Meeting people's needs through sustainable use and benefit-sharing",
        "Répondre aux besoins des populations grâce à l'utilisation durable et au partage des avantages", None),
    3: (14, 23, "Tools and solutions for implementation and mainstreaming",
        "Outils et solutions pour la mise en œuvre et l'intégration", None),
}


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def iris(*uris: str) -> str:
    return " , ".join(f"<{u}>" for u in uris)


#: SKOS-XL label nodes, written after the resources: IRI -> Turtle body. Label nodes have IRIs
#: (``{resource}/label/{pref|alt}-{lang}[-n]``) rather than blank nodes, so a label can be cited and compared.
XL: dict[str, str] = {}


def xl_label(resource: str, prop: str, text: str, lang: str, sources: tuple[str, ...],
             note: tuple[str, str] | None = None) -> str:
    """Link ``resource`` to a SKOS-XL label node: the literal, where it comes from, what tsc-graph could not check."""
    kind = "pref" if prop == "prefLabel" else "alt"
    base = f"{resource}/label/{kind}-{lang}"
    iri, n = base, 1
    while iri in XL:
        n += 1
        iri = f"{base}-{n}"
    parts = ["a skosxl:Label", f"skosxl:literalForm {lit(text, lang)}", f"dcterms:source {iris(*sources)}"]
    if note:
        parts.append(f"skos:editorialNote {lit(note[0], 'fr')} ,\n        {lit(note[1], 'en')}")
    XL[iri] = f"<{iri}>\n    " + " ;\n    ".join(parts) + " .\n\n"
    return f"    skosxl:{prop} <{iri}> ;\n"


def labels(resource: str, pref: dict[str, tuple[str, tuple[str, ...], tuple[str, str] | None]]) -> str:
    """rdfs:label + skos:prefLabel (plain literals, for every consumer) and their SKOS-XL twins with sources."""
    plain = " , ".join(lit(text, lang) for lang, (text, _, _) in pref.items())
    out = f"    rdfs:label {plain} ;\n    skos:prefLabel {plain} ;\n"
    for lang, (text, sources, note) in pref.items():
        out += xl_label(resource, "prefLabel", text, lang, sources, note)
    return out


def header(w) -> None:
    w("# GENERATED by tools/make_gbf.py — do not edit by hand; change the script and re-run it.\n")
    w("# Kunming-Montreal Global Biodiversity Framework (decision 15/4) as SKOS. Every label has its source on its\n")
    w("# SKOS-XL label node (docs/conventions.md, \"Sources in reference data\"). No goal <-> target hierarchy: no\n")
    w("# source states one; the targets are grouped in the Framework's three sections (skos:Collection).\n")
    for prefix, ns in (("tsc", "https://w3id.org/tsc-graph/ontology#"), ("tscv", "https://w3id.org/tsc-graph/vocab/"),
                       ("gbf", GBF), ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
                       ("xsd", "http://www.w3.org/2001/XMLSchema#"), ("dcterms", "http://purl.org/dc/terms/"),
                       ("skos", "http://www.w3.org/2004/02/skos/core#"),
                       ("skosxl", "http://www.w3.org/2008/05/skos-xl#")):
        w(f"@prefix {prefix}: <{ns}> .\n")
    w("\n")


def scheme(w) -> None:
    top = " ,\n        ".join([f"gbf:goal-{g}" for g in GOALS] + [f"gbf:target-{n:02d}" for n in TARGETS])
    w("tscv:gbf\n    a skos:ConceptScheme ;\n")
    w(labels(GBF.rstrip("/"), {"fr": ("Cadre mondial de la biodiversité de Kunming-Montréal", (DEC_FR,), None),
              "en": ("Kunming-Montreal Global Biodiversity Framework", (DEC_EN,), None)}))
    w("    skos:notation \"GBF\" ;\n")
    w("    dcterms:description "
      + lit("Les 4 objectifs à l'horizon 2050 et les 23 cibles à l'horizon 2030 du Cadre mondial de la biodiversité "
            "de Kunming-Montréal, adopté par la décision 15/4 de la Conférence des Parties à la CDB (décembre 2022), "
            "et les trois sections dans lesquelles le Cadre regroupe les cibles.", "fr") + " ,\n        "
      + lit("The 4 goals for 2050 and the 23 targets for 2030 of the Kunming-Montreal Global Biodiversity Framework, "
            "adopted by decision 15/4 of the Conference of the Parties to the CBD (December 2022), and the three "
            "sections in which the Framework groups the targets.", "en") + " ;\n")
    w("    skos:editorialNote "
      + lit("Objectifs et cibles sont tous des concepts de tête : ni la décision 15/4 ni le thésaurus du Secrétariat "
            "(broaderTerms vides) ne rattachent une cible à un objectif. Chaque libellé porte sa source sur son "
            "nœud SKOS-XL ; les libellés non vérifiés le disent dans une note.", "fr") + " ,\n        "
      + lit("Goals and targets are all top concepts: neither decision 15/4 nor the Secretariat's thesaurus (empty "
            "broaderTerms) puts a target under a goal. Every label carries its source on its SKOS-XL node; labels "
            "tsc-graph could not check say so in a note.", "en") + " ;\n")
    w(f"    dcterms:source {iris(DEC_EN, DEC_FR, DOMAIN_GOALS, DOMAIN_TARGETS)} ;\n")
    w(f"    skos:hasTopConcept {top} .\n\n")


def goal(w, letter: str) -> None:
    ident = f"GBF-GOAL-{letter}"
    w(f"gbf:goal-{letter}\n    a tsc:GBFGoal ;\n    skos:inScheme tscv:gbf ;\n    skos:topConceptOf tscv:gbf ;\n")
    w(f"    skos:notation {lit(ident)} ;\n    skos:exactMatch <{term(ident)}> ;\n")
    w(labels(f"{GBF}goal-{letter}", {"fr": (f"Objectif {letter}", (DEC_FR,), None), "en": (f"Goal {letter}", (DEC_EN,), None)}))
    if letter == "B":
        w(f"    skos:altLabel {lit(GOAL_B_SHORT_EN, 'en')} , {lit(GOAL_B_TITLE_EN, 'en')} ;\n")
        w(xl_label(f"{GBF}goal-B", "altLabel", GOAL_B_SHORT_EN, "en", (term(ident), DOC_GOALS)))
        w(xl_label(f"{GBF}goal-B", "altLabel", GOAL_B_TITLE_EN, "en", (term(ident), DOC_GOALS)))
        text = " ,\n        ".join(lit(t, lang) for lang, t in GOAL_B_TEXT.items())
        w(f"    skos:definition {text} ;\n")
        w(f"    dcterms:source {iris(DEC_EN, DEC_FR, term(ident), DOC_GOALS)} .\n\n")
        return
    fr, en = GOALS[letter]
    w(f"    dcterms:description {lit(fr, 'fr')} ,\n        {lit(en, 'en')} ;\n")
    w(f"    skos:editorialNote {lit(SUMMARY_NOTE[0], 'fr')} ,\n        {lit(SUMMARY_NOTE[1], 'en')} ;\n")
    w(f"    dcterms:source {iris(DEC_EN, DEC_FR)} .\n\n")


def target(w, n: int) -> None:
    ident = f"GBF-TARGET-{n:02d}"
    en, fr = TARGETS[n]
    w(f"gbf:target-{n:02d}\n    a tsc:GBFTarget ;\n    skos:inScheme tscv:gbf ;\n    skos:topConceptOf tscv:gbf ;\n")
    w(f"    skos:notation {lit(ident)} ;\n    tsc:targetNumber {n} ;\n    skos:exactMatch <{term(ident)}> ;\n")
    pref = {"fr": (f"Cible {n} : {fr}", (term(ident), DOC_TARGETS) if n == 1 else (term(ident),),
                   None if n == 1 else UNCHECKED_FR_TARGET),
            "en": (f"Target {n}: {en}", (target_page(n), term(ident), DOC_TARGETS) if n == 1 else (target_page(n),),
                   None)}
    if n == 1:
        pref["es"] = (f"Meta {n}: {TARGET_1_SHORT_ES}", (term(ident), DOC_TARGETS), None)
    w(labels(f"{GBF}target-{n:02d}", pref))
    sources = [target_page(n), term(ident)]
    if n == 1:
        w(f"    skos:altLabel {lit(TARGET_1_TITLE_EN, 'en')} ;\n")
        w(xl_label(f"{GBF}target-01", "altLabel", TARGET_1_TITLE_EN, "en", (term(ident), DOC_TARGETS)))
        text = " ,\n        ".join(lit(t, lang) for lang, t in TARGET_1_TEXT.items())
        w(f"    skos:definition {text} ;\n")
        sources.append(DOC_TARGETS)
    w(f"    dcterms:source {iris(*sources)} .\n\n")


def section(w, k: int) -> None:
    first, last, en, fr, fr_source = SECTIONS[k]
    members = " ,\n        ".join(f"gbf:target-{n:02d}" for n in range(first, last + 1))
    w(f"gbf:section-{k}\n    a skos:Collection ;\n    skos:notation {lit(str(k))} ;\n")
    w(labels(f"{GBF}section-{k}", {"fr": (fr, (fr_source,) if fr_source else (DEC_EN,), None if fr_source else OUR_TRANSLATION),
              "en": (en, (DEC_EN,), None)}))
    w("    dcterms:description "
      + lit(f"Section {k} des cibles du Cadre mondial (décision 15/4, section H) : cibles {first} à {last}.", "fr")
      + " ,\n        "
      + lit(f"Section {k} of the Global Framework's targets (decision 15/4, section H): targets {first} to {last}.",
            "en") + " ;\n")
    w(f"    skos:member {members} ;\n")
    w(f"    dcterms:source {iris(DEC_EN, *((fr_source,) if fr_source else ()))} .\n\n")


def main(out=sys.stdout) -> None:
    w = out.write
    header(w)
    scheme(w)
    for letter in GOALS:
        goal(w, letter)
    for n in TARGETS:
        target(w, n)
    for k in SECTIONS:
        section(w, k)
    w("# --- SKOS-XL label nodes: each label with its own source ---------------------------------------------------\n\n")
    for body in XL.values():
        w(body)


if __name__ == "__main__":
    main()
