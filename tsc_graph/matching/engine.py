"""The matchmaking engine: an inverted index on shared keys, so only pairs that share something are scored.

Comparing every offer with every request grows with offers × requests (the SPARQL formulation took 736 s for
all pairs at 1M triples). A match needs a shared support type *and* a shared theme or target
(:mod:`.weights`), so each item is indexed under its composite keys (support type, theme-or-target): the
offers that can match a request are exactly those listed under one of the request's keys. Only those pairs
are scored, and scoring is a few bitwise ANDs: each item's support types, targets, themes, languages and
places are bit masks over the values seen in the catalog.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .catalog import OFFER, REQUEST, Catalog, Item
from .weights import WEIGHTS

_NO_START, _NO_END = -1, 10**8  # day ordinals: an open start / end


class _Bits:
    """Value → bit position, one space per feature family."""

    def __init__(self) -> None:
        self.bit: dict[str, int] = {}

    def mask(self, values: Iterable[str]) -> int:
        m = 0
        for v in values:
            b = self.bit.get(v)
            if b is None:
                b = self.bit[v] = len(self.bit)
            m |= 1 << b
        return m


@dataclass(frozen=True)
class Match:
    """One scored pair, with what it shares (IRIs, sorted) — what an explanation or the API shows."""

    offer: Item
    request: Item
    score: int
    supports: tuple[str, ...]
    targets: tuple[str, ...]
    themes: tuple[str, ...]
    languages: tuple[str, ...]
    countries: tuple[str, ...]  # places of the request the offer serves
    dates: str  # "overlap", "disjoint" or "unknown" (a side without any date)

    def points(self) -> dict[str, int]:
        """Score per criterion (sums to ``score``)."""
        w = WEIGHTS
        return {
            "support": w["support"] * len(self.supports), "target": w["target"] * len(self.targets),
            "theme": w["theme"] * len(self.themes), "language": w["language"] * len(self.languages),
            "country": w["country"] * bool(self.countries), "dates": w["dates"] * (self.dates == "overlap"),
        }


class MatchIndex:
    """Built once from a :class:`Catalog`; answers all pairs, or the matches of one offer or request."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.weights = WEIGHTS
        self.offers = sorted((i for i in catalog.items.values() if i.kind == OFFER), key=lambda i: i.iri)
        self.requests = sorted((i for i in catalog.items.values() if i.kind == REQUEST), key=lambda i: i.iri)
        self._position = {i.iri: n for n, i in enumerate(self.offers)}
        self._position.update({i.iri: n for n, i in enumerate(self.requests)})
        fam = {k: _Bits() for k in ("support", "target", "theme", "language", "place", "actor", "key")}
        self._offer_vec = [self._vector(i, fam) for i in self.offers]
        self._request_vec = [self._vector(i, fam) for i in self.requests]
        self._offers_by_key = self._invert(self._offer_vec)
        self._requests_by_key = self._invert(self._request_vec)

    # --- building -------------------------------------------------------------------------------------------
    def _vector(self, item: Item, fam: dict[str, _Bits]) -> tuple:
        """(support, target, theme, language, place, actors) masks, dates as day ordinals, composite keys."""
        has_dates = item.start is not None or item.end is not None
        keys = []
        key_bits = fam["key"].bit
        for s in item.supports:
            for t in item.targets | item.themes:
                k = key_bits.get((s, t))
                if k is None:
                    k = key_bits[(s, t)] = len(key_bits)
                keys.append(k)
        return (fam["support"].mask(item.supports), fam["target"].mask(item.targets), fam["theme"].mask(item.themes),
                fam["language"].mask(item.languages), fam["place"].mask(self.catalog.places(item)),
                fam["actor"].mask(item.actors),
                item.start.toordinal() if item.start else _NO_START, item.end.toordinal() if item.end else _NO_END,
                has_dates, keys)

    @staticmethod
    def _invert(vectors: list[tuple]) -> dict[int, list[int]]:
        index: dict[int, list[int]] = {}
        for n, vec in enumerate(vectors):
            for k in vec[9]:
                index.setdefault(k, []).append(n)
        return index

    # --- scoring --------------------------------------------------------------------------------------------
    def _score(self, o: tuple, r: tuple) -> int:
        """Score of a candidate pair (it shares a composite key), or -1 when the same actor made both."""
        if o[5] & r[5]:
            return -1
        w = self.weights
        score = (w["support"] * (o[0] & r[0]).bit_count() + w["target"] * (o[1] & r[1]).bit_count()
                 + w["theme"] * (o[2] & r[2]).bit_count() + w["language"] * (o[3] & r[3]).bit_count())
        if o[4] & r[4]:
            score += w["country"]
        if o[8] and r[8] and o[6] <= r[7] and r[6] <= o[7]:
            score += w["dates"]
        return score

    def _candidates(self, vec: tuple, index: dict[int, list[int]]) -> set[int]:
        out: set[int] = set()
        for k in vec[9]:
            hit = index.get(k)
            if hit:
                out.update(hit)
        return out

    def pair_scores(self) -> Iterator[tuple[int, int, int]]:
        """(score, offer position, request position) of every match, unordered — the all-pairs workhorse."""
        requests_by_key = self._requests_by_key
        request_vec = self._request_vec
        score = self._score
        for oi, o in enumerate(self._offer_vec):
            for ri in self._candidates(o, requests_by_key):
                s = score(o, request_vec[ri])
                if s >= 0:
                    yield s, oi, ri

    def all_pairs(self) -> list[tuple[int, int, int]]:
        """Every match as (score, offer position, request position), best first, ties by offer then request IRI."""
        return sorted(self.pair_scores(), key=lambda t: (-t[0], t[1], t[2]))

    def count(self) -> int:
        return sum(1 for _ in self.pair_scores())

    # --- one side -------------------------------------------------------------------------------------------
    def kind_of(self, iri: str) -> str | None:
        item = self.catalog.items.get(iri)
        return item.kind if item else None

    def matches_for(self, iri: str) -> list[Match]:
        """The matches of one offer or request, best first (ties by the other side's IRI). KeyError if unknown."""
        item = self.catalog.items[iri]
        n = self._position[iri]
        if item.kind == REQUEST:
            r = self._request_vec[n]
            scored = [(self._score(self._offer_vec[oi], r), oi) for oi in self._candidates(r, self._offers_by_key)]
            pairs = [(s, self.offers[oi], item) for s, oi in scored if s >= 0]
            pairs.sort(key=lambda t: (-t[0], t[1].iri))
        else:
            o = self._offer_vec[n]
            scored = [(self._score(o, self._request_vec[ri]), ri) for ri in self._candidates(o, self._requests_by_key)]
            pairs = [(s, item, self.requests[ri]) for s, ri in scored if s >= 0]
            pairs.sort(key=lambda t: (-t[0], t[2].iri))
        return [self.detail(offer, request) for _, offer, request in pairs]

    def detail(self, offer: Item, request: Item) -> Match:
        """What a pair shares, value by value."""
        places = self.catalog.places(request) & self.catalog.places(offer)
        if (offer.start or offer.end) and (request.start or request.end):
            lo_o = offer.start.toordinal() if offer.start else _NO_START
            hi_o = offer.end.toordinal() if offer.end else _NO_END
            lo_r = request.start.toordinal() if request.start else _NO_START
            hi_r = request.end.toordinal() if request.end else _NO_END
            dates = "overlap" if lo_o <= hi_r and lo_r <= hi_o else "disjoint"
        else:
            dates = "unknown"
        shared = (tuple(sorted(offer.supports & request.supports)), tuple(sorted(offer.targets & request.targets)),
                  tuple(sorted(offer.themes & request.themes)), tuple(sorted(offer.languages & request.languages)),
                  tuple(sorted(places)), dates)
        points = Match(offer, request, 0, *shared).points()
        return Match(offer, request, sum(points.values()), *shared)

    def pair(self, offer_position: int, request_position: int) -> Match:
        return self.detail(self.offers[offer_position], self.requests[request_position])
