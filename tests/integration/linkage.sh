#!/usr/bin/env bash
# linkage.sh - the sandbox line, as the binaries hold it: savoird links the
# read-side core alone, never the indexing side.  No libxml2 or poppler
# among its libraries, no dlopen among its imports, none of the indexing
# side's functions among its symbols (plugin loader, extractor, sanitizer,
# indexer).  The CLI, which indexes, has them: the checks can fail.
#
# Run by `make check` and by the sanitizer pass (`make check-unit`), so that
# it holds under --enable-sanitizers too, where the linker keeps more.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
for tool in nm readelf; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done

# libtool may put the real binary in .libs with a wrapper script in front.
real() {
	if [ -x "$top_builddir/.libs/$1" ]; then
		echo "$top_builddir/.libs/$1"
	else
		echo "$top_builddir/$1"
	fi
}
daemon=$(real savoird)
cli=$(real savoir)
[ -x "$daemon" ] && [ -x "$cli" ] || skip_all "savoird or savoir is not built"

# The indexing side's entry points, one for each of its files.
index_syms='^(plugins_load|plugin_host|extract_start|extract_file|html_sanitize|cite_scan|indexer_run)$'

plan 8

readelf -d "$daemon" >"$T_TMP/d.dyn"
nm -D "$daemon" | awk '{print $NF}' >"$T_TMP/d.imp"
nm "$daemon" 2>/dev/null | awk '{print $NF}' >"$T_TMP/d.sym"
nm "$cli" 2>/dev/null | awk '{print $NF}' >"$T_TMP/c.sym"
readelf -d "$cli" >"$T_TMP/c.dyn"

hasnt "savoird needs no libxml2" 'NEEDED.*libxml2' "$T_TMP/d.dyn"
hasnt "savoird needs no poppler" 'NEEDED.*poppler' "$T_TMP/d.dyn"
hasnt "savoird imports no dlopen or dlsym" '^(dlopen|dlsym|dlmopen)(@.*)?$' "$T_TMP/d.imp"
hasnt "savoird holds none of the indexing side's functions" "$index_syms" "$T_TMP/d.sym"
hasnt "savoird holds no libxml2 call" '^(xml|html)[A-Z][A-Za-z]*(@.*)?$' "$T_TMP/d.sym"
# The other side of the line: the CLI has what the daemon must not.
has "savoir (the CLI) holds the plugin loader and the indexer" '^(plugins_load|indexer_run)$' "$T_TMP/c.sym"
has "savoir (the CLI) needs libxml2 (the sanitizer)" 'NEEDED.*libxml2' "$T_TMP/c.dyn"
# And the core holds the search: the daemon is not empty by accident.
has "savoird holds the search" '^search_run$' "$T_TMP/d.sym"
finish
