#!/usr/bin/env bash
# offline-search.sh - the search without a server (issue 13): the real savoird on
# the shipped corpus serves /api/offline/index and the offline page;
# offline-fold.mjs checks the page's folding against the C folding over the
# index's whole vocabulary, offline-search.mjs drives Debian's Chromium through
# playwright-core over every judged query (first result as the server's on
# at least 90 %, p95 under 50 ms); then both rankings are scored with
# bench/relevance/evaluate.py, nDCG@10 side by side.  Skipped only when
# node or Chromium is truly absent.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/lib.sh"
e2e_prereqs
e2e_install "$e2e_src/offline-search.mjs" "$e2e_src/offline-fold.mjs"
out="$e2e_dir/out"
mkdir -p "$out"

mkdir -p "$T_TMP/db" "$T_TMP/state"
cp -r "$top_srcdir/www" "$T_TMP/www"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index $top_srcdir/corpus"; diag <"$T_TMP/index.out"; exit 1; }
port=$(node -e '
const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
runas=""
if [ "$(id -u)" -eq 0 ]; then
	runas="user = nobody"
	chmod 755 "$T_TMP"
	chmod -R a+rwX "$T_TMP/db"
fi
cat >"$T_TMP/savoir.conf" <<CONF
[server]
listen = 127.0.0.1:$port
workers = 2
state_dir = $T_TMP/state
db = $kb
www = $T_TMP/www
$runas
[search]
synonyms = $top_srcdir/corpus/glossaire/synonymes.txt
CONF
"$SAVOIRD" -f -c "$T_TMP/savoir.conf" >"$T_TMP/savoird.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
url="https://127.0.0.1:$port"
up=0
for _ in $(seq 1 100); do
	if curl -skf -o /dev/null "$url/healthz"; then up=1; break; fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[ "$up" -eq 1 ] || { echo "Bail out! savoird did not start on $url"; diag <"$T_TMP/savoird.log"; exit 1; }

# The C side's folding, as it wrote it into the index.
python3 - "$kb" "$T_TMP/vocab.tsv" "$T_TMP/facets.tsv" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for w, form in db.execute("SELECT word, form FROM vocab"):
        f.write("%s\t%s\n" % (w, form))
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for v, n in db.execute("SELECT value, norm FROM fval"):
        if "\t" not in v and "\n" not in v:
            f.write("%s\t%s\n" % (v, n))
PYEOF
(cd "$e2e_dir" && OFFLINE_JS="$top_srcdir/www/static/offline-search.js" \
    node offline-fold.mjs "$T_TMP/vocab.tsv" "$T_TMP/facets.tsv") \
    >"$T_TMP/fold.out" 2>&1 || true
script_tap <"$T_TMP/fold.out"

(cd "$e2e_dir" && SAVOIR_URL="$url" E2E_OUT="$out" \
    QUERIES="$top_srcdir/tests/relevance/queries.tsv" \
    RUN_OFFLINE="$T_TMP/run-offline.tsv" RUN_SERVER="$T_TMP/run-server.tsv" \
    timeout 300 node offline-search.mjs) >"$T_TMP/offline.out" 2>&1
rc=$?
script_tap <"$T_TMP/offline.out"
[ "$rc" -eq 0 ] || [ "$T_FAILED" -gt 0 ] || not_ok "offline-search.mjs ran to the end (exit $rc)"

if [ -s "$T_TMP/run-offline.tsv" ] && python3 "$top_srcdir/bench/relevance/evaluate.py" \
    --qrels "$top_srcdir/tests/relevance/qrels.tsv" \
    --queries "$top_srcdir/tests/relevance/queries.tsv" \
    --run "server=$T_TMP/run-server.tsv" --run "offline=$T_TMP/run-offline.tsv" \
    --bootstrap 200 >"$T_TMP/eval.out" 2>&1; then
	ok "nDCG@10 of both rankings on the judged set (below)"
else
	not_ok "nDCG@10 of both rankings on the judged set"
fi
diag <"$T_TMP/eval.out"
hasnt "no server error (5xx) but the 503 of a copy in preparation" ' 5[0-9][0-9] [0-9]+ [0-9]+us$' \
	<(grep -v ' /api/offline/index 503 ' "$T_TMP/savoird.log")
plan "$T_N"
finish
