"""Deterministic generator of synthetic, shape-valid TSC graphs (N-Triples) at a target size.

    python benchmarks/generate.py --triples 100k --out benchmarks/out/data/tsc-100k.nt [--seed 42]

The graph follows docs/conventions.md and validates against shapes/ when the ontology and
tsc_graph/reference/*.ttl are loaded alongside (it points at their IRIs: GBF targets and goals, countries and
territories, CBD articles and instruments, SKOS type schemes; it does not repeat them).

Proportions, per block of the generator (one "block" ≈ 1 actor's worth of data):
1 actor : 2 projects : 0.5 commitments : 0.25 offers + 0.25 requests : 0.2 partnerships.
Popularity is skewed (Zipf-like) the way real data is: a few actors lead many projects, a few countries
and GBF targets (3, 20, 21…) are far more frequent than the others. Labels are fr + en, dates ordered,
budgets non-negative with a currency, every node resource has exactly one tsc:evidence.

Same seed and size ⇒ byte-identical output (random.Random(seed) is the only source of randomness).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
from pathlib import Path

TSC = "https://w3id.org/tsc-graph/ontology#"
TSCV = "https://w3id.org/tsc-graph/vocab/"
DEFAULT_BASE = "https://fr.chm-cbd.net/tsc/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
DCAT = "http://www.w3.org/ns/dcat#"
VCARD = "http://www.w3.org/2006/vcard/ns#"

ACTOR_TYPES = ["public-body", "research-institute", "ngo", "company", "funding-agency", "local-authority", "network",
               "international-organisation"]
ACTOR_TYPE_WEIGHTS = [20, 25, 22, 10, 5, 10, 5, 3]
SUPPORT_TYPES = ["training", "technology", "expertise", "data", "funding"]
STATUSES = ["planned", "ongoing", "completed"]
THEMES = ["invasive-species", "marine-coastal", "forests", "agriculture", "protected-areas", "genetic-resources-abs",
          "biosafety", "data-information", "restoration", "urban", "climate-change", "wildlife-trade", "pollution",
          "freshwater", "islands", "traditional-knowledge", "taxonomy", "finance", "education-awareness", "health"]
ARTICLES = ["article-12", "article-16", "article-17", "article-18", "article-18-3", "article-18-4", "article-18-5",
            "article-19"]
INSTRUMENTS = ["cartagena-protocol", "nagoya-protocol", "decision-15-8"]
GOALS = ["goal-A", "goal-B", "goal-C", "goal-D"]
# Countries (tsc:Country in tsc_graph/reference/countries.ttl) with a realistic skew: the French node's own country
# and partners first. Territories (tsc:Territory) are valid for basedIn/spatial/targetCountry but not madeBy.
COUNTRIES = ["FR", "MG", "SN", "BJ", "CI", "CM", "HT", "KM", "MU", "SC", "MA", "TN", "VN", "LA", "KH", "BR", "CO",
             "PE", "MX", "DE", "ES", "IT", "BE", "GB", "NL", "CA", "US", "GA", "CG", "CD", "BF", "ML", "NE", "TD",
             "GN", "TG", "DZ", "EG", "KE", "TZ", "ZA", "IN", "ID", "CN", "JP", "AU", "NZ", "FJ", "VU", "PG"]
TERRITORIES = ["GP", "MQ", "GF", "RE", "YT", "NC", "PF", "PM", "WF", "TF", "BL", "MF"]
LANGS = ["fr", "en", "es"]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "XOF", "GBP"]

WORDS_FR = ["conservation", "restauration", "biodiversité", "récifs", "forêts", "mangroves", "zones humides",
            "espèces envahissantes", "aires protégées", "semences", "pollinisateurs", "données", "taxonomie",
            "savoirs traditionnels", "océan", "littoral", "agroécologie", "sols", "eau douce", "îles", "villes",
            "climat", "faune sauvage", "ressources génétiques", "éducation", "santé"]
WORDS_EN = ["conservation", "restoration", "biodiversity", "reefs", "forests", "mangroves", "wetlands",
            "invasive species", "protected areas", "seeds", "pollinators", "data", "taxonomy",
            "traditional knowledge", "ocean", "coastline", "agroecology", "soils", "freshwater", "islands", "cities",
            "climate", "wildlife", "genetic resources", "education", "health"]
SLUG_WORDS = ["conservation", "restauration", "biodiversite", "recifs", "forets", "mangroves", "zones-humides",
              "especes-envahissantes", "aires-protegees", "semences", "pollinisateurs", "donnees", "taxonomie",
              "savoirs", "ocean", "littoral", "agroecologie", "sols", "eau-douce", "iles", "villes", "climat",
              "faune", "ressources-genetiques", "education", "sante"]
ORG_FR = ["Institut", "Office", "Conservatoire", "Association", "Agence", "Observatoire", "Réseau", "Fondation",
          "Centre", "Syndicat mixte"]
ORG_EN = ["Institute", "Office", "Conservatory", "Association", "Agency", "Observatory", "Network", "Foundation",
          "Centre", "Joint board"]
PROJ_FR = ["Programme", "Projet", "Initiative", "Plan d'action", "Partenariat", "Dispositif"]
PROJ_EN = ["Programme", "Project", "Initiative", "Action plan", "Partnership", "Scheme"]


def parse_size(text: str) -> int:
    """'10k' → 10_000, '1M' → 1_000_000, '2500' → 2500."""
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Zipf:
    """Draw indexes 0..n-1 with probability ∝ 1/(i+1)^s, for a population that grows as we generate."""

    def __init__(self, rng: random.Random, s: float = 0.8):
        self.rng = rng
        self.s = s
        self.cum: list[float] = []

    def grow(self, n: int) -> None:
        total = self.cum[-1] if self.cum else 0.0
        for i in range(len(self.cum), n):
            total += 1.0 / (i + 1) ** self.s
            self.cum.append(total)

    def draw(self) -> int:
        x = self.rng.random() * self.cum[-1]
        return bisect.bisect_left(self.cum, x)


class Generator:
    """Streams N-Triples lines; ``count`` is the number of triples written so far."""

    def __init__(self, seed: int = 42, base: str = DEFAULT_BASE):
        self.rng = random.Random(seed)
        self.base = base if base.endswith("/") else base + "/"
        self.count = 0
        self.actors: list[str] = []
        self.projects: list[str] = []
        self.actor_pick = _Zipf(self.rng, 0.9)
        self.project_pick = _Zipf(self.rng, 0.3)
        self.target_weights = [3 if n in (3, 20, 21) else 2 if n in (2, 6, 8, 10, 14, 19) else 1 for n in range(1, 24)]
        self.country_weights = [40 if c == "FR" else max(1, 12 - i // 4) for i, c in enumerate(COUNTRIES)]
        self.bnode = itertools.count()
        self.out: list[str] = []

    # --- emit helpers ----------------------------------------------------------------------------
    def _t(self, s: str, p: str, o: str) -> None:
        self.out.append(f"{s} <{p}> {o} .\n")
        self.count += 1

    @staticmethod
    def iri(v: str) -> str:
        return f"<{v}>"

    @staticmethod
    def lit(v: str, lang: str | None = None, dt: str | None = None) -> str:
        if lang:
            return f'"{_esc(v)}"@{lang}'
        if dt:
            return f'"{_esc(v)}"^^<{XSD}{dt}>'
        return f'"{_esc(v)}"'

    def _labels(self, s: str, fr: str, en: str, describe: float = 0.6) -> None:
        self._t(s, RDFS_LABEL, self.lit(fr, "fr"))
        self._t(s, RDFS_LABEL, self.lit(en, "en"))
        if self.rng.random() < describe:
            self._t(s, DCT + "description", self.lit(f"{fr} : description synthétique générée pour les bancs d'essai.", "fr"))
            self._t(s, DCT + "description", self.lit(f"{en}: synthetic description generated for benchmarks.", "en"))

    def _evidence(self, s: str) -> None:
        if self.rng.random() < 0.3:
            self._t(s, TSC + "evidence", self.iri(TSCV + "evidence/public-source"))
            self._t(s, DCT + "source", self.iri(f"https://example.org/source/{self.rng.randrange(10**6)}"))
        else:
            self._t(s, TSC + "evidence", self.iri(TSCV + "evidence/illustrative"))

    def _place(self, territories: bool = True) -> str:
        if territories and self.rng.random() < 0.15:
            return self.iri(TSCV + "country/" + self.rng.choice(TERRITORIES))
        return self.iri(TSCV + "country/" + self.rng.choices(COUNTRIES, self.country_weights)[0])

    def _places(self, lo: int, hi: int) -> list[str]:
        return list(dict.fromkeys(self._place() for _ in range(self.rng.randint(lo, hi))))

    def _targets(self, lo: int, hi: int) -> list[str]:
        out = []
        for _ in range(self.rng.randint(lo, hi)):
            if self.rng.random() < 0.05:
                out.append(self.iri(TSCV + "gbf/" + self.rng.choice(GOALS)))
            else:
                n = self.rng.choices(range(1, 24), self.target_weights)[0]
                out.append(self.iri(f"{TSCV}gbf/target-{n:02d}"))
        return list(dict.fromkeys(out))

    def _themes(self, lo: int, hi: int) -> list[str]:
        return [self.iri(TSCV + "theme/" + t) for t in self.rng.sample(THEMES, self.rng.randint(lo, hi))]

    def _words(self) -> tuple[str, str, str]:
        i = self.rng.randrange(len(WORDS_FR))
        return WORDS_FR[i], WORDS_EN[i], SLUG_WORDS[i]

    def _dates(self, s: str, required: bool, end_p: float) -> None:
        if not required and self.rng.random() < 0.4:
            return
        y = self.rng.randint(1995, 2026)
        m, d = self.rng.randint(1, 12), self.rng.randint(1, 28)
        self._t(s, SCHEMA + "startDate", self.lit(f"{y:04d}-{m:02d}-{d:02d}", dt="date"))
        if self.rng.random() < end_p:
            y2 = y + self.rng.randint(1, 8)
            self._t(s, SCHEMA + "endDate", self.lit(f"{y2:04d}-{m:02d}-{d:02d}", dt="date"))

    def _actor(self) -> str:
        return self.actors[self.actor_pick.draw()]

    # --- entities --------------------------------------------------------------------------------
    def actor(self) -> None:
        i = len(self.actors)
        k = self.rng.randrange(len(ORG_FR))
        wfr, wen, wslug = self._words()
        s = self.iri(f"{self.base}id/actor/{wslug}-{i:06d}")
        self._t(s, RDF_TYPE, self.iri(TSC + "Actor"))
        self._labels(s, f"{ORG_FR[k]} {wfr} n° {i}", f"{ORG_EN[k]} for {wen} no. {i}", describe=0.5)
        self._t(s, TSC + "actorType", self.iri(TSCV + "actor-type/" + self.rng.choices(ACTOR_TYPES, ACTOR_TYPE_WEIGHTS)[0]))
        self._t(s, TSC + "basedIn", self._place())
        for th in self._themes(1, 3):
            self._t(s, TSC + "thematicArea", th)
        if self.rng.random() < 0.5:
            self._t(s, SCHEMA + "alternateName", self.lit(f"{ORG_FR[k][:2].upper()}{wslug[:3].upper()}{i}"))
        if self.rng.random() < 0.5:
            self._t(s, FOAF + "homepage", self.iri(f"https://actor-{i}.example.org/"))
        self._evidence(s)
        self.actors.append(s)
        self.actor_pick.grow(len(self.actors))

    def project(self) -> None:
        i = len(self.projects)
        k = self.rng.randrange(len(PROJ_FR))
        wfr, wen, wslug = self._words()
        s = self.iri(f"{self.base}id/project/{wslug}-{i:06d}")
        self._t(s, RDF_TYPE, self.iri(TSC + "Project"))
        self._labels(s, f"{PROJ_FR[k]} {wfr} {i}", f"{wen.capitalize()} {PROJ_EN[k].lower()} {i}", describe=0.7)
        lead = self._actor()
        self._t(s, TSC + "leadOrganisation", lead)
        for a in dict.fromkeys(self._actor() for _ in range(self.rng.randint(0, 3))):
            if a != lead:
                self._t(s, TSC + "partnerOrganisation", a)
        for a in dict.fromkeys(self._actor() for _ in range(self.rng.randint(0, 2))):
            self._t(s, TSC + "funder", a)
        self._dates(s, required=True, end_p=0.7)
        if self.rng.random() < 0.8:
            self._t(s, TSC + "budget", self.lit(f"{self.rng.randint(5, 5000) * 1000}.00", dt="decimal"))
            self._t(s, SCHEMA + "currency", self.lit(self.rng.choice(CURRENCIES)))
        self._t(s, TSC + "status", self.iri(TSCV + "status/" + self.rng.choice(STATUSES)))
        for p in self._places(1, 3):
            self._t(s, DCT + "spatial", p)
        for th in self._themes(1, 3):
            self._t(s, TSC + "thematicArea", th)
        for t in self._targets(1, 3):
            self._t(s, TSC + "contributesTo", t)
        for a in self.rng.sample(ARTICLES, self.rng.choice([0, 0, 1, 1, 2])):
            self._t(s, TSC + "implementsArticle", self.iri(TSCV + "cbd/" + a))
        if self.rng.random() < 0.2:
            self._t(s, TSC + "relatesToInstrument", self.iri(TSCV + "cbd/" + self.rng.choice(INSTRUMENTS)))
        if self.rng.random() < 0.3:
            self._t(s, FOAF + "page", self.iri(f"https://project-{i}.example.org/"))
        self._evidence(s)
        self.projects.append(s)
        self.project_pick.grow(len(self.projects))

    def commitment(self, i: int) -> None:
        wfr, wen, wslug = self._words()
        s = self.iri(f"{self.base}id/commitment/{wslug}-{i:06d}")
        national = self.rng.random() < 0.6
        self._t(s, RDF_TYPE, self.iri(TSC + ("NationalCommitment" if national else "InternationalCommitment")))
        self._labels(s, f"Engagement {wfr} {i}", f"Commitment on {wen} {i}", describe=0.6)
        if self.rng.random() < 0.2:
            self._t(s, TSC + "madeBy", self._place(territories=False))
        else:
            self._t(s, TSC + "madeBy", self._actor())
        self._dates(s, required=False, end_p=0.9)
        for p in self._places(0, 2):
            self._t(s, DCT + "spatial", p)
        for t in self._targets(1, 2):
            self._t(s, TSC + "contributesTo", t)
        n = self.rng.choice([0, 1, 1, 2, 3])
        for p in dict.fromkeys(self.projects[-1 - self.project_pick.draw()] for _ in range(n)):
            self._t(s, TSC + "fulfilledBy", p)
        if self.rng.random() < 0.15:
            self._t(s, TSC + "relatesToInstrument", self.iri(TSCV + "cbd/" + self.rng.choice(INSTRUMENTS)))
        self._evidence(s)

    def bio_bridge(self, i: int, offer: bool) -> None:
        wfr, wen, wslug = self._words()
        kind = "offer" if offer else "request"
        s = self.iri(f"{self.base}id/{kind}/{wslug}-{i:06d}")
        self._t(s, RDF_TYPE, self.iri(TSC + ("CooperationOffer" if offer else "CooperationRequest")))
        if offer:
            self._labels(s, f"Offre d'appui : {wfr} {i}", f"Support offer: {wen} {i}", describe=0.5)
            self._t(s, SCHEMA + "offeredBy", self._actor())
        else:
            self._labels(s, f"Demande d'appui : {wfr} {i}", f"Support request: {wen} {i}", describe=0.5)
            self._t(s, TSC + "requestedBy", self._actor())
        for st in self.rng.sample(SUPPORT_TYPES, self.rng.randint(1, 2)):
            self._t(s, TSC + "supportType", self.iri(TSCV + "support-type/" + st))
        for th in self._themes(1, 2):
            self._t(s, TSC + "thematicArea", th)
        for t in self._targets(0, 2):
            self._t(s, TSC + "contributesTo", t)
        if offer:
            for p in self._places(0, 3):
                self._t(s, TSC + "targetCountry", p)
        for lang in self.rng.sample(LANGS, self.rng.choice([1, 1, 2])):
            self._t(s, DCT + "language", self.lit(lang, dt="language"))
        self._dates(s, required=False, end_p=0.8)
        b = f"_:c{next(self.bnode)}"
        self._t(s, DCAT + "contactPoint", b)
        self._t(b, RDF_TYPE, self.iri(VCARD + "Kind"))
        self._t(b, VCARD + "fn", self.lit(f"Contact Bio-Bridge {kind} {i}"))
        self._t(b, VCARD + "hasEmail", self.iri(f"mailto:{kind}-{i}@example.org"))
        self._evidence(s)

    def partnership(self, i: int) -> None:
        wfr, wen, wslug = self._words()
        s = self.iri(f"{self.base}id/partnership/{wslug}-{i:06d}")
        twinning = self.rng.random() < 0.2
        self._t(s, RDF_TYPE, self.iri(TSC + ("Twinning" if twinning else "Partnership")))
        self._labels(s, f"Partenariat {wfr} {i}", f"Partnership on {wen} {i}", describe=0.4)
        members: list[str] = []
        while len(members) < 2:
            members = list(dict.fromkeys(self._actor() for _ in range(self.rng.randint(2, 5))))
        for m in members:
            self._t(s, ORG + "hasMember", m)
        self._dates(s, required=False, end_p=0.5)
        self._evidence(s)

    # --- driver ----------------------------------------------------------------------------------
    def blocks(self, target: int):
        """Yield N-Triples text chunks until at least ``target`` triples are written (a block is ~80 triples)."""
        n_commit = n_offer = n_request = n_partner = 0
        block = 0
        # Seed population so references always have somewhere to point.
        for _ in range(3):
            self.actor()
        while self.count < target:
            block += 1
            self.actor()
            self.project()
            self.project()
            if block % 2 == 0:
                self.commitment(n_commit)
                n_commit += 1
            if block % 4 == 1:
                self.bio_bridge(n_offer, offer=True)
                n_offer += 1
            if block % 4 == 3:
                self.bio_bridge(n_request, offer=False)
                n_request += 1
            if block % 5 == 0:
                self.partnership(n_partner)
                n_partner += 1
            if len(self.out) >= 20_000:
                yield "".join(self.out)
                self.out.clear()
        if self.out:
            yield "".join(self.out)
            self.out.clear()
        self.stats = {"triples": self.count, "actors": len(self.actors), "projects": len(self.projects),
                      "commitments": n_commit, "offers": n_offer, "requests": n_request, "partnerships": n_partner}


def generate(target: int, out: Path, seed: int = 42, base: str = DEFAULT_BASE) -> dict:
    """Write a graph of ≈ ``target`` triples (a little more: whole blocks) to ``out``; return its statistics."""
    out.parent.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed, base)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for chunk in gen.blocks(target):
            f.write(chunk)
    tmp.replace(out)
    return gen.stats


def ensure(target: int, directory: Path, seed: int = 42) -> tuple[Path, dict | None]:
    """The data file for ``target`` triples under ``directory``, generated if missing."""
    path = directory / f"tsc-{size_label(target)}-s{seed}.nt"
    if path.exists():
        return path, None
    return path, generate(target, path, seed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", default="10k", help="target size: 10k, 100k, 1M, or a number")
    ap.add_argument("--out", required=True, help="output .nt file")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--base-uri", default=DEFAULT_BASE)
    args = ap.parse_args(argv)
    stats = generate(parse_size(args.triples), Path(args.out), args.seed, args.base_uri)
    print(" ".join(f"{k}={v}" for k, v in stats.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
