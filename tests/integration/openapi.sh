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
read -r PH < <(free_ports 1)
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
log="$T_TMP/savoird.log"
"$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
daemon_wait $pid "http://127.0.0.1:$PH/healthz"

"$PY" "$top_srcdir/tests/integration/openapi.py" "$PH" \
	"$top_srcdir/www/static/openapi.json" "$log"
