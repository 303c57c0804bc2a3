#!/usr/bin/env bash
# outline.sh - document pages read like their source: every page of the
# shipped library, fetched from the real savoird, has one h1, skips no
# heading level, shows every section heading of its source file as a
# heading, and one Sources block (outline.py does the reading).
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
plan 3

mkdir -p "$T_TMP/db" "$T_TMP/state"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
read -r PS PH < <(free_ports 2)
cat >"$T_TMP/savoir.conf" <<CONF
[server]
listen = 127.0.0.1:$PS
http_listen = 127.0.0.1:$PH
workers = 1
$runas
state_dir = $T_TMP/state
db = $kb
www = $www
CONF
"$SAVOIRD" -f -c "$T_TMP/savoir.conf" >"$T_TMP/savoird.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
base="http://127.0.0.1:$PH"
log="$T_TMP/savoird.log"
daemon_wait $pid "$base/healthz"

"$PY" "$top_srcdir/tests/integration/outline.py" "$base" "$kb" \
    "$top_srcdir/corpus" >"$T_TMP/outline" 2>&1
grep '|' "$T_TMP/outline" >"$T_TMP/problems"
check "every page: one h1, no level skipped, the source's headings, one Sources block" \
    test ! -s "$T_TMP/problems"
head -40 "$T_TMP/problems" | diag
tail -1 "$T_TMP/outline" | diag
ndocs=$(sqlite3 -batch -noheader "$kb" "SELECT count(*) FROM docs")
check "every document's page was read ($ndocs)" \
    grep -q "^checked $ndocs pages," "$T_TMP/outline"
nheads=$(sed -n 's/^checked [0-9]* pages, \([0-9]*\) source headings$/\1/p' "$T_TMP/outline")
check "the sources' headings were found (${nheads:-0}: notes and legal fiches)" \
    test "${nheads:-0}" -ge 400
finish
