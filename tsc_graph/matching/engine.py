"""The matchmaking engine: an inverted index on shared keys, so only pairs that share something are scored.

Comparing every offer with every request grows with offers × requests (the SPARQL formulation took 736 s for
all pairs at 1M triples). A match needs a shared support type *and* a shared theme or target
(:mod:`.weights`), so each item is indexed under its composite keys (support type, theme-or-target): the
offers that can match a request are exactly those listed under one of the request's keys. Only those pairs
are scored, and scoring is a few bitwise ANDs: each item's support types, targets, themes, languages and
places are bit masks over the values seen in the catalog.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .catalog import OFFER, REQUEST, Catalog, Item
from .weights import WEIGHTS

_NO_START, _NO_END = -1, 10**8  # day ordinals: an open start / end

# A scored pair packed in one int, so that sorting plain ints ranks pairs best first, then by offer, then by
# request (positions follow IRIs): (MAX_SCORE - score) << 48 | offer position << 24 | request position.
_SCORE_SHIFT, _OFFER_SHIFT, _MAX_SCORE = 48, 24, (1 << 15) - 1
_POSITION_MASK = (1 << _OFFER_SHIFT) - 1


def unpack(key: int) -> tuple[int, int, int]:
    """(score, offer position, request position) of a packed pair."""
    return _MAX_SCORE - (key >> _SCORE_SHIFT), (key >> _OFFER_SHIFT) & _POSITION_MASK, key & _POSITION_MASK


class PairList(Sequence):
    """Scored pairs, best first, kept packed (8 bytes each); items are (score, offer position, request position)."""

    def __init__(self, keys: array):
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [unpack(k) for k in self._keys[i]]
        return unpack(self._keys[i])


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


def best_possible(offer: Item, request: Item, catalog: Catalog) -> int:
    """The most this pair could score: the scale its score is read on ("8 points out of a possible 13").

    A pair cannot share more values of a criterion counted ``each`` than the side naming fewer has, nor meet a
    criterion counted ``once`` that one side gives nothing for (no place, no date). The scale is the pair's, like
    the score, so the request's page and the offer's page show the same figures; measured against what one side
    names, the same match read "8 out of 16" on one page and "8 out of 13" on the other, in two strengths.
    """
    w = WEIGHTS
    return (w["support"] * min(len(offer.supports), len(request.supports))
            + w["target"] * min(len(offer.targets), len(request.targets))
            + w["theme"] * min(len(offer.themes), len(request.themes))
            + w["language"] * min(len(offer.languages), len(request.languages))
            + w["country"] * bool(catalog.places(offer) and catalog.places(request))
            + w["dates"] * bool((offer.start or offer.end) and (request.start or request.end)))


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
        if len(self.offers) > _POSITION_MASK or len(self.requests) > _POSITION_MASK:
            raise ValueError("more than 16 million offers or requests: widen the packing of pairs")
        self._all_pairs: PairList | None = None

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
    def _packed_matches(self, oi: int, request_positions: Iterable[int]) -> list[int]:
        """The matches between offer ``oi`` and the given candidate requests, as packed ints (:func:`pack`).

        The one place a pair is scored (the rules of :mod:`.weights`); inlined bit arithmetic, because all pairs
        of a million-triple graph are close to a million calls of its inner loop.
        """
        w = self.weights
        w_support, w_target, w_theme, w_language = w["support"], w["target"], w["theme"], w["language"]
        w_country, w_dates = w["country"], w["dates"]
        supports, targets, themes, languages, places, actors, start, end, dated, _ = self._offer_vec[oi]
        request_vec = self._request_vec
        base = oi << _OFFER_SHIFT
        out = []
        for ri in request_positions:
            r = request_vec[ri]
            if actors & r[5]:
                continue  # the same actor made both
            score = (w_support * (supports & r[0]).bit_count() + w_target * (targets & r[1]).bit_count()
                     + w_theme * (themes & r[2]).bit_count() + w_language * (languages & r[3]).bit_count())
            if places & r[4]:
                score += w_country
            if dated and r[8] and start <= r[7] and r[6] <= end:
                score += w_dates
            out.append(((_MAX_SCORE - score) << _SCORE_SHIFT) | base | ri)
        return out

    def _candidates(self, vec: tuple, index: dict[int, list[int]]) -> set[int]:
        out: set[int] = set()
        for k in vec[9]:
            hit = index.get(k)
            if hit:
                out.update(hit)
        return out

    def all_pairs(self) -> "PairList":
        """Every match, best first (ties by offer, then request IRI), as (score, offer position, request position).

        Computed once per index: 8 bytes a pair (about 7 MB for the 850,000 matches of a million triples).
        """
        if self._all_pairs is None:
            keys: list[int] = []
            requests_by_key = self._requests_by_key
            for oi, o in enumerate(self._offer_vec):
                keys.extend(self._packed_matches(oi, self._candidates(o, requests_by_key)))
            keys.sort()
            self._all_pairs = PairList(array("q", keys))
        return self._all_pairs

    def count(self) -> int:
        return len(self.all_pairs())

    # --- one side -------------------------------------------------------------------------------------------
    def kind_of(self, iri: str) -> str | None:
        item = self.catalog.items.get(iri)
        return item.kind if item else None

    def matches_for(self, iri: str) -> list[Match]:
        """The matches of one offer or request, best first (ties by the other side's IRI). KeyError if unknown."""
        item = self.catalog.items[iri]
        n = self._position[iri]
        if item.kind == REQUEST:
            keys = [k for oi in self._candidates(self._request_vec[n], self._offers_by_key)
                    for k in self._packed_matches(oi, (n,))]
        else:
            keys = self._packed_matches(n, self._candidates(self._offer_vec[n], self._requests_by_key))
        keys.sort()
        return [self.pair(oi, ri) for _, oi, ri in map(unpack, keys)]

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
