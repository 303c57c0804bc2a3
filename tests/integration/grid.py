#!/usr/bin/env python3
# grid.py - the checks of grid.sh against a running savoird (argv: base URL,
# source tree, scratch dir, savoir binary, a second base URL that serves the
# scratch index once it holds the downloaded record: see grid.sh).  Prints
# "ok - what" / "not ok - what" and "# detail" lines; grid.sh numbers them.
# What is compared comes from the files (www/grille.json, the note, the
# cases' Markdown), never from values written here.
import html
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

base, top, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tapout  # noqa: E402
from tapout import ok  # noqa: E402


def get(path, url=None):
    try:
        with urllib.request.urlopen((url or base) + path, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def text(s):
    s = re.sub(r"<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


grid = json.load(open(os.path.join(top, "www/grille.json")))
crits = grid["criteres"]
ids = [c["id"] for c in crits]

# --- the grid file and the note say the same ------------------------------
note = open(os.path.join(top, "corpus/notes/07-grille-analyse/"
                         "01-la-grille-d-analyse.md")).read()
heads = re.findall(r"^## (\d)\. (.+)$", note, re.M)
ok([(str(c["numero"]), c["titre"]) for c in crits] == heads,
   "www/grille.json's criteria are the note's headings, in order",
   f"{[c['titre'] for c in crits]}\n{heads}")
scales = []
for sec in re.split(r"^## \d\. .+$", note, flags=re.M)[1:9]:
    scales.append(re.findall(r"^\| ([0-3]) \| (.+) \|$", sec, re.M))
ok([[(str(i), e) for i, e in enumerate(c["echelle"])] for c in crits] ==
   scales, "and each criterion's scale is the note's table")

# --- the form ---------------------------------------------------------------
st, hd, page = get("/grille")
ok(st == 200, "/grille answers 200", st)
legends = [text(x) for x in re.findall(r"<legend>(.*?)</legend>", page)]
ok(legends[1:] == [f'{c["numero"]}. {c["titre"]}' for c in crits],
   "/grille has a fieldset for each of the 8 criteria, with its title",
   legends)
radios = re.findall(r'<input type="radio" id="[^"]+" name="note-([a-z-]+)" '
                    r'value="([0-3]?)"', page)
ok(sorted(set(r[0] for r in radios)) == sorted(ids) and len(radios) == 40,
   "each criterion has radio buttons 0 to 3 and « ? »", len(radios))
labels = set(re.findall(r"<label[^>]* for=\"([^\"]+)\"", page))
inputs = set(re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"',
                        page))
ok(inputs <= labels, "every field of the form has its label",
   inputs - labels)
ok(page.count("<h1") == 1 and 'action="/grille/synthese"' in page and
   'method="get"' in page, "one h1; a GET form to /grille/synthese")
for c in crits:
    if c["question"] not in html.unescape(page):
        break
ok(all(c["question"] in html.unescape(page) and
       all(q in html.unescape(page) for q in c["questions"]) for c in crits),
   "the central question and the questions of each criterion are shown")
st, _, home = get("/")
ok('href="/grille"' in home, "the home page links to /grille")

# --- a filled submission ----------------------------------------------------
answers = {c["id"]: i % 4 for i, c in enumerate(crits)}
params = [("collectivite", "Ville de Testville"),
          ("type_collectivite", "commune"),
          ("partenaire", "Commune de Kaya"), ("pays", "Burkina Faso"),
          ("annee_debut", "2015"), ("themes", "eau, jeunesse"),
          ("statut", "actif"), ("exemple", "oui")]
for cid, n in answers.items():
    params.append(("note-" + cid, str(n)))
    params.append(("commentaire-" + cid, f"Preuve <b>{cid}</b> & suite"))
qs = urllib.parse.urlencode(params)
st, hd, summ = get("/grille/synthese?" + qs)
ok(st == 200, "a filled form gives the summary (200)", st)
rows = re.findall(r'<tr><th scope="row"><a href="#synthese-([a-z-]+)">.*?'
                  r'</a></th><td class="grille__valeur">([^<]*)</td><td>'
                  r'(.*?)</td></tr>', summ)
ok([(r[0], r[1]) for r in rows] ==
   [(cid, f"{n}/3") for cid, n in answers.items()],
   "the summary lists each criterion with the note given", rows)
ok(all(html.unescape(r[2]) == f"Preuve <b>{r[0]}</b> & suite"
       for r in rows) and "<b>equilibre</b>" not in summ,
   "the comments are shown, escaped")
for cid, n in answers.items():
    c = crits[ids.index(cid)]
    if c["echelle"][n] not in html.unescape(summ):
        break
ok(all(crits[ids.index(cid)]["echelle"][n] in html.unescape(summ)
       for cid, n in answers.items()),
   "with the meaning of each note on the grid's scale")
links = {}
for cid, body in re.findall(r'<section class="grille__critere" '
                            r'id="synthese-([a-z-]+)".*?>(.*?)</section>',
                            summ, re.S):
    links[cid] = re.findall(r'<li><a href="(/doc/[^"]+)">', body)
ok(sorted(links) == sorted(ids) and
   all(2 <= len(v) <= 3 for v in links.values()),
   "each criterion lists 2 or 3 documents to read",
   {k: len(v) for k, v in links.items()})
bad = [u for v in links.values() for u in v if get(u)[0] != 200]
ok(len(bad) == 0 and len(links) > 0, "every one of those links resolves "
   "(200)", bad)

# The comparison: the notes of the shipped cases, read from their text.
cases = {}
words = {"équilibre": "equilibre", "appui": "appui-institutionnel",
         "ancrage": "ancrage", "participation": "participation",
         "pérennité": "perennite", "cadre": "cadre-juridique",
         "financement": "financement", "évaluation": "evaluation"}
casdir = os.path.join(top, "corpus/cas")
for f in sorted(os.listdir(casdir)):
    md = open(os.path.join(casdir, f)).read()
    sec = md.split("## Application de la grille d'analyse", 1)
    if len(sec) < 2:
        continue
    notes = {}
    for label, score in re.findall(r"^- \*\*(.+?) — ([0-3](?:/3| puis "
                                   r"[0-3]))\.\*\*", sec[1], re.M):
        notes[words[label.split()[0].lower()]] = score[-1] \
            if "puis" in score else score[0]
    cases["/doc/cas/" + f[:-3]] = notes
m = re.search(r'id="titre-comparaison".*?</table>', summ, re.S)
table = m.group(0) if m else ""
cols = re.findall(r'<th scope="col"><a href="(/doc/cas/[^"]+)"', table)
ok(sorted(cols) == sorted(cases) and len(cases) >= 7,
   f"the comparison has a column for each of the {len(cases)} shipped cases",
   f"{cols}\n{sorted(cases)}")
trs = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table)
got = {}
for title, cells in trs:
    vals = [text(x) for x in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
    got[html.unescape(title)] = vals
want = {}
for c in crits:
    want[c["titre"]] = [str(answers[c["id"]])] + \
        [cases[col].get(c["id"], "–") for col in cols]
ok(got == want and len(got) == 8,
   "and each row holds the person's note then the cases' notes, as the "
   "cases' files give them", f"got {got}\nwant {want}")

# « Modifier mes réponses »: the form again, filled in.
m = re.search(r'href="(/grille\?[^"]+)">Modifier mes réponses', summ)
st, _, again = get(html.unescape(m.group(1)) if m else "/grille")
checked = re.findall(r'name="note-([a-z-]+)" value="([0-3])" checked', again)
ok(st == 200 and sorted(checked) == sorted((k, str(v)) for k, v in
                                          answers.items()) and
   all(f"Preuve &lt;b&gt;{k}&lt;/b&gt; &amp; suite</textarea>" in again
       for k in ids) and 'value="Ville de Testville"' in again,
   "« Modifier mes réponses » gives the form back filled in", checked)

# --- bad parameters: a French 400, never a 500 ------------------------------
def bad(what, extra, needle):
    st, hd, page = get("/grille/synthese?" + urllib.parse.urlencode(
        params[:4] + extra))
    msg = text(re.search(r'<p class="error__message">(.*?)</p>', page,
                         re.S).group(1)) if "error__message" in page else ""
    ok(st == 400 and needle in msg and "Requête" in page,
       f"{what}: 400 with « {msg[:90]} »", f"{st} {msg}")


bad("a note of 7", [("note-equilibre", "7")], "doit être 0, 1, 2 ou 3")
bad("a 10 kB comment", [("commentaire-ancrage", "é" * 5000)], "trop long")
bad("an unknown criterion", [("note-bonheur", "2")],
    "Critère inconnu « bonheur »")
bad("an unknown parameter", [("couleur", "bleu")], "Paramètre inconnu")
bad("a long note cut inside a letter", [("note-equilibre", "1" * 19 + "é")],
    "(reçu « 1111111111111111111… »)")
bad("a long unknown criterion", [("note-" + "x" * 60, "1")],
    "Critère inconnu « " + "x" * 40 + "… »")
bad("a note given twice", [("note-perennite", "1"), ("note-perennite", "2")],
    "deux fois")
bad("a year that is not one", [("annee_debut", "15")], "quatre chiffres")
bad("a source that is not a web address", [("source", "javascript:x")],
    "adresse web")
st, _, page = get("/grille/synthese?note-equilibre=2")
ok(st == 400 and "collectivité" in text(page),
   "a summary without collectivité and partenaire: 400", st)
st, _, page = get("/grille/nimporte")
ok(st == 404, "/grille/<other> is a 404", st)

# --- the record -------------------------------------------------------------
st, hd, rec = get("/grille/fiche.jsonl?" + qs)
hd = {k.lower(): v for k, v in hd.items()}
ok(st == 200 and hd.get("content-disposition", "").startswith(
    'attachment; filename="partenariat-ex-ville-de-testville-'),
   "/grille/fiche.jsonl downloads a file (Content-Disposition: attachment)",
   f"{st} {hd.get('content-disposition')}")
m = re.search(r'href="(/grille/fiche\.jsonl\?[^"]+)"', summ)
ok(m is not None and get(html.unescape(m.group(1)))[2] == rec,
   "the summary's « Enregistrer la fiche » link gives that file")
try:
    r = json.loads(rec)
except ValueError:
    r = {}
ok(rec.count("\n") == 1 and r.get("exemple") == "oui" and
   r.get("id") == "ex-ville-de-testville-commune-de-kaya" and
   {k: v["note"] for k, v in r.get("grille", {}).items()} == answers,
   "it is one JSONL record: id from collectivité and partenaire, the notes",
   rec)
os.makedirs(os.path.join(tmp, "fiches"), exist_ok=True)
with open(os.path.join(tmp, "fiches", "fiche.jsonl"), "w") as f:
    f.write(rec)
real = [p for p in params if p[0] != "exemple"]
st, _, page = get("/grille/fiche.jsonl?" + urllib.parse.urlencode(real))
ok(st == 400 and "Source" in text(page),
   "a real partnership's record without a source: 400 saying so", st)
real.append(("source", "https://example.org/kaya"))
st, _, rec2 = get("/grille/fiche.jsonl?" + urllib.parse.urlencode(real))
ok(st == 200 and json.loads(rec2).get("exemple") == "non" and
   json.loads(rec2).get("source") == "https://example.org/kaya",
   "with a source, a real record (exemple non)", rec2)
with open(os.path.join(tmp, "fiches", "fiche-reelle.jsonl"), "w") as f:
    f.write(rec2)

# --- the shipped cases' pages show their grid table ------------------------
for path, notes in sorted(cases.items()):
    st, _, page = get(path)
    m = re.search(r'id="titre-grille-doc".*?</table>', page, re.S)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="grille__'
                      r'valeur">(\d)/3</td>', m.group(0) if m else "")
    want = [(c["titre"], notes[c["id"]]) for c in crits if c["id"] in notes]
    ok(st == 200 and [(html.unescape(a), b) for a, b in rows] == want and
       len(want) == 8, f"{path} shows its grid as a table of 8 rows", rows)
sys.exit(tapout.status())
