#!/usr/bin/python3
"""Plain FTS5 and Xapian baselines for the Savoir relevance benchmark.

Indexes the same text (title + headings + body) of every document of a JSON
Lines file with (1) a plain SQLite FTS5 table ranked by bm25() and (2) a
Xapian database with the French stemmer and BM25, runs every query of a TSV
file (qid, split, query) against both, and writes to OUT:

  NAME.run.tsv    qid, rank (1..10), docid, score (higher is better;
                  for FTS5 the score is -bm25(), as bm25() is lower-better)
  NAME.time.tsv   qid, microseconds (minimum over --repeat passes)
  baselines.json  per baseline: build_s, size_bytes, docs, queries,
                  median_us, p95_us, versions

Usage: baselines.py --docs docs.jsonl --queries queries.tsv --work DIR
                    --out DIR [--repeat 3] [--only fts5|xapian]
Needs /usr/bin/python3 (sqlite3 with FTS5) and python3-xapian.
"""

import argparse
import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
STOPWORDS = os.path.join(HERE, "stopwords-fr.txt")
K = 10


def fold(word):
    """Lower case and strip diacritics, as unicode61 remove_diacritics 2."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def words(text):
    """Split text into runs of letters and digits, as unicode61 does
    (apostrophes, hyphens and punctuation separate words)."""
    out, cur = [], []
    for c in text:
        cat = unicodedata.category(c)
        if cat[0] in "LN" or cat in ("Co", "Mn"):
            cur.append(c)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def load_stopwords():
    with open(STOPWORDS, encoding="utf-8") as f:
        return [w.strip() for w in f if w.strip() and not w.startswith("#")]


def load_docs(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d["id"], d.get("title") or "",
                             d.get("headings") or "", d.get("body") or ""))
    return docs


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[0] != "qid" and not parts[0].startswith("#"):
                queries.append((parts[0], parts[2]))
    return queries


def disk_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f))
               for d, _, files in os.walk(path) for f in files)


# --- plain FTS5 -------------------------------------------------------------

class Fts5:
    name = "fts5"

    def __init__(self, work):
        self.path = os.path.join(work, "fts5.db")
        self.stop = {fold(w) for w in load_stopwords()}

    def build(self, docs):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        db = sqlite3.connect(self.path)
        db.execute('CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, '
                   'headings, body, tokenize = "unicode61 remove_diacritics 2")')
        with db:  # one transaction
            db.executemany("INSERT INTO fts VALUES (?, ?, ?, ?)", docs)
        db.close()
        self.db = sqlite3.connect(self.path)

    def search(self, text):
        terms = [w for w in map(fold, words(text)) if w not in self.stop]
        if not terms:
            return []
        match = " OR ".join('"%s"' % t for t in terms)
        return self.db.execute("SELECT id, -bm25(fts) FROM fts WHERE fts MATCH ? "
                               "ORDER BY bm25(fts) LIMIT %d" % K, (match,)).fetchall()

    def close(self):
        self.db.close()


# --- Xapian -----------------------------------------------------------------

# Xapian keeps "d'essai" as one term (d'essai, Zd'ess): split elisions
# at apostrophes, in documents and queries alike, as unicode61 does.
APOSTROPHES = re.compile("['\u2019\u02bc\u2018]")


class Xapian:
    name = "xapian"

    def __init__(self, work):
        import xapian
        self.x = xapian
        self.path = os.path.join(work, "xapian")
        self.stemmer = xapian.Stem("french")
        self.stopper = xapian.SimpleStopper()
        for w in load_stopwords():
            self.stopper.add(w)

    def build(self, docs):
        x = self.x
        shutil.rmtree(self.path, ignore_errors=True)
        db = x.WritableDatabase(self.path, x.DB_CREATE_OR_OVERWRITE)
        tg = x.TermGenerator()
        tg.set_stemmer(self.stemmer)
        for docid, title, headings, body in docs:
            doc = x.Document()
            tg.set_document(doc)
            for field in (title, headings, body):
                tg.index_text(APOSTROPHES.sub(" ", field))
            doc.set_data(docid)
            db.add_document(doc)
        db.commit()
        db.close()
        self.db = x.Database(self.path)
        self.enquire = x.Enquire(self.db)
        self.enquire.set_weighting_scheme(x.BM25Weight())
        self.qp = x.QueryParser()
        self.qp.set_stemmer(self.stemmer)
        self.qp.set_stemming_strategy(x.QueryParser.STEM_SOME)
        self.qp.set_default_op(x.Query.OP_OR)
        self.qp.set_stopper(self.stopper)

    def search(self, text):
        try:
            query = self.qp.parse_query(APOSTROPHES.sub(" ", text))
        except self.x.QueryParserError:
            return []
        self.enquire.set_query(query)
        return [(m.document.get_data().decode("utf-8"), m.weight)
                for m in self.enquire.get_mset(0, K)]

    def close(self):
        self.db.close()


# --- driver -----------------------------------------------------------------

def versions():
    v = {"sqlite": sqlite3.sqlite_version, "python": sys.version.split()[0]}
    try:
        import xapian
        v["xapian"] = xapian.version_string()
    except ImportError:
        pass
    return v


def run(engine, docs, queries, repeat, out):
    t0 = time.perf_counter()
    engine.build(docs)
    build_s = time.perf_counter() - t0
    size = disk_size(engine.path)
    best, results = {}, {}
    for _ in range(repeat):
        for qid, text in queries:
            t = time.perf_counter_ns()
            hits = engine.search(text)
            ns = time.perf_counter_ns() - t
            results[qid] = hits
            best[qid] = min(ns, best.get(qid, ns))
    engine.close()
    with open(os.path.join(out, engine.name + ".run.tsv"), "w") as f:
        for qid, _ in queries:
            for rank, (docid, score) in enumerate(results[qid], 1):
                f.write("%s\t%d\t%s\t%.6f\n" % (qid, rank, docid, score))
    us = [best[qid] / 1000 for qid, _ in queries]
    with open(os.path.join(out, engine.name + ".time.tsv"), "w") as f:
        for (qid, _), u in zip(queries, us):
            f.write("%s\t%.1f\n" % (qid, u))
    srt = sorted(us)
    p95 = srt[max(0, math.ceil(0.95 * len(srt)) - 1)] if srt else None
    return {"build_s": round(build_s, 3), "size_bytes": size, "docs": len(docs),
            "queries": len(queries),
            "median_us": round(statistics.median(us), 1) if us else None,
            "p95_us": round(p95, 1) if srt else None, "versions": versions()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("fts5", "xapian"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    docs = load_docs(args.docs)
    queries = load_queries(args.queries)
    summary_path = os.path.join(args.out, "baselines.json")
    summary = {}
    if args.only and os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)  # keep the other baseline's figures
    for cls in (Fts5, Xapian):
        if args.only in (None, cls.name):
            s = summary[cls.name] = run(cls(args.work), docs, queries,
                                        max(1, args.repeat), args.out)
            print("%-6s build %.1f s, %.1f MB, %d docs, %d queries, "
                  "median %s us, p95 %s us" % (
                      cls.name, s["build_s"], s["size_bytes"] / 1e6, s["docs"],
                      s["queries"], s["median_us"], s["p95_us"]), file=sys.stderr)
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
