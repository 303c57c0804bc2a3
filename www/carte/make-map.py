#!/usr/bin/python3
"""www/carte/make-map.py - turn Natural Earth's 1:110m countries (the TopoJSON
of the npm package world-atlas@2, countries-110m.json) into
www/carte/pays.json, the shapes savoird draws the « Partenariats » world
map with.

Each country becomes one SVG path (equirectangular projection, longitudes
-180..180 and latitudes 84..-58 on a 1000-unit-wide box, Antarctica left
out, coordinates rounded to a tenth, relative moves), keyed by its ISO
3166-1 alpha-3 code and carrying its French names, taken from Debian's
iso-codes package (the JSON list and the French translation catalogue), so
that savoird can place a partnership recorded as « Sénégal » or
« Vietnam ».  Nothing is fetched: the inputs are files on this machine.

Usage: www/carte/make-map.py countries-110m.json > www/carte/pays.json
"""
import gettext
import json
import sys

ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
ISO_MO = "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo"
WIDTH = 1000.0
LAT_TOP, LAT_BOTTOM = 84.0, -58.0
K = WIDTH / 360.0

# Names the corpus or everyday French use that iso-codes does not give.
ALIASES = {
    "PSE": ["Territoires palestiniens", "Palestine"],
    "VNM": ["Vietnam"],
    "RUS": ["Russie"],
    "KOR": ["Corée du Sud"],
    "PRK": ["Corée du Nord"],
    "USA": ["États-Unis d'Amérique"],
    "GBR": ["Royaume-Uni", "Angleterre"],
    "COD": ["République démocratique du Congo", "RDC"],
    "COG": ["Congo", "Congo-Brazzaville"],
    "CIV": ["Côte d'Ivoire"],
    "CZE": ["République tchèque"],
    "MKD": ["Macédoine du Nord"],
    "SYR": ["Syrie"],
    "IRN": ["Iran"],
    "TZA": ["Tanzanie"],
    "LAO": ["Laos"],
    "MDA": ["Moldavie"],
    "BOL": ["Bolivie"],
    "VEN": ["Venezuela"],
    "TWN": ["Taïwan"],
}
# Shapes of Natural Earth without an ISO numeric code.
NO_CODE = {"Kosovo": ("XKX", "Kosovo"), "N. Cyprus": ("", "Chypre du Nord"),
           "Somaliland": ("", "Somaliland")}


def french(tr, s):
    """A French name the way people write it: « Russie, Fédération de »
    becomes « Fédération de Russie »."""
    s = tr.gettext(s)
    if ", " in s:
        head, tail = s.split(", ", 1)
        if tail.endswith((" de", " d'", " du")) or tail.endswith("'"):
            sep = "" if tail.endswith("'") else " "
            return tail + sep + head
    return s


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs, idx):
    pts = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a[1:] if pts else a)
    return pts


def project(lon, lat):
    return (round((lon + 180.0) * K, 1), round((LAT_TOP - lat) * K, 1))


def num(v):
    s = ("%.1f" % v).rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def centroid(pts):
    """The area centroid of a ring, and its area."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return pts[0], 0.0
    return (cx / (3 * a), cy / (3 * a)), abs(a) / 2


def unwrap(pts):
    """A ring that crosses the antimeridian (Russia's far east, Fiji) made
    continuous, then held inside -180..180 on the side where most of it
    lies, rather than drawn as a line across the whole map."""
    out = [pts[0]]
    for lon, lat in pts[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    east = sum(lon for lon, _ in out) / len(out) > 0
    if east:
        return [(max(min(lon, 180.0), -180.0), lat) for lon, lat in out]
    return [(min(max(lon, -180.0), 180.0), lat) for lon, lat in out]


def path(polys, arcs):
    """The path data of a country, and a point in its largest ring
    (where savoird puts the marker of its partnerships)."""
    out = []
    best, best_area = None, -1.0
    for poly in polys:
        for r in poly:
            pts = []
            for lon, lat in unwrap(ring(arcs, r)):
                p = project(lon, max(lat, LAT_BOTTOM))
                if not pts or p != pts[-1]:
                    pts.append(p)
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            if len(pts) < 3:
                continue
            c, area = centroid(pts)
            if area > best_area:
                best, best_area = c, area
            x0, y0 = pts[0]
            cmd = ["M%s %s" % (num(x0), num(y0))]
            px, py = x0, y0
            rel = []
            for x, y in pts[1:]:
                rel.append("%s %s" % (num(x - px), num(y - py)))
                px, py = x, y
            cmd.append("l" + " ".join(rel) + "z")
            out.append("".join(cmd))
    return "".join(out).replace(" -", "-"), best


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-map.py countries-110m.json")
    topo = json.load(open(sys.argv[1], encoding="utf-8"))
    arcs = decode_arcs(topo)
    tr = gettext.GNUTranslations(open(ISO_MO, "rb"))
    iso = {e["numeric"]: e
           for e in json.load(open(ISO_JSON, encoding="utf-8"))["3166-1"]}
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        code = g.get("id")
        if code == "010":       # Antarctica: no partner there
            continue
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        if code in iso:
            e = iso[code]
            a3 = e["alpha_3"]
            name = french(tr, e.get("common_name", e["name"]))
            names = [name, french(tr, e["name"])]
            if "common_name" in e:
                names.append(tr.gettext(e["common_name"]))
            if "official_name" in e:
                names.append(tr.gettext(e["official_name"]))
        elif g["properties"]["name"] in NO_CODE:
            a3, name = NO_CODE[g["properties"]["name"]]
            names = [name]
        else:
            sys.exit("make-map.py: no ISO code for %s" %
                     g["properties"]["name"])
        names += ALIASES.get(a3, [])
        seen = []
        for n in names:
            if n not in seen:
                seen.append(n)
        d, (cx, cy) = path(polys, arcs)
        countries.append({"iso": a3, "nom": name, "noms": seen, "d": d,
                          "x": round(cx, 1), "y": round(cy, 1)})
    countries.sort(key=lambda c: c["iso"])
    json.dump({
        "source": "Natural Earth 1:110m (domaine public), par world-atlas "
                  "2.0.2 ; noms : iso-codes (Debian)",
        "largeur": int(WIDTH),
        "hauteur": int(round((LAT_TOP - LAT_BOTTOM) * K)),
        "pays": countries,
    }, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


main()
