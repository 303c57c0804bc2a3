#!/usr/bin/env bash
# bench.sh - the benchmarks' own code, run small so that it cannot rot:
# bench/relevance's export, plain FTS5 baseline and evaluation on the
# course library, bench-query's timings, bench/gen-legi.py writing a
# synthetic code that savoir indexes, bench/similar and bench/soak.  The figures mean nothing here; that
# every piece runs and says what it should is the test.  (Xapian, the
# fiches and the codes need downloads: bench/relevance/run itself.)
. "$(dirname "$0")/lib.sh"

# Debian's interpreter: its sqlite3 module loads extensions.
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
	echo "1..1"
	echo "ok 1 # SKIP /usr/bin/python3 is not installed"
	exit 0
fi
rel="$top_srcdir/bench/relevance"
ext="$top_builddir/.libs/savoir_fr.so"
kb="$T_TMP/corpus.db"

check "the course library indexes" "$SAVOIR" --db "$kb" index "$top_srcdir/corpus"
check "export_docs.py exports the indexed text" \
	"$PY" "$rel/export_docs.py" --db "$kb" --ext "$ext" --out "$T_TMP/docs.jsonl"
check "... every document, with its text" "$PY" -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) >= 100, len(docs)
assert all(d["id"] and d["title"] for d in docs)
assert sum(1 for d in docs if len(d["body"]) > 100) > len(docs) / 2
assert any(m[0] for d in docs for m in d["meta"])
' "$T_TMP/docs.jsonl"

check "baselines.py: plain FTS5 on the same text" \
	"$PY" "$rel/baselines.py" --docs "$T_TMP/docs.jsonl" \
	--queries "$top_srcdir/tests/relevance/queries.tsv" --work "$T_TMP/bw" \
	--out "$T_TMP/bo" --repeat 1 --only fts5
check "... a run and times for every query that matched" "$PY" -c '
import json, sys
run = [l.split("\t") for l in open(sys.argv[1] + "/fts5.run.tsv")]
assert len({r[0] for r in run}) >= 60, len(run)
b = json.load(open(sys.argv[1] + "/baselines.json"))["fts5"]
assert b["docs"] >= 100 and b["size_bytes"] > 0 and b["median_us"] > 0, b
' "$T_TMP/bo"

if "$SAVOIR" --db "$kb" bench-query --repeat 2 --times "$T_TMP/times" \
	--synonyms "$top_srcdir/corpus/glossaire/synonymes.txt" \
	<"$top_srcdir/tests/relevance/queries.tsv" >"$T_TMP/savoir.run" \
	2>"$T_TMP/bq.err" && grep -q 'median .* us, p95' "$T_TMP/bq.err"; then
	ok "bench-query ranks and times the same queries"
else
	not_ok "bench-query ranks and times the same queries"
	diag <"$T_TMP/bq.err"
fi
check "... one time for each query" test "$(wc -l <"$T_TMP/times")" -eq \
	"$(grep -c . "$top_srcdir/tests/relevance/queries.tsv")"
check "evaluate.py compares Savoir with the baseline" \
	"$PY" "$rel/evaluate.py" --qrels "$top_srcdir/tests/relevance/qrels.tsv" \
	--queries "$top_srcdir/tests/relevance/queries.tsv" \
	--run "savoir=$T_TMP/savoir.run" --run "fts5=$T_TMP/bo/fts5.run.tsv" \
	--baseline fts5 --json "$T_TMP/eval.json" --markdown "$T_TMP/eval.md"
has "... with a ratio to the better baseline" '\| corpus \(90\) \| savoir \|.*\(fts5\)' "$T_TMP/eval.md"

# gen-legi.py learns from real codes: the legi plugin's test code is one.
mkdir -p "$T_TMP/src"
cp "$top_srcdir/plugins/legi/tests/data/mini-code.json" \
	"$T_TMP/src/LEGITEXT000000000001.json"
check "gen-legi.py writes synthetic codes" "$PY" "$top_srcdir/bench/gen-legi.py" \
	--source "$T_TMP/src" --out "$T_TMP/gen" --articles 300 --per-file 200
check "... two files" test "$(ls "$T_TMP/gen" | wc -l)" -eq 2
"$SAVOIR" --db "$T_TMP/gen.db" index "$T_TMP/gen" >"$T_TMP/gen.out" 2>&1
has "... that savoir indexes, every article a document" ' 300 documents' "$T_TMP/gen.out"
# bench/similar: « Documents proches » against random documents of the
# same type, through the real daemon (which becomes nobody as root: the
# index in a directory it may read and write).
mkdir -p "$T_TMP/sim"
cp "$kb" "$T_TMP/sim/kb.db"
chmod 755 "$T_TMP"
chmod -R a+rwX "$T_TMP/sim"
if BUILD="$top_builddir" "$PY" "$top_srcdir/bench/similar" --db "$T_TMP/sim/kb.db" \
	--qrels "$top_srcdir/tests/relevance/qrels.tsv" --max-docs 12 \
	>"$T_TMP/sim.out" 2>&1 && grep -q '^ratio ' "$T_TMP/sim.out"; then
	ok "bench/similar compares similar documents with random ones"
else
	not_ok "bench/similar compares similar documents with random ones"
	diag <"$T_TMP/sim.out"
fi
# bench/soak, a few seconds of it: keep-alive TLS clients, a SIGHUP and an
# index run under load, then SIGKILL and a restart.  Its memory figure
# needs the full minute; here every request must succeed.
BUILD="$top_builddir" timeout 120 "$PY" "$top_srcdir/bench/soak" --duration 4 \
	--conns 8 >"$T_TMP/soak.out" 2>&1
has "bench/soak: requests under a reload and an index run, none failed" \
	'requests .*, 0 errors , 0 non-2xx' "$T_TMP/soak.out"
has "... and a restart after SIGKILL serves" 'restart: serving after' \
	"$T_TMP/soak.out"
plan "$T_N"
finish
