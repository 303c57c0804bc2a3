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
# The CLI reads the synonyms of the configuration it finds, as savoird
# does: none here (a machine with the package installed has one in /etc).
SAVOIR_CONF=
export SAVOIR_CONF
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

# --- tests that start the real savoird -------------------------------------

# daemon_prereqs TOOL...: skip the whole test unless the tools and savoird
# are there; sets SAVOIRD (unless given) and PY, the interpreter itself
# rather than a version manager's shim (~0.7 s a start).
daemon_prereqs() {
	local tool
	SAVOIRD="${SAVOIRD:-$top_builddir/savoird}"
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "1..0 # SKIP $tool is not installed"
			exit 0
		fi
	done
	if [ ! -x "$SAVOIRD" ]; then
		echo "1..0 # SKIP $SAVOIRD is not built"
		exit 0
	fi
	PY=$(python3 -c 'import sys; print(sys.executable)')
}

# free_ports N: N free loopback ports, taken together so they differ.
free_ports() {
	"$PY" -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])' "$1"
}

# runas_setup: started as root, savoird becomes nobody: it must read
# everything under T_TMP, and re-reads its templates there on SIGHUP (a
# checkout under /root, where ./dev fresh clones, is closed to nobody):
# a copy of www/ in T_TMP/www unless the test made one.  Sets runas, a
# line for [server], and www.
runas_setup() {
	www="$T_TMP/www"
	[ -d "$www" ] || cp -r "$top_srcdir/www" "$www"
	runas=""
	if [ "$(id -u)" -eq 0 ]; then
		runas="user = nobody"
		chmod -R a+rwX "$T_TMP"
		chmod 755 "$T_TMP"
	fi
}

# runas_programs: the savoir program and the plugins, where the user
# savoird drops to can run them (savoird's side process runs savoir):
# the build's own when not root; copies under T_TMP when root, since a
# checkout in /root (where ./dev fresh and a CI clone live) is closed to
# nobody.  Sets RUN_SAVOIR and RUN_PLUGINS.  A later chmod -R a+rwX of
# T_TMP must spare T_TMP/bin and T_TMP/plugins (runas_protect).
runas_programs() {
	RUN_SAVOIR=$SAVOIR
	RUN_PLUGINS=$SAVOIR_PLUGINS
	[ -n "${runas:-}" ] || return 0
	mkdir -p "$T_TMP/bin" "$T_TMP/plugins"
	cp "$SAVOIR" "$T_TMP/bin/savoir"
	cp -L "$SAVOIR_PLUGINS"/*.so "$T_TMP/plugins/" 2>/dev/null
	# Not writable by others: savoir refuses such plugins.
	chmod -R a+rX,go-w "$T_TMP/bin" "$T_TMP/plugins"
	RUN_SAVOIR=$T_TMP/bin/savoir
	RUN_PLUGINS=$T_TMP/plugins
}

runas_protect() {
	[ -z "${runas:-}" ] || chmod -R go-w "$T_TMP/bin" "$T_TMP/plugins"
}

# daemon_wait PID URL [SECONDS]: wait until URL answers (curl -k), or bail
# out with the daemon's log ($log) when it does not or the daemon died.
daemon_wait() {
	local i
	for i in $(seq 1 $((${3:-30} * 10))); do
		curl -sk --max-time 1 -o /dev/null "$2" && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	echo "Bail out! savoird did not start"
	diag <"$log"
	exit 1
}

# daemon_start DB [LINE...]: savoird serving DB with 2 workers, plain
# HTTP on a loopback port beside its HTTPS one, as the daemon's user when
# root (call runas_setup first), the LINEs appended to its configuration
# (T_TMP/savoir.conf); waits until it answers.  Sets pid, base (the
# http:// address), tls_base (https://) and log (T_TMP/savoird.log), and
# kills it and removes T_TMP at exit.
daemon_start() {
	local db=$1 ps ph
	shift
	read -r ps ph < <(free_ports 2)
	mkdir -p "$T_TMP/state"
	{
		printf '[server]\nlisten = 127.0.0.1:%s\nhttp_listen = 127.0.0.1:%s\n' "$ps" "$ph"
		printf 'workers = 2\n%s\nstate_dir = %s\ndb = %s\nwww = %s\n' \
		    "${runas:-}" "$T_TMP/state" "$db" "$www"
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$T_TMP/savoir.conf"
	tls_base="https://127.0.0.1:$ps"
	daemon_run "$T_TMP/savoir.conf" "$ph"
}

# daemon_run CONF PORT: savoird -f -c CONF, whose plain HTTP is on PORT;
# sets pid, base, log as daemon_start does, kills it and removes T_TMP at
# exit, and waits until it answers.
daemon_run() {
	log="$T_TMP/savoird.log"
	"$SAVOIRD" -f -c "$1" >"$log" 2>&1 &
	pid=$!
	trap 'kill -9 $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
	base="http://127.0.0.1:$2"
	daemon_wait $pid "$base/healthz"
}

# script_tap: a helper script's "ok - what" / "not ok - what" / "# detail"
# lines (stdin) as numbered TAP; anything else as a comment.
script_tap() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done
}

# test_cert: a P-256 certificate for localhost and 127.0.0.1 in
# T_TMP/test.crt and test.key, the key readable by the group savoird
# drops to when started as root (call after runas_setup).
test_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 2 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	    -keyout "$T_TMP/test.key" -out "$T_TMP/test.crt" \
	    >"$T_TMP/openssl.out" 2>&1 ||
		{ echo "Bail out! openssl cannot make a test certificate"
		  cat "$T_TMP/openssl.out"; exit 1; }
	chmod 640 "$T_TMP/test.key"
	[ -z "${runas:-}" ] || chgrp nogroup "$T_TMP/test.key"
}
