#!/usr/bin/env bash
# openapi.sh - the API is what www/static/openapi.json says: savoird on the
# shipped corpus, every documented route called, every answer and error
# validated against its schema both ways (openapi.py).
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	echo "1..0 # SKIP python3-jsonschema is not installed"
	exit 0
fi

mkdir -p "$T_TMP/db"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index corpus/"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
read -r PH PN < <(free_ports 2)
conf="$T_TMP/savoir.conf"
cat >"$conf" <<EOC
[server]
listen =
http_listen = 127.0.0.1:$PH
workers = 2
$runas
state_dir = $T_TMP/state
db = $kb
www = $www
EOC
# A second one whose index cannot be opened: every route's 503.
sed -e "s|^http_listen = .*|http_listen = 127.0.0.1:$PN|" \
    -e "s|^db = .*|db = $T_TMP/none/kb.db|" \
    -e "s|^state_dir = .*|state_dir = $T_TMP/state2|" "$conf" >"$T_TMP/none.conf"
log="$T_TMP/savoird.log"
"$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
pid=$!
"$SAVOIRD" -f -c "$T_TMP/none.conf" >"$T_TMP/none.log" 2>&1 &
pid2=$!
trap 'kill $pid $pid2 2>/dev/null; wait $pid $pid2 2>/dev/null; rm -rf "$T_TMP"' EXIT
daemon_wait $pid "http://127.0.0.1:$PH/healthz"
daemon_wait $pid2 "http://127.0.0.1:$PN/healthz"

"$PY" "$top_srcdir/tests/integration/openapi.py" "$PH" \
	"$top_srcdir/www/static/openapi.json" "$log" "$PN"
