#!/usr/bin/env bash
# laptop.sh - savoird --db FILE and --laptop: a carried index (savoir
# export) served from a directory where nothing can be written, with
# nothing created beside it and nothing written; a file that is not a
# Savoir index, or a live (WAL) index on a read-only directory, refused
# with a clear message; --laptop on plain HTTP, loopback only (any other
# address refused), announcing its address in French, no certificate.
. "$(dirname "$0")/lib.sh"
daemon_prereqs curl
runas_setup

"$SAVOIR" --db "$T_TMP/work.db" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; diag <"$T_TMP/index.out"; exit 1; }
mkdir -p "$T_TMP/ro" "$T_TMP/wal" "$T_TMP/cwd"
"$SAVOIR" --db "$T_TMP/work.db" export "$T_TMP/ro/savoir.db" >"$T_TMP/export.out" 2>&1 ||
	{ echo "Bail out! cannot export"; diag <"$T_TMP/export.out"; exit 1; }
cp "$T_TMP/work.db" "$T_TMP/wal/live.db"
echo "not an index" >"$T_TMP/notadb"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T_TMP/other.db"
chmod a+r "$T_TMP"/ro/* "$T_TMP"/wal/*
chmod a-w "$T_TMP/ro" "$T_TMP/wal"
[ -n "$runas" ] && chmod a+w "$T_TMP/cwd"
trap 'chmod -R u+w "$T_TMP"; rm -rf "$T_TMP"' EXIT
sum_before=$(sha256sum "$T_TMP/ro/savoir.db")
stat -c '%Y %s' "$T_TMP/ro/savoir.db" >"$T_TMP/stat.before"
cat >"$T_TMP/savoir.conf" <<EOC
[server]
workers = 2
www = $www
$runas
EOC

# --- a carried file, read-only, in laptop mode -----------------------------
log="$T_TMP/savoird.log"
(cd "$T_TMP/cwd" && exec "$SAVOIRD" --laptop --db "$T_TMP/ro/savoir.db" \
    --port 0 -c "$T_TMP/savoir.conf") >"$T_TMP/stdout" 2>"$log" &
pid=$!
url=""
for _ in $(seq 1 100); do
	url=$(sed -n 's|^Savoir est ouvert sur \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$T_TMP/stdout")
	[ -n "$url" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$url" ]; then
	echo "Bail out! savoird --laptop did not say where it is"
	diag <"$log"
	exit 1
fi
ok "--laptop prints « Savoir est ouvert sur $url/ »"
daemon_wait "$pid" "$url/healthz"
has "the log says \"serving FILE on URL\"" "serving $T_TMP/ro/savoir.db on $url/" "$log"
code=$(curl -s -o "$T_TMP/doc.html" -w '%{http_code}' "$url/doc/cas/chambery-ouahigouya")
if [ "$code" = 200 ] && grep -q 'Chambéry' "$T_TMP/doc.html"; then ok "a document is served from the carried file"; else not_ok "a document is served from the carried file ($code)"; fi
code=$(curl -s -o "$T_TMP/search.json" -w '%{http_code}' "$url/api/search?q=eau")
if [ "$code" = 200 ] && grep -q '"total"' "$T_TMP/search.json"; then ok "a search runs on it"; else not_ok "a search runs on it ($code)"; head -c 300 "$T_TMP/search.json" | diag; fi
code=$(curl -s -D "$T_TMP/hl.head" -o "$T_TMP/hl.html" -w '%{http_code}' "$url/hors-ligne")
if [ "$code" = 200 ] && grep -q 'data-offline-library' "$T_TMP/hl.html"; then ok "/hors-ligne is served"; else not_ok "/hors-ligne is served ($code)"; fi
hasnt "plain HTTP: no HSTS" 'Strict-Transport-Security' "$T_TMP/hl.head"
hasnt "no self-signed marker in the page" 'data-certificate' "$T_TMP/hl.html"
if curl -sk --max-time 2 -o /dev/null "https://${url#http://}/healthz"; then not_ok "no TLS in laptop mode"; else ok "no TLS in laptop mode"; fi
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ]; then ok "savoird stops cleanly"; else not_ok "savoird stops cleanly (exit $rc)"; fi
ls -A "$T_TMP/ro" >"$T_TMP/ro.after"
if [ "$(cat "$T_TMP/ro.after")" = "savoir.db" ]; then ok "nothing was created beside the carried file"; else not_ok "nothing was created beside the carried file"; diag <"$T_TMP/ro.after"; fi
if [ "$(sha256sum "$T_TMP/ro/savoir.db")" = "$sum_before" ] &&
    [ "$(stat -c '%Y %s' "$T_TMP/ro/savoir.db")" = "$(cat "$T_TMP/stat.before")" ]; then
	ok "the carried file is unchanged (content, size, mtime)"
else
	not_ok "the carried file is unchanged"
fi
if [ -z "$(ls -A "$T_TMP/cwd")" ]; then ok "no certificate or other file made in the working directory"; else not_ok "no file made in the working directory"; ls -A "$T_TMP/cwd" | diag; fi
hasnt "no self-signed warning without TLS" 'self-signed' "$log"

# --- refusals ---------------------------------------------------------------
fails "--laptop refuses a non-loopback address (0.0.0.0)" 1 \
    "$SAVOIRD" --laptop --address 0.0.0.0 --db "$T_TMP/ro/savoir.db" -c "$T_TMP/savoir.conf" -n
has "... and says why" "not a loopback address" "$T_TMP/out"
fails "--laptop refuses a LAN address (192.168.1.10)" 1 \
    "$SAVOIRD" --laptop --address 192.168.1.10 --db "$T_TMP/ro/savoir.db" -c "$T_TMP/savoir.conf" -n
fails "--laptop refuses a host name" 1 \
    "$SAVOIRD" --laptop --address example.org --db "$T_TMP/ro/savoir.db" -c "$T_TMP/savoir.conf" -n
check "--laptop accepts 127.0.0.2 (loopback)" \
    "$SAVOIRD" --laptop --address 127.0.0.2 --db "$T_TMP/ro/savoir.db" -c "$T_TMP/savoir.conf" -n
fails "--port without --laptop is a usage error" 2 "$SAVOIRD" --port 8080 -n
fails "--laptop refuses a bad port" 1 \
    "$SAVOIRD" --laptop --port 99999 --db "$T_TMP/ro/savoir.db" -c "$T_TMP/savoir.conf" -n
has "... and says why" "not a port number" "$T_TMP/out"
fails "--db refuses a file that is not a database" 1 \
    "$SAVOIRD" --db "$T_TMP/notadb" -c "$T_TMP/savoir.conf" -n
has "... as not a Savoir index" "notadb is not a Savoir index" "$T_TMP/out"
fails "--db refuses an SQLite database that is not a Savoir index" 1 \
    "$SAVOIRD" --db "$T_TMP/other.db" -c "$T_TMP/savoir.conf" -n
has "... and says so" "not a Savoir index" "$T_TMP/out"
fails "--db refuses a missing file" 1 \
    "$SAVOIRD" --laptop --db "$T_TMP/nowhere.db" -c "$T_TMP/savoir.conf" -n
fails "--db refuses a live (WAL) index in a read-only directory" 1 \
    "$SAVOIRD" --laptop --db "$T_TMP/wal/live.db" -c "$T_TMP/savoir.conf" -n
has "... pointing to savoir export" "savoir export" "$T_TMP/out"
if [ "$(ls -A "$T_TMP/wal")" = "live.db" ]; then ok "... and creates nothing beside it"; else not_ok "... and creates nothing beside it"; ls -A "$T_TMP/wal" | diag; fi

# --- the self-signed certificate is called out -----------------------------
port=$(free_ports 1)
cat >"$T_TMP/tls.conf" <<EOC
[server]
listen = 127.0.0.1:$port
state_dir = $T_TMP/cwd
db = $T_TMP/ro/savoir.db
www = $www
$runas
EOC
check "a self-signed configuration checks" "$SAVOIRD" -c "$T_TMP/tls.conf" -n
has "savoird warns that browsers will refuse the service worker" \
    "self-signed: browsers will not register the service worker.*guide-admin" "$T_TMP/out"

plan "$T_N"
finish
