#!/usr/bin/env python3
# charts.py - the checks of charts.sh against a running savoird (argv: base
# URL, source tree, the extra records file charts.sh indexed with the
# corpus).  Prints "ok - what" / "not ok - what" and "# detail" lines;
# charts.sh numbers them.  Every expected number is counted here from the
# partnership CSV (and the extra records), every expected date read from the
# legal documents' own files: nothing is written down in advance.
import csv
import html
import json
import os
import re
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser

base, top, extra = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tapout  # noqa: E402
from tapout import ok  # noqa: E402


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


# --- what the records say --------------------------------------------------
records = list(csv.DictReader(open(os.path.join(
    top, "corpus/partenariats/partenariats.csv"), encoding="utf-8")))
for line in open(extra, encoding="utf-8"):
    r = json.loads(line)
    r["themes"] = ";".join(r["themes"])
    r["financeurs"] = ";".join(r.get("financeurs", []))
    records.append(r)


def split(v):
    return [x.strip() for x in v.split(";") if x.strip()]


want = {
    "pays": Counter(r["pays"] for r in records),
    "annee": Counter(r["annee_debut"] for r in records),
    "financeur": Counter(f for r in records for f in set(split(r["financeurs"]))),
    "theme": Counter(t for r in records for t in set(split(r["themes"]))),
}


# --- the page, parsed --------------------------------------------------------
class Page(HTMLParser):
    """Sections, their SVG links (href, title, attributes) and table rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = {}
        self.cur = None
        self.svg = 0
        self.svgs = []
        self.in_title = False
        self.link = None
        self.row = None
        self.cell = None
        self.tables = []
        self.lost = []
        self.in_lost = False
        self.resources = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href", "action", "xlink:href", "data"):
            if k in a:
                self.resources.append(a[k])
        if tag == "section" and "chart" in a.get("class", "").split():
            self.cur = {"id": a.get("id"), "svgs": [], "tables": []}
            self.sections[a.get("id")] = self.cur
        elif tag == "svg":
            self.svg += 1
            s = {"attrs": a, "links": []}
            self.svgs.append(s)
            if self.cur is not None:
                self.cur["svgs"].append(s)
        elif tag == "a" and self.svg:
            self.link = {"href": a.get("href"), "tabindex": a.get("tabindex"),
                         "title": ""}
            self.svgs[-1]["links"].append(self.link)
        elif tag == "title" and self.svg:
            self.in_title = True
        elif tag == "table":
            t = {"caption": "", "rows": [], "scopes": [], "in_caption": False}
            self.tables.append(t)
            if self.cur is not None:
                self.cur["tables"].append(t)
        elif tag == "caption":
            self.tables[-1]["in_caption"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["scopes"].append(a.get("scope"))
            if a.get("scope") == "row":
                self.row = {"label": "", "href": None, "count": ""}
                self.cell = "label"
        elif tag == "td" and self.row is not None:
            self.cell = "count"
        elif tag == "a" and self.row is not None:
            self.row["href"] = a.get("href")
        elif tag == "div" and "chart__lost" in a.get("class", ""):
            self.in_lost = True
        elif tag == "a" and self.in_lost:
            self.lost.append(a.get("href"))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg -= 1
        elif tag == "a" and self.svg:
            self.link = None
        elif tag == "title":
            self.in_title = False
        elif tag == "caption":
            self.tables[-1]["in_caption"] = False
        elif tag == "tr" and self.row is not None:
            self.tables[-1]["rows"].append(self.row)
            self.row = None
        elif tag == "section":
            self.cur = None
        elif tag == "div" and self.in_lost:
            self.in_lost = False

    def handle_data(self, d):
        if self.in_title and self.link is not None:
            self.link["title"] += d
        elif self.tables and self.tables[-1]["in_caption"]:
            self.tables[-1]["caption"] += d
        elif self.row is not None and self.cell:
            self.row[self.cell] += d


def number(s):
    return int(re.sub(r"\D", "", s))


def param(href, key):
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    return q.get(key, [None])[0]


status, headers, page = get("/partenariats")
ok(status == 200 and headers.get("Content-Type", "").startswith("text/html"),
   "/partenariats answers 200 with a page", status)
p = Page()
p.feed(page)

# --- the map -----------------------------------------------------------------
maps = [s for s in p.svgs if "map" in s["attrs"].get("class", "").split()]
ok(len(maps) == 1, "the page holds one SVG map", len(maps))
mp = maps[0] if maps else {"links": [], "attrs": {}}
placed = {param(l["href"], "pays"): l for l in mp["links"]}
lost = {param(h, "pays") for h in p.lost}
ok(len(mp["links"]) == len(placed) and set(placed) | lost == set(want["pays"])
   and not set(placed) & lost,
   "one map link per country with partnerships (%d), the others listed "
   "under the map" % len(want["pays"]),
   f"placed {sorted(placed)}\nlost {sorted(lost)}\nwant {sorted(want['pays'])}")
extra_only = {r["pays"] for r in records[-1:]} - {
    r["pays"] for r in records[:-1]}
ok(lost == extra_only,
   "the one country no map knows (« Atlantide ») is under « Pays non placés "
   "sur la carte »", sorted(lost))
bad = [(c, l["title"]) for c, l in placed.items()
       if l["title"] != "%s : %d partenariat%s" % (c, want["pays"][c],
                                                   "s" if want["pays"][c] > 1 else "")]
ok(not bad, "each country's <title> says its name and count", bad)
ok(all(param(l["href"], "type") == "partenariat" and
       urllib.parse.urlsplit(l["href"]).path == "/recherche"
       for l in mp["links"]),
   "each country links to the partnership search filtered on it")
bad = []
for c, l in sorted(placed.items()):
    q = urllib.parse.urlsplit(l["href"]).query
    st, _, body = get("/api/search?" + q + "&limit=1")
    total = json.loads(body).get("total") if st == 200 else None
    if total != want["pays"][c]:
        bad.append((c, total, want["pays"][c]))
ok(not bad, "each country's link returns as many results through /api/search "
   "as the CSV has records", bad)
st, _, body = get(urllib.parse.urlsplit(mp["links"][0]["href"]).path + "?" +
                  urllib.parse.urlsplit(mp["links"][0]["href"]).query
                  if mp["links"] else "/recherche")
ok(st == 200, "the search page a map link leads to answers 200", st)

# --- every chart: its marks, its table, the same numbers ---------------------
charts = {"carte": "pays", "annees": "annee", "financeurs": "financeur",
          "themes": "theme"}
for sid, key in charts.items():
    sec = p.sections.get(sid)
    if not ok(sec is not None and len(sec["svgs"]) == 1 and
              len(sec["tables"]) == 1,
              f"chart « {sid} »: one SVG and one table beside it"):
        continue
    svg, table = sec["svgs"][0], sec["tables"][0]
    got = {param(r["href"], key): number(r["count"]) for r in table["rows"]}
    ok(got == dict(want[key]) and len(table["rows"]) == len(want[key]),
       f"chart « {sid} »: the table has the CSV's counts by {key}",
       f"got {got}\nwant {dict(want[key])}")
    ok(all(r["label"].strip() == param(r["href"], key) and
           param(r["href"], "type") == "partenariat" for r in table["rows"]),
       f"chart « {sid} »: each row links to its filtered search")
    ok(table["caption"].strip() != "" and "col" in table["scopes"] and
       table["scopes"].count("row") == len(table["rows"]),
       f"chart « {sid} »: the table has a caption and th scope=col/row",
       table["scopes"][:5])
    marks = {}
    for l in svg["links"]:
        m = re.match(r"(.*) : (\d+) partenariats?$", l["title"])
        marks[param(l["href"], key)] = int(m.group(2)) if m else None
    expect = {k: v for k, v in got.items() if k not in lost}
    ok(marks == expect and len(svg["links"]) == len(expect),
       f"chart « {sid} »: one mark a value, its link and title with the "
       "table's number", f"marks {marks}\ntable {expect}")
    ok(svg["attrs"].get("aria-hidden") == "true" and
       all(l["tabindex"] == "-1" for l in svg["links"]),
       f"chart « {sid} »: the SVG is aria-hidden and its links out of the "
       "tab order (the table is the accessible version)")

# --- nothing from elsewhere --------------------------------------------------
outside = [r for r in p.resources if re.match(r"(?i)\s*(https?:)?//", r)]
ok(not outside, "no link or resource of the page is an absolute URL", outside)
ok(not re.search(r"(?i)https?://", page),
   "no http(s) URL anywhere in the page's markup",
   re.findall(r"(?i)https?://[^\s\"'<>]+", page)[:5])
ok("default-src 'self'" in headers.get("Content-Security-Policy", ""),
   "the page keeps the CSP that forbids other origins")
ok(' style="' not in page and "<script>" not in page,
   "no inline style or script (the CSP forbids them)")

# --- home ----------------------------------------------------------------------
st, _, home = get("/")
ok('href="/partenariats"' in home and 'href="/chronologie"' in home,
   "the home page links to both pages")

# --- /chronologie ---------------------------------------------------------------
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
          "août", "septembre", "octobre", "novembre", "décembre"]
legal = []
for f in sorted(os.listdir(os.path.join(top, "corpus/legal"))):
    if not re.match(r"(loi|ce|ta|caa)-", f) or not f.endswith(".md"):
        continue
    text = open(os.path.join(top, "corpus/legal", f), encoding="utf-8").read()
    fm = text.split("---")[1]
    title = json.loads(re.search(r"^title: (.*)$", fm, re.M).group(1))
    year = int(re.search(r"^annee: (\d{4})", fm, re.M).group(1))
    m = re.search(r"(\d{1,2})(?:er)? (%s) %d" % ("|".join(MONTHS), year),
                  title)
    key = (year, MONTHS.index(m.group(2)) + 1, int(m.group(1))) if m else \
        (year, 0, 0)
    legal.append((key, "/doc/legal/" + f[:-3], title))
legal.sort()
status, _, chrono = get("/chronologie")
ok(status == 200, "/chronologie answers 200", status)
items = re.findall(r'<li class="timeline__item[^"]*"[^>]*>.*?<time datetime="'
                   r'([^"]+)">.*?<a href="([^"]+)">(.*?)</a>', chrono, re.S)
got = [(href, html.unescape(t)) for _, href, t in items]
ok(got == [(h, t) for _, h, t in legal],
   "it lists every law and decision of corpus/legal in date order "
   "(%d)" % len(legal),
   "\n".join("%s | %s" % x for x in got) + "\n--\n" +
   "\n".join("%s | %s" % (h, t) for _, h, t in legal))
ok([d for d, _, _ in items] == ["%04d-%02d-%02d" % k if k[1] else "%04d" % k[0]
                                 for k, _, _ in legal],
   "each with its date, as its title gives it")
ok("<ol" in chrono, "the timeline is an ordered list")
bad = []
for _, h, _ in items:
    st, _, body = get(h)
    if st != 200 or 'href="/chronologie"' not in body:
        bad.append((h, st))
ok(items and not bad, "each link of the timeline answers 200, a page that "
   "links back to the timeline", bad)
st, _, body = get("/doc/cgct/L1115-1")
ok(st == 200 and 'href="/chronologie"' not in body,
   "an article of the CGCT, not on the timeline, does not link to it", st)

sys.exit(tapout.status())
