#!/usr/bin/env bash
# offline.sh - the library kept offline in a real browser: offline.mjs
# drives Debian's Chromium through playwright-core against savoird
# --laptop (plain HTTP on 127.0.0.1, a carried index file), which it
# starts, kills and restarts itself.  Here: a scratch copy of the corpus
# (offline.mjs edits one file of it), of www/, a configuration.  Skipped
# only when node or Chromium is truly absent; run.sh checks the locked
# playwright-core against Debian 12's Node.
. "$(dirname "$0")/../integration/lib.sh"

e2e_src="$top_srcdir/tests/e2e"
SAVOIRD="$top_builddir/savoird"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP node or npm is not installed"
	exit 0
fi
if [ ! -x "$CHROMIUM" ]; then
	echo "1..1"
	echo "ok 1 # SKIP $CHROMIUM is not installed"
	exit 0
fi
[ -x "$SAVOIRD" ] || { echo "Bail out! $SAVOIRD is not built"; exit 1; }

e2e_dir=$e2e_src
if [ ! -w "$e2e_src" ]; then
	e2e_dir="$top_builddir/tests/e2e"
	mkdir -p "$e2e_dir"
	cp "$e2e_src/package.json" "$e2e_src/package-lock.json" \
	    "$e2e_src/offline.mjs" "$e2e_dir/"
fi
# run.sh and offline.sh may start together (make -j): one installs, under
# a lock on the directory, the other then finds it done.
if [ ! -d "$e2e_dir/node_modules/playwright-core" ]; then
	(cd "$e2e_dir" && flock . sh -c '[ -d node_modules/playwright-core ] ||
	    npm ci --no-audit --no-fund --loglevel=error') \
	    >"$T_TMP/npm.out" 2>&1 ||
	    { echo "Bail out! npm ci failed in $e2e_dir"; diag <"$T_TMP/npm.out"; exit 1; }
fi
out="$e2e_dir/out-offline"
rm -rf "$out"
mkdir -p "$out"

cp -r "$top_srcdir/corpus" "$T_TMP/corpus"
cp -r "$top_srcdir/www" "$T_TMP/www"
mkdir -p "$T_TMP/carried"
# The offline search page is written apart; until it is in www/, a stand-in
# checks sw.js's hook (a failed /recherche answered by that page).
[ -f "$T_TMP/www/static/offline-search.html" ] ||
	cat >"$T_TMP/www/static/offline-search.html" <<'EOC'
<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Recherche hors ligne (essai)</title></head>
<body><h1>Recherche hors ligne</h1></body></html>
EOC
runas=""
if [ "$(id -u)" -eq 0 ]; then
	# Started as root, savoird becomes nobody, who must read the file.
	runas="user = nobody"
	chmod 755 "$T_TMP"
	chmod -R a+rX "$T_TMP"
fi
cat >"$T_TMP/savoir.conf" <<EOC
[server]
workers = 2
www = $T_TMP/www
$runas
EOC

(cd "$e2e_dir" && SAVOIRD="$SAVOIRD" SAVOIR="$SAVOIR" E2E_TMP="$T_TMP" \
    E2E_OUT="$out" timeout 400 node offline.mjs) >"$T_TMP/e2e.out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$T_TMP/e2e.out"
if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
	not_ok "offline.mjs ran to the end (exit $rc)"
fi
plan "$T_N"
finish
