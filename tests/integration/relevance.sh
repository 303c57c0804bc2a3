#!/usr/bin/env bash
# relevance.sh - the ranking of the shipped course library, measured on the
# judged queries of tests/relevance (written as participants type them: no
# accents, acronyms, article numbers, questions, typos), must not fall below
# the floors. bench-query ranks every query as the server searches (with the
# synonyms); bench/relevance/evaluate.py scores the run.
. "$(dirname "$0")/lib.sh"

# The floors, in one place: a little below the measurement, so that a
# change that makes the ranking worse fails here (bench/README.md).
FLOOR_NDCG=0.86  # mean nDCG@10 over the queries (0.886 measured 2026-12-07)
FLOOR_MRR=0.95   # mean MRR@10 over the queries (0.986 measured 2026-12-07)

plan 6

rel="$top_srcdir/tests/relevance"
evaluate="$top_srcdir/bench/relevance/evaluate.py"
syn="$top_srcdir/corpus/glossaire/synonymes.txt"
kb="$T_TMP/corpus.db"

check "corpus/ indexes" "$SAVOIR" --db "$kb" index "$top_srcdir/corpus"

if "$SAVOIR" --db "$kb" bench-query --synonyms "$syn" <"$rel/queries.tsv" >"$T_TMP/run.tsv" 2>"$T_TMP/err" &&
	test -s "$T_TMP/run.tsv" && awk -F'\t' 'NF != 4 || $2 !~ /^[0-9]+$/ { exit 1 }' "$T_TMP/run.tsv"; then
	ok "bench-query ranks the queries ($(cut -f1 "$T_TMP/run.tsv" | sort -u | wc -l) of $(wc -l <"$rel/queries.tsv") have hits)"
else
	not_ok "bench-query ranks the queries (qid TAB rank TAB docid TAB score)"
	head -20 "$T_TMP/err" "$T_TMP/run.tsv" | diag
fi

check "every query has a grade-2 judgement and every judged document is in the index" \
	python3 - "$rel/queries.tsv" "$rel/qrels.tsv" "$kb" <<'PYEOF'
import sqlite3, sys
queries, qrels, kb = sys.argv[1:4]
qids = [l.split("\t")[0] for l in open(queries, encoding="utf-8") if l.strip()]
ids = {r[0] for r in sqlite3.connect(kb).execute("SELECT id FROM docs")}
best, bad = set(), []
for l in open(qrels, encoding="utf-8"):
    if not l.strip():
        continue
    qid, doc, grade = l.rstrip("\n").split("\t")
    if grade == "2":
        best.add(qid)
    if doc not in ids:
        bad.append("%s: %s is not in the index" % (qid, doc))
    if qid not in qids:
        bad.append("%s: judged but not in queries.tsv" % qid)
bad += ["%s: no grade-2 judgement" % q for q in qids if q not in best]
bad += ["%s: twice in queries.tsv" % q for q in sorted(set(q for q in qids if qids.count(q) > 1))]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF

if [ -s "$T_TMP/run.tsv" ]; then
	python3 "$evaluate" --qrels "$rel/qrels.tsv" --queries "$rel/queries.tsv" \
		--run "savoir=$T_TMP/run.tsv" --json "$T_TMP/eval.json" >"$T_TMP/table" 2>&1
	diag <"$T_TMP/table"
fi

# metric NAME: the run's mean over the queries (every split), or nothing.
metric() {
	python3 - "$T_TMP/eval.json" "$1" <<'PYEOF' 2>/dev/null
import json, sys
splits = json.load(open(sys.argv[1]))["splits"].values()
print(min(s["runs"]["savoir"][sys.argv[2]]["mean"] for s in splits))
PYEOF
}
floor() {
	local got shown="(not measured)"
	got=$(metric "$2")
	[ -n "$got" ] && shown=$(printf '%.3f' "$got")
	if [ -n "$got" ] && awk -v g="$got" -v f="$3" 'BEGIN { exit !(g >= f) }'; then
		ok "$1 $shown >= $3"
	else
		not_ok "$1 $shown >= $3"
	fi
}
floor "nDCG@10" ndcg10 "$FLOOR_NDCG"
floor "MRR@10" mrr10 "$FLOOR_MRR"

if [ -s "$T_TMP/eval.json" ]; then
	echo "# the five queries ranked worst (nDCG@10):"
	python3 - "$T_TMP/eval.json" "$rel/queries.tsv" <<'PYEOF' | diag
import json, sys
text = {l.split("\t")[0]: l.rstrip("\n").split("\t")[-1] for l in open(sys.argv[2], encoding="utf-8")}
for split in json.load(open(sys.argv[1]))["splits"].values():
    per = split["runs"]["savoir"]["per_query"]
    for q in sorted(per, key=lambda q: (per[q]["ndcg10"], q))[:5]:
        print("%s %.3f  %s" % (q, per[q]["ndcg10"], text[q]))
PYEOF
fi

# Typos and scanning errors: each damaged form of a judged query
# (variants.tsv) finds the first result of the clean one.
if "$SAVOIR" --db "$kb" bench-query --synonyms "$syn" <"$rel/variants.tsv" \
	>"$T_TMP/variants.tsv" 2>>"$T_TMP/err" &&
	python3 - "$rel/variants.tsv" "$T_TMP/run.tsv" "$T_TMP/variants.tsv" \
	>"$T_TMP/vdiff" <<'PYEOF'
import sys
def firsts(path):
    out = {}
    for l in open(path, encoding="utf-8"):
        qid, rank, doc, _ = l.rstrip("\n").split("\t")
        if rank == "1":
            out[qid] = doc
    return out
variants, clean, damaged = sys.argv[1:4]
want, got, bad, n = firsts(clean), firsts(damaged), [], 0
for l in open(variants, encoding="utf-8"):
    if not l.strip() or l.startswith("#"):
        continue
    vid, of, q = l.rstrip("\n").split("\t")
    n += 1
    if got.get(vid) != want.get(of) or want.get(of) is None:
        bad.append("%s %r: first %s, %s gives %s" % (vid, q, got.get(vid),
            of, want.get(of)))
print("\n".join(bad))
sys.exit(1 if bad or n < 30 else 0)
PYEOF
then
	ok "$(grep -c '^v' "$rel/variants.tsv") damaged queries find the clean query's first result"
else
	not_ok "damaged queries find the clean query's first result"
	diag <"$T_TMP/vdiff"
fi

finish
