#!/usr/bin/env bash
# bench/legi-code-du-travail.sh - index the whole Code du travail, as the
# DILA's LEGI base publishes it and @socialgouv/legi-data packages it, in
# one run of the real savoir CLI with the legi plugin: one 55 MB JSON file,
# about 11,500 articles.  Prints the number of articles, the time and MB/s
# against a same-run baseline (parsing the same JSON with Python), and a few
# searches whose first hits it checks.
#
# A benchmark and a check, not part of ./dev test: it needs the npm
# registry (npm pack), unless LEGI_JSON names the file already.
#
#   bench/legi-code-du-travail.sh                 # build in _build/
#   BUILD=/tmp/build bench/legi-code-du-travail.sh
#   LEGI_JSON=/path/LEGITEXT000006072050.json bench/legi-code-du-travail.sh
#
# Exits 1 if the file does not index, holds fewer than 10,000 articles in
# force, or a search does not find what it must.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/_build}
SAVOIR=${SAVOIR:-$BUILD/savoir}
export SAVOIR_PLUGINS=${SAVOIR_PLUGINS:-$BUILD/plugins-dev}
PACKAGE=${LEGI_PACKAGE:-@socialgouv/legi-data}
CODE=LEGITEXT000006072050	# Code du travail
MIN_ARTICLES=10000

die() { echo "legi-code-du-travail: $*" >&2; exit 1; }
now() { date +%s.%N; }
# elapsed START END -> seconds with 2 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

[ -x "$SAVOIR" ] || die "no savoir at $SAVOIR (build first, or set BUILD)"
[ -e "$SAVOIR_PLUGINS/legi.so" ] ||
    die "no legi.so in $SAVOIR_PLUGINS (set SAVOIR_PLUGINS)"

work=$(mktemp -d "${TMPDIR:-/tmp}/legi-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
json=$work/corpus/$CODE.json

if [ -n "${LEGI_JSON:-}" ]; then
	cp "$LEGI_JSON" "$json"
	version="(local file $LEGI_JSON)"
else
	command -v npm >/dev/null || die "npm is needed (or set LEGI_JSON)"
	echo "fetching $PACKAGE with npm pack ..."
	tgz=$(cd "$work" && npm pack --silent "$PACKAGE" | tail -n 1)
	[ -f "$work/$tgz" ] || die "npm pack $PACKAGE gave no tarball"
	tar -xzf "$work/$tgz" -C "$work" "package/data/$CODE.json" ||
	    die "$tgz has no data/$CODE.json"
	mv "$work/package/data/$CODE.json" "$json"
	version=${tgz%.tgz}
fi
bytes=$(stat -c %s "$json")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

echo "machine: $(nproc) cores, $(uname -sm), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "source:  $version, $CODE.json, $mb MB"

# Baseline: parsing the same file with Python's C JSON parser, once.
base=
if command -v python3 >/dev/null; then
	t0=$(now)
	python3 -c 'import json, sys; json.load(open(sys.argv[1], "rb"))' \
	    "$json"
	t1=$(now)
	base=$(elapsed "$t0" "$t1")
fi

# The whole code as one source file, one run; generous limits, since this
# measures the plugin, not the sandbox's defaults.
t0=$(now)
"$SAVOIR" --db "$work/ct.db" index --quiet --timeout 600 \
    "$work/corpus" 2>"$work/index.err" || {
	cat "$work/index.err" >&2
	die "savoir index failed"
}
t1=$(now)
secs=$(elapsed "$t0" "$t1")
# Warnings are expected (numbers used twice, like "Annexe"); failure not.
warnings=$(grep -c "^savoir: $CODE.json: " "$work/index.err" || true)
grep -q ' 0 failed' "$work/index.err" ||
    "$SAVOIR" --db "$work/ct.db" stats | grep -q '(0 not indexed)' || {
	cat "$work/index.err" >&2
	die "$CODE.json was not indexed"
}

stats=$("$SAVOIR" --db "$work/ct.db" stats --json)
articles=$(printf '%s' "$stats" | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["documents"])' 2>/dev/null ||
    "$SAVOIR" --db "$work/ct.db" stats | awk '/^documents/ { print $2 }')

echo
echo "articles indexed: $articles (warnings: $warnings)"
awk -v s="$secs" -v b="$bytes" -v n="$articles" 'BEGIN {
	printf "index:   %.2f s, %.1f MB/s, %.0f articles/s\n", s,
	    b / 1e6 / s, n / s }'
if [ -n "$base" ]; then
	awk -v s="$secs" -v p="$base" 'BEGIN {
		printf "baseline: python3 json.load %.2f s; index / parse = " \
		    "%.1fx\n", p, s / p }'
fi
echo "index size: $(awk -v b="$(stat -c %s "$work/ct.db")" \
    'BEGIN { printf "%.1f MB", b / 1e6 }')"
[ "$articles" -ge "$MIN_ARTICLES" ] ||
    die "only $articles articles (at least $MIN_ARTICLES expected)"

# Searches: the query, then an id that must be among the first three hits
# ("-": shown only; ranking is the search engine's business, not this
# plugin's, and is measured by the relevance benchmark).
fail=0
search() {
	local q=$1 want=$2 out
	echo
	echo "search: $q"
	out=$("$SAVOIR" --db "$work/ct.db" search --limit 3 "$q")
	printf '%s\n' "$out" | sed -n '1p; /^[0-9]*\. /p' | sed 's/^/  /'
	if [ "$want" != - ] &&
	    ! printf '%s\n' "$out" | grep -q "  $want\$"; then
		echo "  MISSING: $want is not in the first three hits"
		fail=1
	fi
}
search "L1234-1" "ct/L1234-1"
search "R1233-3-4" "ct/R1233-3-4"
search "article L1237-1 du code du travail" "ct/L1237-1"
search "durée du préavis de démission" "ct/L1237-1"
search "harcèlement moral" -
search "indemnité de licenciement" -

[ "$fail" -eq 0 ] || die "some searches did not find what they must"
echo
echo "ok"
