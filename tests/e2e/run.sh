#!/usr/bin/env bash
# run.sh - the end-to-end test: the course library indexed, the real savoird
# on a free loopback port over HTTPS (self-signed, in a scratch state_dir),
# and e2e.mjs driving Debian's Chromium through playwright-core from the
# home page to a cited article and back.  Screenshots of every page land in
# tests/e2e/out/ (or the build tree's when the sources are read-only).
# Skipped only when node or Chromium is truly absent.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/lib.sh"
e2e_prereqs

# The README promises a fresh Debian 12, whose nodejs is 18: the locked
# playwright-core must accept it, whatever Node this machine happens to
# have (a newer one hid exactly this break once; ./dev fresh is the full
# check).
DEBIAN_NODE_MAJOR=18
engines=$(node -e '
const lock = require(process.argv[1]);
const pkg = require(process.argv[2]);
const pw = lock.packages["node_modules/playwright-core"] || {};
console.log((pw.engines || {}).node || "", (pkg.engines || {}).node || "",
	pw.version || "", (pkg.dependencies || {})["playwright-core"] || "");
' "$e2e_src/package-lock.json" "$e2e_src/package.json" 2>&1)
read -r pw_engine pkg_engine pw_locked pw_wanted <<<"$engines"
case $pw_engine in
">="[0-9]*) min=${pw_engine#>=}; min=${min%%.*} ;;
*) min=999 ;;
esac
if [ "$min" -le "$DEBIAN_NODE_MAJOR" ]; then
	ok "locked playwright-core $pw_locked runs on Debian 12's Node.js $DEBIAN_NODE_MAJOR (engines $pw_engine)"
else
	not_ok "locked playwright-core $pw_locked runs on Debian 12's Node.js $DEBIAN_NODE_MAJOR (engines '$pw_engine')"
fi
if [ "$pkg_engine" = "$pw_engine" ] && [ "$pw_locked" = "$pw_wanted" ]; then
	ok "package.json states the lock's truth (playwright-core $pw_wanted, node $pkg_engine)"
else
	not_ok "package.json states the lock's truth (wants $pw_wanted, node '$pkg_engine'; lock has $pw_locked, node '$pw_engine')"
fi
command -v curl >/dev/null 2>&1 || { echo "Bail out! curl is needed"; exit 1; }

e2e_install "$e2e_src/e2e.mjs" "$e2e_src/grid.mjs" "$e2e_src/charts.mjs"
out="$e2e_dir/out"
rm -rf "$out"
mkdir -p "$out"

# --- the library, a state directory, a configuration -------------------
mkdir -p "$T_TMP/db" "$T_TMP/state"
# A copy of www/: savoird reads static files per request, as its own user,
# who may not reach the source tree (a clone under /root, mode 700).
cp -r "$top_srcdir/www" "$T_TMP/www"
"$SAVOIR" --db "$T_TMP/db/kb.db" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index $top_srcdir/corpus"; diag <"$T_TMP/index.out"; exit 1; }

# A free loopback port: bound without SO_REUSEPORT, so a port another
# savoird holds is never taken for free.
port=$(node -e '
const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')

runas=""
if [ "$(id -u)" -eq 0 ]; then
	# Started as root, savoird becomes nobody: it must read the index
	# and create its -shm beside it (a read-only WAL reader needs one).
	runas="user = nobody"
	chmod 755 "$T_TMP"
	chmod -R a+rwX "$T_TMP/db"
fi
cat >"$T_TMP/savoir.conf" <<EOF
[server]
listen = 127.0.0.1:$port
workers = 2
state_dir = $T_TMP/state
db = $T_TMP/db/kb.db
www = $T_TMP/www
$runas
EOF

"$SAVOIRD" -f -c "$T_TMP/savoir.conf" >"$T_TMP/savoird.log" 2>&1 &
pid=$!
stopped=""
stop() {
	if [ -z "$stopped" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		stopped=$?
	fi
}
trap 'stop; rm -rf "$T_TMP"' EXIT
url="https://127.0.0.1:$port"
up=0
for _ in $(seq 1 100); do
	if curl -skf -o /dev/null "$url/healthz"; then
		up=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" -ne 1 ]; then
	echo "Bail out! savoird did not start on $url"
	diag <"$T_TMP/savoird.log"
	exit 1
fi
ok "savoird serves the library on $url"

# --- the browser ----------------------------------------------------------
# e2e.mjs prints "ok - what" / "not ok - what" / "# detail": numbered here.
(cd "$e2e_dir" && SAVOIR_URL="$url" E2E_OUT="$out" \
    timeout 300 node e2e.mjs) >"$T_TMP/e2e.out" 2>&1
rc=$?
(cd "$e2e_dir" && SAVOIR_URL="$url" E2E_OUT="$out" timeout 120 node grid.mjs) \
    >>"$T_TMP/e2e.out" 2>&1 || rc=1
(cd "$e2e_dir" && SAVOIR_URL="$url" E2E_OUT="$out" timeout 120 node charts.mjs) \
    >>"$T_TMP/e2e.out" 2>&1 || rc=1
script_tap <"$T_TMP/e2e.out"
if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
	not_ok "e2e.mjs ran to the end (exit $rc)"
fi
n=$(ls "$out"/*.png 2>/dev/null | wc -l)
if [ "$n" -ge 10 ]; then ok "$n screenshots in $out"; else not_ok "screenshots in $out ($n)"; fi

# --- the server's side ----------------------------------------------------
stop
if [ "$stopped" -eq 0 ]; then ok "savoird stops cleanly on SIGTERM"; else not_ok "savoird stops cleanly on SIGTERM (exit $stopped)"; fi
hasnt "no server error (5xx) in the access log" ' 5[0-9][0-9] [0-9]+ [0-9]+us$' "$T_TMP/savoird.log"
hasnt "no template error in the log" 'template' "$T_TMP/savoird.log"
# With --enable-sanitizers, ASan/UBSan/LSan speak on stderr.
hasnt "no sanitizer report" 'Sanitizer|runtime error' "$T_TMP/savoird.log"
plan "$T_N"
finish
