"""Write tsc_graph/web/static/map/places.json: how the portal's map finds each country or territory in the
vendored Natural Earth boundaries (tsc_graph/web/static/vendor/world-atlas/countries-50m.json), and
tsc_graph/web/static/map/world.json, those boundaries as the map draws them: the 1:50m file is 756 kB, mostly
detail finer than a pixel at the map's size, so its arcs are simplified (Douglas-Peucker, 0.08 degree, less than a
third of a pixel on a 1280 px screen; shared arcs stay shared, so borders still meet) and what the map does not
read (the land object, names) is left out. Small islands keep every point: they are what the map must show.

Natural Earth's admin-0 *countries* give most places a shape of their own, keyed by the ISO 3166-1 numeric code
(New Caledonia 540, French Polynesia 258, Wallis and Futuna 876…), but draw France's overseas departments
(Guadeloupe, Martinique, French Guiana, La Réunion, Mayotte) as parts of France's multipolygon. For each ISO code
whose numeric code has no shape, this finds the parts of another shape that contain the place's point in the
mledoze/countries list (npm ``world-countries``, ODbL-1.0) or come within 1 degree of it (Guadeloupe is three
islands), else the nearest part within 3 degrees; a shape's largest part is never taken (Gibraltar's point lies
on mainland Spain's outline), and a part near two such points goes to the nearer. The map then draws those parts
as the territory and leaves them out of the country's shape. Only the parts' indexes are written: the points
themselves are not copied.

Numeric codes: Debian's iso-codes (``/usr/share/iso-codes/json/iso_3166-1.json``), the source the countries
vocabulary already cites.

    python tools/make_map_places.py WORLD_COUNTRIES_JSON   # countries.json of `npm pack world-countries@5.1.0`
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "tsc_graph/web/static/vendor/world-atlas/countries-50m.json"
OUT = ROOT / "tsc_graph/web/static/map/places.json"
WORLD = ROOT / "tsc_graph/web/static/map/world.json"
TOLERANCE = 0.08  # degrees
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")
NEAR = 3.0  # degrees: a point off a small island's simplified outline still finds it
GROUP = 1.0  # degrees: the other islands of the same territory


def arcs_of(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def distance(point: tuple[float, float], polygon: list[tuple[float, float]]) -> float:
    return min(math.dist(point, p) for p in polygon)


def _keep(points: list[tuple[float, float]], first: int, last: int, keep: set[int]) -> None:
    """Douglas-Peucker between ``first`` and ``last`` (iterative: long coasts would overflow recursion)."""
    stack = [(first, last)]
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = points[i], points[j]
        length = math.hypot(x2 - x1, y2 - y1)
        far, best = None, TOLERANCE
        for k in range(i + 1, j):
            x, y = points[k]
            d = (abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length) if length else math.hypot(x - x1, y - y1)
            if d > best:
                far, best = k, d
        if far is not None:
            keep.add(far)
            stack += [(i, far), (far, j)]


def simplified(topology: dict) -> dict:
    """The countries of ``topology`` with each arc simplified, quantized like the original."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        absolute, x, y = [], 0, 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            absolute.append((x, y))
        points = [(px * sx + tx, py * sy + ty) for px, py in absolute]
        keep = {0, len(points) - 1}
        _keep(points, 0, len(points) - 1, keep)
        if absolute[0] == absolute[-1] and len(keep) < 4:  # an island drawn by one arc: keep its shape
            keep = set(range(len(points)))
        chosen = [absolute[k] for k in sorted(keep)]
        arcs.append([list(chosen[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(chosen, chosen[1:])])
    countries = {**topology["objects"]["countries"], "geometries": [
        {k: v for k, v in g.items() if k != "properties"} for g in topology["objects"]["countries"]["geometries"]]}
    return {"type": "Topology", "transform": topology["transform"], "bbox": topology["bbox"],
            "objects": {"countries": countries}, "arcs": arcs}


def main(world_countries: str) -> None:
    topology = json.loads(ATLAS.read_text())
    arcs = arcs_of(topology)
    shapes = {}  # numeric id → list of outer rings (one per polygon part)
    for g in topology["objects"]["countries"]["geometries"]:
        if "id" not in g:
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        shapes[g["id"]] = [ring(p[0], arcs) for p in polygons]
    numeric = {c["alpha_2"]: c["numeric"] for c in json.loads(ISO.read_text())["3166-1"]}
    points = {c["cca2"]: (c["latlng"][1], c["latlng"][0]) for c in json.loads(Path(world_countries).read_text())
              if len(c.get("latlng", [])) == 2}
    owner: dict[tuple[str, int], tuple[float, str]] = {}  # (shape id, part) → (distance, alpha-2)
    for code, num in sorted(numeric.items()):
        if num in shapes or code not in points:
            continue
        found = []  # (distance, shape id, part)
        for shape_id, rings in shapes.items():
            largest = max(range(len(rings)), key=lambda k: len(rings[k]))
            for k, polygon in enumerate(rings):
                if len(rings) > 1 and k != largest:
                    d = 0.0 if inside(points[code], polygon) else distance(points[code], polygon)
                    if d <= NEAR:
                        found.append((d, shape_id, k))
        found.sort()
        for d, shape_id, k in [f for f in found if f[0] <= GROUP] or found[:1]:
            if (shape_id, k) not in owner or d < owner[shape_id, k][0]:
                owner[shape_id, k] = (d, code)
    parts: dict[str, list] = {}
    for (shape_id, k), (_d, code) in sorted(owner.items()):
        parts.setdefault(code, [shape_id, []])[1].append(k)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "about": "Written by tools/make_map_places.py: ISO 3166-1 alpha-2 → numeric (Debian iso-codes), and the "
                 "places drawn as one part of another shape of Natural Earth's countries-50m.json "
                 "(alpha-2 → [shape id, [part indexes]]).",
        "numeric": numeric, "parts": parts}, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(numeric)} codes, parts for {', '.join(sorted(parts))}")
    world = simplified(topology)
    WORLD.write_text(json.dumps(world, separators=(",", ":")) + "\n")
    print(f"{WORLD.relative_to(ROOT)}: {sum(map(len, world['arcs']))} of {sum(map(len, topology['arcs']))} points, "
          f"{WORLD.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
