#!/usr/bin/env bash
# sdk.sh - the plugin SDK as a third party meets it: "make install" into a
# staging root, then doc/examples/plugin-minimal and the example printed in
# savoir-plugin(7) built out of tree against the *installed* header through
# pkg-config, loaded by the real savoir (plugins, index, search, doc), next
# to the installed plugins.  Also the loader's refusals a plugin author
# meets: a group-writable file, a second plugin of the same name, a plugin
# that calls a host symbol (which must not even link).
#
# Nothing is written outside $T_TMP: the example is copied before it is
# built, and the install goes to a DESTDIR.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
for tool in make cc nm pkg-config python3; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in $top_builddir"

plan 44

root="$T_TMP/root"
ex="$T_TMP/plugin-minimal"
pd="$T_TMP/plugins"
memos="$T_TMP/memos"
kb="$T_TMP/memo.db"
sv() { "$SAVOIR" --plugins "$pd" --db "$kb" "$@"; }

# --- make install into a staging root -------------------------------------
# Run as a separate make: the make check that may be running us must not
# hand its jobserver or its command-line variables down.
check "make install DESTDIR=... succeeds" env -u MAKEFLAGS -u MFLAGS \
    -u MAKELEVEL make -C "$top_builddir" install DESTDIR="$root"

pc=$(find "$root" -name savoir-plugin.pc -path '*/pkgconfig/*' | head -1)
check "savoir-plugin.pc is installed in a pkgconfig directory" test -n "$pc"
# Only the staged SDK: never a savoir-plugin.pc installed on this machine.
PKG_CONFIG_LIBDIR=$(dirname "${pc:-/nonexistent/x}")
export PKG_CONFIG_LIBDIR
export PKG_CONFIG_PATH=
export PKG_CONFIG_SYSROOT_DIR="$root"
unset PKG_CONFIG_ALLOW_SYSTEM_CFLAGS
cflags=$(pkg-config --cflags savoir-plugin 2>&1)
check "pkg-config --cflags points into the staging root ($cflags)" \
    grep -q -- "-I$root/" <<<"$cflags"
incdir=$(pkg-config --variable=includedir savoir-plugin)
case $incdir in "$root"/*) ;; *) incdir="$root$incdir" ;; esac
check "savoir/plugin.h is installed under the .pc's includedir" \
    test -f "$incdir/savoir/plugin.h"
[ -f "$incdir/savoir/plugin.h" ] ||
	find "$root" -name plugin.h | sed 's/^/found /' | diag
check "... and is the header of the sources" \
    cmp "$incdir/savoir/plugin.h" "$top_srcdir/src/include/savoir/plugin.h"
# pkgconf prefixes variables with the sysroot, pkg-config 0.29 does not.
plugindir=$(pkg-config --variable=plugindir savoir-plugin)
case $plugindir in "$root"/*) ;; *) plugindir="$root$plugindir" ;; esac
check "the shipped plugins are in the .pc's plugindir" \
    test -f "$plugindir/notes.so" -a -f "$plugindir/html.so"
man7=$(find "$root" -path '*/man7/savoir-plugin.7' | head -1)
check "savoir-plugin(7) is installed" test -n "$man7"

# --- doc/examples/plugin-minimal, built against the staged SDK -------------
cp -R "$top_srcdir/doc/examples/plugin-minimal" "$ex"
chmod -R u+w "$ex"
rm -f "$ex/minimal.so"
check "the example builds with -Werror against the installed header" \
    make -C "$ex" CFLAGS="-O2 -Wall -Wextra -Werror -MD"
has "... with the flags pkg-config gave" "-I$root/" "$T_TMP/out"
# A savoir/plugin.h in /usr/include would do as well, silently.
check "... and the staged header, not one installed on this machine" \
    grep -q "$incdir/savoir/plugin\.h" "$ex/minimal.d"
check "it exports savoir_plugin_entry and nothing else (make check)" \
    make -C "$ex" check
mkdir -p "$pd"
install -m 0755 "$ex/minimal.so" "$pd/minimal.so" 2>/dev/null

check "savoir plugins loads it" "$SAVOIR" --plugins "$pd" plugins
has "... named, versioned, with its ABI" '^memo 1\.0\.0 \(ABI 1\)' "$T_TMP/out"
has "... with its extension" 'extensions: \.memo$' "$T_TMP/out"
has "... its type and facet, with French labels" \
    'type memo \(Mémo\); facets: dossier \(Dossier\)' "$T_TMP/out"
"$SAVOIR" --plugins "$pd" plugins --json >"$T_TMP/pl.json" 2>&1
check "savoir plugins --json describes it" python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
assert [x["name"] for x in p] == ["memo"], p
m = p[0]
assert m["abi"] == 1 and m["extensions"] == [".memo"], m
t = m["types"][0]
assert t["name"] == "memo" and t["label"] == "Mémo", t
assert t["facets"] == [{"key": "dossier", "label": "Dossier", "kind": 0}], t
' "$T_TMP/pl.json"

# --- index a folder of memos with it --------------------------------------
mkdir -p "$memos/travail"
cat >"$memos/travail/reunion.memo" <<'EOF'
Réunion budgétaire du lundi
Ordre du jour : le budget <2027> & les "priorités".
Le mot rare de ce mémo est quenouillard.

Un second paragraphe.
EOF
printf 'Idée sans texte\n' >"$memos/idee.memo"
printf '\nla première ligne est vide\n' >"$memos/sans-titre.memo"
check "savoir index reads the memos" sv index "$memos"
has "... 3 files, 1 failed, 1 warning, 2 documents" \
    '^indexed 3 files \(2 read, 0 unchanged, 0 removed, 1 failed, 1 warnings\): 2 documents' "$T_TMP/out"
has "a memo without a title is reported with its path and line" \
    'sans-titre\.memo: plugin memo: line 1: no title' "$T_TMP/out"
has "a memo without text is a warning with its line" \
    'idee\.memo: line 2: a title and no text' "$T_TMP/out"
sv search --json quenouillard >"$T_TMP/s.json" 2>&1
check "savoir search finds the memo by a word of its text" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [h["id"] for h in d["hits"]] == ["travail/reunion"], d
assert d["hits"][0]["title"] == "Réunion budgétaire du lundi", d
' "$T_TMP/s.json"
sv search --json 'dossier:travail budget' >"$T_TMP/f.json" 2>&1
check "... and through its facet (dossier:travail)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [h["id"] for h in d["hits"]] == ["travail/reunion"], d
' "$T_TMP/f.json"
check "savoir doc --html shows the memo's page" sv doc --html travail/reunion
has "... with the file's text escaped" '&lt;2027&gt; &amp; les' "$T_TMP/out"
hasnt "... and nothing unescaped" '<2027>' "$T_TMP/out"
sv stats --json >"$T_TMP/st.json" 2>&1
check "savoir stats counts 2 memos" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert {t["type"]: t["documents"] for t in d["types"]} == {"memo": 2}, d
' "$T_TMP/st.json"

# --- the installed savoir, with the installed plugins and the example -----
bin=$(find "$root" -type f -name savoir -path '*/bin/*' | head -1)
mkdir -p "$T_TMP/both/notes"
cp "$memos/travail/reunion.memo" "$T_TMP/both/"
cat >"$T_TMP/both/notes/note.md" <<'EOF'
---
title: "Une note"
type: note
sources:
  - titre: "Test"
---

Une note qui parle de trombinoscope.
EOF
check "the installed savoir loads the installed plugins and the example" \
    "${bin:-/nonexistent}" --plugins "$plugindir:$pd" plugins
has "... notes and memo" '^notes .*ABI 1' "$T_TMP/out"
has "... memo too" '^memo .*ABI 1' "$T_TMP/out"
check "it indexes a note and a memo side by side" "${bin:-/nonexistent}" \
    --plugins "$plugindir:$pd" --db "$T_TMP/both.db" index --strict "$T_TMP/both"
has "... 2 documents" ': 2 documents' "$T_TMP/out"

# --- the loader's refusals --------------------------------------------------
mkdir -p "$T_TMP/gw"
install -m 0775 "$ex/minimal.so" "$T_TMP/gw/minimal.so" 2>/dev/null
chmod 0775 "$T_TMP/gw/minimal.so"
fails "a group-writable copy is refused (savoir plugins exits 1)" 1 \
    "$SAVOIR" --plugins "$T_TMP/gw" plugins
has "... with the path and the reason" \
    "refused: $T_TMP/gw/minimal\.so: writable by group or others \(mode 0775\)" "$T_TMP/out"
fails "savoir index will not run with only that plugin" 2 \
    "$SAVOIR" --plugins "$T_TMP/gw" --db "$T_TMP/gw.db" index "$memos"

cat >"$T_TMP/hostsym.c" <<'EOF'
#include <stddef.h>
#include <savoir/plugin.h>
void *xmalloc(size_t);	/* a function of Savoir's, not of the ABI */
SAVOIR_EXPORT const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
{
	(void)h;
	return xmalloc(1);
}
EOF
# shellcheck disable=SC2086
fails "a plugin that calls a host symbol does not link" 1 \
    cc -shared -fPIC $cflags -fvisibility=hidden -Wl,--no-undefined \
    -o "$T_TMP/hostsym.so" "$T_TMP/hostsym.c"
has "... the linker names the symbol" "undefined reference to .?xmalloc" "$T_TMP/out"

# --- the complete example of savoir-plugin(7) --------------------------------
# Cut from the installed page between its BEGIN/END comments, roff escapes
# undone: what a reader copies must build and work.
sed -n '/^\.\\" BEGIN memo\.c/,/^\.\\" END memo\.c/p' "${man7:-/dev/null}" |
    sed -e '/^\.\\"/d' -e '/^\.Bd/d' -e '/^\.Ed/d' -e 's/^\\&//' \
    -e 's/\\e/\\/g' >"$T_TMP/memo.c"
check "savoir-plugin(7) holds a complete example" \
    grep -q '^savoir_plugin_entry' "$T_TMP/memo.c"
# shellcheck disable=SC2086
check "... that builds with the line the page gives, -Werror" \
    cc -shared -fPIC $cflags -fvisibility=hidden -Wl,--no-undefined \
    -Wall -Wextra -Werror -o "$T_TMP/memo.so" "$T_TMP/memo.c"
mkdir -p "$T_TMP/man"
install -m 0755 "$T_TMP/memo.so" "$T_TMP/man/memo.so" 2>/dev/null
check "... and indexes the memos" "$SAVOIR" --plugins "$T_TMP/man" \
    --db "$T_TMP/man.db" index "$memos"
has "... the two with a title" ': 2 documents' "$T_TMP/out"
check "... so that search finds them" "$SAVOIR" --db "$T_TMP/man.db" \
    search 'dossier:travail quenouillard'
has "... by a word and the facet" 'travail/reunion' "$T_TMP/out"

# Both examples are named memo: the second one loaded is refused.
mkdir -p "$T_TMP/dup"
install -m 0755 "$T_TMP/memo.so" "$T_TMP/dup/a-memo.so" 2>/dev/null
install -m 0755 "$ex/minimal.so" "$T_TMP/dup/b-minimal.so" 2>/dev/null
fails "a second plugin of the same name is refused" 1 \
    "$SAVOIR" --plugins "$T_TMP/dup" plugins
has "... saying which one was there first" \
    'b-minimal\.so: a plugin named memo is already loaded from .*a-memo\.so' "$T_TMP/out"

finish
