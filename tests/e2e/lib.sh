# lib.sh - what the browser tests (run.sh, offline.sh, offline-search.sh)
# share, on top of tests/integration/lib.sh: the skip when node or
# Chromium is truly absent, and playwright-core installed once (under a
# lock: make -j starts them together); a .mjs script's lines become TAP
# through tests/integration/lib.sh's script_tap.  Source it after
# tests/integration/lib.sh.

e2e_src="$top_srcdir/tests/e2e"
SAVOIRD="$top_builddir/savoird"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

# e2e_prereqs: skip the whole test without node, npm or Chromium; bail
# out when savoird is not built.
e2e_prereqs() {
	if ! command -v node >/dev/null 2>&1 ||
	    ! command -v npm >/dev/null 2>&1; then
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
}

# e2e_install SCRIPT...: sets e2e_dir, where the scripts (and lib.mjs) run beside
# node_modules/playwright-core (pinned by package-lock.json; it brings no
# browser): the sources, or a copy in the build tree when they are
# read-only.
e2e_install() {
	e2e_dir=$e2e_src
	if [ ! -w "$e2e_src" ]; then
		e2e_dir="$top_builddir/tests/e2e"
		mkdir -p "$e2e_dir"
		cp "$e2e_src/package.json" "$e2e_src/package-lock.json" \
		    "$e2e_src/lib.mjs" "$@" \
		    "$e2e_dir/"
	fi
	[ -d "$e2e_dir/node_modules/playwright-core" ] && return 0
	(cd "$e2e_dir" && flock . sh -c '[ -d node_modules/playwright-core ] ||
	    npm ci --no-audit --no-fund --loglevel=error') \
	    >"$T_TMP/npm.out" 2>&1 ||
	    { echo "Bail out! npm ci failed in $e2e_dir"; diag <"$T_TMP/npm.out"; exit 1; }
}
