#!/usr/bin/python3
"""Export the documents of a Savoir index as JSON Lines, one object a line:
id, type, title, meta (the [key, label, value] list), headings, body.

The baselines index exactly this text, so that every engine of a benchmark
run sees what Savoir's plugins extracted and nothing else.

Usage: export_docs.py --db savoir.db --ext path/to/savoir_fr.so --out F
(--ext: the savoir_fr SQLite extension, which the fts table needs.)
"""

import argparse
import json
import sqlite3
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--ext", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    db = sqlite3.connect("file:%s?mode=ro" % a.db, uri=True)
    db.enable_load_extension(True)
    db.load_extension(a.ext)
    n = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for did, typ, title, meta, heads, body in db.execute(
                "SELECT d.id, d.type, d.title, savoir_part(d.text, 4), "
                "savoir_part(d.text, 1), savoir_part(d.text, 2) "
                "FROM docs d ORDER BY d.rowid"):
            out.write(json.dumps({
                "id": did, "type": typ, "title": title,
                "meta": json.loads(meta), "headings": heads or "",
                "body": body or ""}, ensure_ascii=False) + "\n")
            n += 1
    print("exported %d documents to %s" % (n, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
