# lib.sh - a tiny TAP producer for the shell integration tests.
# Source it; call plan N, then ok/not_ok through check and is.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
: "${SAVOIR_PLUGINS:=$top_builddir/plugins-dev}"
export SAVOIR_PLUGINS
# The tests' Python clients import rawhttp.py from here.
PYTHONPATH="$top_srcdir/tests/integration${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
SAVOIR="$top_builddir/savoir"
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/savoir-it.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

plan() { echo "1..$1"; }
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
diag() { sed 's/^/# /'; }

# check "description" command...: passes when the command exits 0.
check() {
	local d=$1; shift
	if "$@" >"$T_TMP/out" 2>&1; then ok "$d"; else not_ok "$d"; diag <"$T_TMP/out"; fi
}

# fails "description" status command...: passes when it exits with status.
fails() {
	local d=$1 want=$2 got=0; shift 2
	"$@" >"$T_TMP/out" 2>&1 || got=$?
	if [ "$got" -eq "$want" ]; then ok "$d"; else not_ok "$d (exit $got, wanted $want)"; diag <"$T_TMP/out"; fi
}

# has "description" pattern file: passes when grep -E finds pattern.
has() {
	if grep -qE -- "$2" "$3"; then ok "$1"; else not_ok "$1"; echo "# wanted /$2/ in:"; head -40 "$3" | diag; fi
}

hasnt() {
	if ! grep -qE -- "$2" "$3"; then ok "$1"; else not_ok "$1"; grep -E -- "$2" "$3" | head -10 | diag; fi
}

finish() { exit $((T_FAILED > 0)); }
