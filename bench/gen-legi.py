#!/usr/bin/python3
"""
gen-legi.py - synthetic legal codes in the LEGI JSON tree, for the scale
benchmark of the `legi` plugin (up to a million articles and more).

    bench/gen-legi.py --source DIR --out DIR --articles N \
        [--per-file 10000] [--seed 1] [--jobs J]

It reads the real codes once (DIR/LEGITEXT*.json, as @socialgouv/legi-data
packages them) and learns from them:

- three word chains (article bodies, notes, section titles): a bigram model
  kept as, for every word, the list of the words that follow it in the real
  text, repeats included, so that drawing one of them at random follows the
  real bigram frequencies and the words come out with the real, Zipf-like,
  unigram frequencies;
- the real articles as templates: the word count of each paragraph of the
  text and of the note, the `etat` and dates, the `lienModifications` list
  (each synthetic article takes all of these from one real article drawn at
  random, so lengths keep their real joint distribution);
- the shape of the tree: for each depth, the sequence of child kinds
  (section or article) of every real section, and the first word and word
  count of its title; a synthetic section draws one real section of its
  depth and follows its shape, so depth and fan-out follow the real ones;
- the article number prefixes (L, R, D, A, LO) and section dates.

It then writes ceil(N / per-file) files, the articles split evenly, each a
code the `legi` plugin accepts (see plugins/legi/legi.c): a root
{"data": {cid, id, title, dateDebutVersion ...}, "type": "code",
"children": [...]} whose `data` comes first so that the plugin's probe finds
"children", "LEGI and "type": "code" in the first 64 KB; sections
{"data": {title ...}, "type": "section", "children": [...]}; articles
{"data": {id, cid, num, etat, dateDebut, dateFin, texte, texteHtml, nota,
notaHtml, lienModifications ...}, "type": "article"}.  File k is
LEGITEXT9<k on 11 digits>.json, titled "Code synthétique <k>"; the plugin
does not know that code and names it from its initials and the last four
digits of its id ("cs70007" for the 7th), warning once per file.  Article
numbers are "<prefix><1000 + section number>-<rank>", unique in the file,
so that no two articles share an id; LEGI ids are unique across files.
Every article is in force on the code's version date (the earliest version
date of the real codes): real templates that would be repealed on that date
are left out, so every article becomes a document.

The JSON is compact, one article per line, and each article has a single
entry in articleVersions (the plugin reads none of it): the real files are
indented and about twice as large per article, and the indexer refuses files
over 64 MB unless told otherwise (savoir index --max-size); 20,000 articles
make about 56 MB.  The indexer's peak RSS grows with the articles per file,
not with their total (the whole file is one JSON tree, and its documents are
stored together): measured at about 246 MB with 20,000 per file, 146 MB with
10,000 (the Code du travail has about 11,500).

Memory stays bounded: one file is written at a time per job, article by
article, and nothing of it is kept.  Files are generated in parallel (one
process per core by default); each file draws from its own
random.Random("<seed>/<k>"), so the output depends on the seed and the
source only, not on --jobs.

Python 3 standard library only.
"""

import argparse
import array
import glob
import html
import json
import math
import multiprocessing
import os
import random
import re
import sys
import time

# json's C string encoder, UTF-8 kept as is (like legi-data's files).
_enc = json.encoder.encode_basestring

# LEGI writes "no end" as 2999-01-01 (milliseconds for articles).
NO_END_MS = 32472144000000
NO_END_DAY = "2999-01-01"
# Kinds of children in a section's shape.
ART, SEC = "A", "S"
# The plugin's "dead" etats: such an article is not indexed by default.
DEAD_ETATS = {"ABROGE", "ANNULE", "PERIME", "DISJOINT", "TRANSFERE",
              "MODIFIE_MORT_NE"}
# The indexer's default file size limit (savoir index --max-size).
MAX_FILE = 64 << 20

# HTML of the real articles: paragraph boundaries, then any tag.
_BLOCK_RE = re.compile(r"(?i)<(?:p|/p|br|div|/div|/tr|li|/li|table|/table|"
                       r"h[1-6]|/h[1-6]|blockquote|/blockquote)\b[^>]*>")
_TAG_RE = re.compile(r"<[^>]*>")
_PREFIX_RE = re.compile(r"\s*(LO|L|R|D|A)\*?[0-9]")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ms_to_day(ms):
    """LEGI article date (ms since 1970, UTC) as YYYY-MM-DD, "" for none."""
    if not isinstance(ms, (int, float)):
        return ""
    day = time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))
    return "" if day >= "2999" else day


class Chain:
    """A bigram word chain learnt from word sequences."""

    def __init__(self):
        self.ids = {}
        self.words = []
        self.tok = array.array("I")
        self.firsts = array.array("I")   # first word of each sequence
        self.succ = self.start = self.cnt = None

    def wid(self, w):
        i = self.ids.get(w)
        if i is None:
            i = self.ids[w] = len(self.words)
            self.words.append(w)
        return i

    def add(self, words):
        """Add one sequence (a paragraph, a title); returns its length."""
        if not words:
            return 0
        wid = self.wid
        ids = [wid(w) for w in words]
        self.firsts.append(ids[0])
        self.tok.extend(ids)
        return len(ids)

    def build(self):
        """
        Group the successors by word: succ[start[w]:start[w] + cnt[w]] are
        the words that follow w in the text, with repeats.  The last word
        of a sequence is followed by the first of the next one (the very
        last by the very first), so that every word has a successor.
        """
        tok, nv, n = self.tok, len(self.words), len(self.tok)
        cnt = array.array("I", bytes(4 * nv))
        for t in tok:
            cnt[t] += 1
        start = array.array("I", bytes(4 * nv))
        acc = 0
        for w in range(nv):
            start[w] = acc
            acc += cnt[w]
        fill = array.array("I", start)
        succ = array.array("I", bytes(4 * n))
        prev = tok[n - 1]
        for t in tok:
            succ[fill[prev]] = t
            fill[prev] += 1
            prev = t
        self.succ, self.start, self.cnt = succ, start, cnt
        self.ids = None     # not needed any more
        self.tok = None

    def run(self, rnd, w, n):
        """n word ids from w (included) on, as a list."""
        succ, start, cnt = self.succ, self.start, self.cnt
        out = [w]
        app = out.append
        for _ in range(n - 1):
            w = succ[start[w] + int(rnd() * cnt[w])]
            app(w)
        return out

    def text(self, rnd, w, n):
        return " ".join(map(self.words.__getitem__, self.run(rnd, w, n)))


def html_paragraphs(h):
    """The word lists of the paragraphs of a piece of LEGI HTML."""
    out = []
    for piece in _BLOCK_RE.split(h):
        words = html.unescape(_TAG_RE.sub(" ", piece)).split()
        if words:
            out.append(words)
    return out


class Model:
    """What the generator learns from the real codes."""

    def __init__(self):
        self.body = Chain()
        self.nota = Chain()
        self.title = Chain()
        # (paragraph word counts, nota paragraph word counts, etat,
        #  dateDebut ms, dateFin ms, lienModifications as JSON)
        self.templates = []
        self.shapes = {}        # depth -> [shape string]
        self.titles = {}        # depth -> [(first word id, word count)]
        self.prefixes = []      # article number prefixes, with repeats
        self.sec_dates = []     # section dateDebut, with repeats
        self.ref = None         # version date of the synthetic codes
        self.stats = {}

    def learn(self, source):
        paths = sorted(glob.glob(os.path.join(source, "LEGITEXT*.json")))
        if not paths:
            sys.exit("gen-legi: no LEGITEXT*.json in %s" % source)
        arts = []               # (data, depth) before the version date
        refs = []
        intern = {}
        nsec = 0
        for p in paths:
            with open(p, "rb") as f:
                root = json.load(f)
            if root.get("type") != "code" or not isinstance(
                    root.get("data"), dict):
                log("gen-legi: %s is not a LEGI code tree: skipped" % p)
                continue
            d = root["data"]
            ref = d.get("dateDebutVersion") or d.get("dateModif")
            if isinstance(ref, str) and len(ref) >= 10:
                refs.append(ref[:10])
            stack = [(root, 0)]
            while stack:
                node, depth = stack.pop()
                kids = node.get("children") or []
                shape = []
                for c in kids:
                    if not isinstance(c, dict):
                        continue
                    if c.get("type") == "article":
                        shape.append(ART)
                        self._article(c.get("data") or {}, intern)
                    elif c.get("type") == "section":
                        shape.append(SEC)
                        nsec += 1
                        self._section(c.get("data") or {}, depth + 1,
                                      intern)
                        stack.append((c, depth + 1))
                if depth > 0:
                    s = "".join(shape)
                    self.shapes.setdefault(depth, []).append(
                        intern.setdefault(s, s))
            del root, stack, node, kids
        self.ref = min(refs) if refs else time.strftime("%Y-%m-%d")
        # Keep the templates that are in force on the synthetic date, as
        # the plugin judges them (legi_judge), and that have text.
        kept = []
        for t in self.templates:
            etat, fin = t[2], ms_to_day(t[4])
            if etat in DEAD_ETATS or (fin and fin <= self.ref) or not t[0]:
                continue
            kept.append(t)
        nall = len(self.templates)
        self.templates = kept
        if not kept:
            sys.exit("gen-legi: no article in force in %s" % source)
        # Depths whose sections have section children need shapes one
        # level down; real trees always have them, but check.
        for depth in sorted(self.shapes):
            if any(SEC in s for s in self.shapes[depth]) and \
                    depth + 1 not in self.shapes:
                self.shapes[depth] = [s.replace(SEC, "")
                                      for s in self.shapes[depth]]
        nwords = [sum(t[0]) for t in kept]
        nwords.sort()
        self.stats = {
            "files": len(paths), "articles": nall, "templates": len(kept),
            "sections": nsec,
            "body_tokens": len(self.body.tok),
            "body_vocab": len(self.body.words),
            "nota_tokens": len(self.nota.tok),
            "title_tokens": len(self.title.tok),
            "words_mean": sum(nwords) / len(nwords),
            "words_median": nwords[len(nwords) // 2],
            "words_p95": nwords[int(len(nwords) * 0.95)],
            "max_depth": max(self.shapes),
        }
        for ch in (self.body, self.nota, self.title):
            if not ch.words:
                ch.add(["article"])
            ch.build()

    def _article(self, a, intern):
        h = a.get("texteHtml")
        paras = html_paragraphs(h) if isinstance(h, str) else []
        if not paras and isinstance(a.get("texte"), str):
            paras = [w for w in [a["texte"].split()] if w]
        profile = tuple(self.body.add(p) for p in paras)
        h = a.get("notaHtml")
        paras = html_paragraphs(h) if isinstance(h, str) else []
        if not paras and isinstance(a.get("nota"), str):
            paras = [w for w in [a["nota"].split()] if w]
        nprofile = tuple(self.nota.add(p) for p in paras)
        mods = a.get("lienModifications")
        mods = json.dumps(mods if isinstance(mods, list) else [],
                          ensure_ascii=False, separators=(",", ":"))
        etat = a.get("etat")
        etat = intern.setdefault(etat, etat) if isinstance(etat, str) \
            else None
        dd, df = a.get("dateDebut"), a.get("dateFin")
        self.templates.append((profile, nprofile, etat,
                               dd if isinstance(dd, int) else None,
                               df if isinstance(df, int) else NO_END_MS,
                               intern.setdefault(mods, mods)))
        m = _PREFIX_RE.match(a.get("num") or "")
        if m:
            self.prefixes.append(intern.setdefault(m.group(1), m.group(1)))

    def _section(self, s, depth, intern):
        words = (s.get("title") or "").split()
        if words:
            self.title.add(words)
            self.titles.setdefault(depth, []).append(
                (self.title.wid(words[0]), len(words)))
        dd = s.get("dateDebut")
        if isinstance(dd, str) and len(dd) >= 10:
            dd = dd[:10]
            self.sec_dates.append(intern.setdefault(dd, dd))


# The model, learnt before the workers are forked (they share it).
MODEL = None


class CodeWriter:
    """Writes one synthetic code, article by article."""

    def __init__(self, model, seed, k, narticles, first_article, path):
        self.m = model
        self.rng = random.Random("%s/%d" % (seed, k))
        self.rnd = self.rng.random
        self.k = k
        self.left = narticles
        self.next_art = first_article   # global article number
        self.nsec = 0
        self.nleaf = 0                  # sections holding articles
        self.path = path
        self.buf = []
        self.size = 0
        self.f = None

    def w(self, s):
        self.buf.append(s)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self):
        s = "".join(self.buf)
        self.buf = []
        self.size += self.f.write(s.encode("utf-8"))

    def pick(self, seq):
        return seq[int(self.rnd() * len(seq))]

    def write(self):
        m = self.m
        textid = "LEGITEXT9%011d" % self.k
        title = "Code synthétique %d" % self.k
        tmp = self.path + ".tmp"
        with open(tmp, "wb", buffering=1 << 20) as self.f:
            self.w('{"data":{"cid":"%s","etat":"VIGUEUR","id":"%s",'
                   '"intOrdre":0,"title":%s,"dateModif":"%s",'
                   '"dateDebutVersion":"%s","dateFinVersion":"%s"},'
                   '"type":"code","children":[\n'
                   % (textid, textid, _enc(title), m.ref, m.ref, NO_END_DAY))
            first = True
            while self.left > 0:
                if not first:
                    self.w(",\n")
                first = False
                self.section(1)
            self.w("\n]}\n")
            self.flush()
        os.replace(tmp, self.path)
        return self.size

    def section(self, depth):
        m = self.m
        self.nsec += 1
        if self.nsec >= 10 ** 7:
            raise RuntimeError("too many sections in one file")
        sid = "LEGISCTA8%04d%07d" % (self.k, self.nsec)
        fw, nw = self.pick(m.titles.get(depth) or m.titles[max(m.titles)])
        title = m.title.text(self.rnd, fw, nw)
        self.w('{"data":{"cid":"%s","etat":"VIGUEUR","id":"%s",'
               '"intOrdre":%d,"title":%s,"dateDebut":"%s","dateFin":"%s"},'
               '"type":"section","children":[\n'
               % (sid, sid, self.nsec, _enc(title), self.pick(m.sec_dates),
                  NO_END_DAY))
        shape = self.pick(m.shapes[depth])
        first = True
        leaf = None     # (prefix, number) once it holds an article
        rank = 0
        for kind in shape:
            if self.left == 0:
                break
            if not first:
                self.w(",\n")
            first = False
            if kind == SEC:
                self.section(depth + 1)
                continue
            if leaf is None:
                self.nleaf += 1
                leaf = (self.pick(m.prefixes), 1000 + self.nleaf)
            rank += 1
            self.article("%s%d-%d" % (leaf[0], leaf[1], rank), rank)
        self.w("\n]}")

    def article(self, num, rank):
        m, rnd = self.m, self.rnd
        profile, nprofile, etat, dd, df, mods = self.pick(m.templates)
        self.left -= 1
        g = self.next_art
        self.next_art += 1
        aid = "LEGIARTI9%011d" % g
        body, nota = m.body, m.nota
        paras = [body.text(rnd, self.pick(body.firsts), n) for n in profile]
        texte = " ".join(paras)
        texte_html = "".join("<p>%s</p>" % html.escape(p, False)
                             for p in paras)
        if nprofile:
            paras = [nota.text(rnd, self.pick(nota.firsts), n)
                     for n in nprofile]
            nt = " ".join(paras)
            nh = "".join("<p>%s</p>" % html.escape(p, False) for p in paras)
        else:
            nt = nh = ""
        etat_js = '"%s"' % etat if etat is not None else "null"
        dd_js = "%d" % dd if dd is not None else "null"
        self.w('{"data":{"articleVersions":[{"id":"%s","etat":%s,'
               '"version":"1.0","dateDebut":%s,"dateFin":%d,'
               '"numero":null,"ordre":null}],"cid":"%s","dateDebut":%s,'
               '"dateDebutExtension":%d,"dateFin":%d,'
               '"dateFinExtension":%d,"etat":%s,"id":"%s","intOrdre":%d,'
               '"lienModifications":%s,"nota":%s,"notaHtml":%s,"num":"%s",'
               '"texte":%s,"texteHtml":%s},"type":"article"}'
               % (aid, etat_js, dd_js, df, aid, dd_js, NO_END_MS, df,
                  NO_END_MS, etat_js, aid, rank * 1024, mods, _enc(nt),
                  _enc(nh), num, _enc(texte), _enc(texte_html)))


def write_file(job):
    """Worker: write file k; returns what it wrote."""
    seed, k, n, first, path = job
    t0 = time.monotonic()
    cw = CodeWriter(MODEL, seed, k, n, first, path)
    size = cw.write()
    return k, path, n, cw.nsec, size, time.monotonic() - t0


def main():
    global MODEL

    ap = argparse.ArgumentParser(
        description="Write synthetic LEGI codes (JSON trees the legi "
        "plugin reads) whose words, lengths and tree shape are sampled "
        "from real codes.")
    ap.add_argument("--source", required=True,
                    help="folder of real LEGITEXT*.json codes")
    ap.add_argument("--out", required=True, help="folder to write into")
    ap.add_argument("--articles", type=int, required=True,
                    help="number of articles in all")
    ap.add_argument("--per-file", type=int, default=10000,
                    help="at most this many articles per file (20000)")
    ap.add_argument("--seed", default="1", help="random seed (1)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="files written in parallel (the number of cores)")
    args = ap.parse_args()
    if args.articles < 1 or args.per_file < 1 or args.jobs < 1:
        ap.error("--articles, --per-file and --jobs must be at least 1")
    nfiles = math.ceil(args.articles / args.per_file)
    if nfiles > 9999:
        # Short names take the last four digits of the code's id.
        ap.error("at most 9999 files: raise --per-file")
    if args.articles >= 10 ** 11:
        ap.error("--articles: too many")

    t0 = time.monotonic()
    MODEL = Model()
    MODEL.learn(args.source)
    s = MODEL.stats
    log("gen-legi: learnt %d files in %.1f s: %d articles (%d kept as "
        "templates), %d sections, depth %d; body %d words, %d distinct; "
        "words per article mean %.0f, median %d, p95 %d"
        % (s["files"], time.monotonic() - t0, s["articles"], s["templates"],
           s["sections"], s["max_depth"], s["body_tokens"], s["body_vocab"],
           s["words_mean"], s["words_median"], s["words_p95"]))

    os.makedirs(args.out, exist_ok=True)
    # Our own files from an earlier, larger run would be indexed too.
    name_re = re.compile(r"LEGITEXT9[0-9]{11}\.json(\.tmp)?$")
    names = {"LEGITEXT9%011d.json" % k for k in range(1, nfiles + 1)}
    for name in sorted(os.listdir(args.out)):
        if name_re.match(name) and name not in names:
            os.unlink(os.path.join(args.out, name))
            log("gen-legi: removed %s (earlier run)" % name)

    jobs = []
    first = 0
    for k in range(1, nfiles + 1):
        n = args.articles // nfiles + (k <= args.articles % nfiles)
        jobs.append((args.seed, k, n, first,
                     os.path.join(args.out, "LEGITEXT9%011d.json" % k)))
        first += n

    t1 = time.monotonic()
    total_art = total_sec = total_bytes = 0
    big = 0
    njobs = min(args.jobs, nfiles)
    if njobs > 1:
        ctx = multiprocessing.get_context("fork")
        pool = ctx.Pool(njobs)
        results = pool.imap(write_file, jobs)
    else:
        pool = None
        results = map(write_file, jobs)
    try:
        for k, path, n, nsec, size, secs in results:
            total_art += n
            total_sec += nsec
            total_bytes += size
            big += size > MAX_FILE
            log("gen-legi: %s: %d articles, %d sections, %.1f MB, %.1f s"
                % (path, n, nsec, size / 1e6, secs))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    dt = time.monotonic() - t1
    log("gen-legi: wrote %d files, %d articles, %d sections, %d bytes "
        "(%.1f MB, %.0f bytes per article) in %.1f s (%d jobs; %.0f "
        "articles/s); %.1f s in all"
        % (nfiles, total_art, total_sec, total_bytes, total_bytes / 1e6,
           total_bytes / total_art, dt, njobs, total_art / dt,
           time.monotonic() - t0))
    if big:
        log("gen-legi: %d files are over 64 MB, which savoir index refuses "
            "by default: lower --per-file or index with --max-size" % big)


if __name__ == "__main__":
    main()
