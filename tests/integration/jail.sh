#!/usr/bin/env bash
# jail.sh - hostile plugins against the extractor's jail and the parent's
# checks, through the real savoir command: HTML written straight onto the
# result pipe comes out sanitized; a plugin that opens a socket, writes a
# file, runs a shell or reads a file outside its input is stopped, and the
# other files of the same run are indexed.  Each attack's error message
# shows it was tried and what refused it.
. "$(dirname "$0")/lib.sh"
plan 30

: "${SAVOIR_TEST_PLUGINS:=$top_builddir/tests/plugins/.libs}"
plugins="$T_TMP/plugins"
mkdir -p "$plugins"
for p in good hostile_html hostile_net hostile_write hostile_exec hostile_read; do
	cp "$SAVOIR_TEST_PLUGINS/$p.so" "$plugins/"
done
chmod 755 "$plugins"
chmod 644 "$plugins"/*.so
export SAVOIR_PLUGINS="$plugins"

kb="$T_TMP/kb.db"
tree="$T_TMP/tree"
mkdir -p "$tree"
sv() { "$SAVOIR" --db "$kb" "$@"; }

# Outside the tree: what the plugins must not reach.
secret="$T_TMP/shadow"
echo 'root:motdepassesecretissime:19000:0:99999:7:::' >"$secret"
chmod 600 "$secret"
pwned="$T_TMP/pwned"
pwned_exec="$T_TMP/pwned-exec"

printf 'une ligne sage\nune autre ligne\n' >"$tree/sage.good"
echo 'x' >"$tree/page.hhtml"
for bad in id type facet link len; do
	echo "$bad" >"$tree/bad-$bad.hhtml"
done
echo 9 >"$tree/reseau.hnet"
echo "$pwned" >"$tree/ecrit.hwrite"
echo "$pwned_exec" >"$tree/shell.hexec"
echo "$secret" >"$tree/lit.hread"

# The attacks would work without the jail: the user can do all of this.
check "the secret is readable by this user" test -r "$secret"
check "the place of the marker file is writable" touch "$pwned.probe"

sv index "$tree" >"$T_TMP/index" 2>&1
cat "$T_TMP/index" >"$T_TMP/out"
has "the run indexes the good file" '^indexed .*' "$T_TMP/out"
check "the good file's documents are there" sv doc good/1
check "the hostile HTML document is stored" sv doc page

# --- records written straight onto the pipe ---
sv doc --html page >"$T_TMP/html" 2>&1
has "the sane part of the HTML is kept" 'Texte sain' "$T_TMP/html"
hasnt "no script element" '<(script|svg|iframe)' "$T_TMP/html"
hasnt "no on* attribute" '[[:space:]]on[a-z]+=' "$T_TMP/html"
hasnt "no javascript: URL" '[jJ][aA][vV][aA][sS][cC][rR][iI][pP][tT]:' "$T_TMP/html"
hasnt "no style attribute" 'style=' "$T_TMP/html"
sv doc --json page >"$T_TMP/json" 2>&1
check "the bad UTF-8 and control bytes are repaired" python3 -c '
import json,sys
raw=open(sys.argv[1],"rb").read(); d=json.loads(raw.decode("utf-8"))
t=json.dumps(d, ensure_ascii=False)
assert "\ufffd" in d["title"], d["title"]
assert not any(ord(c) < 0x20 and c not in "\t\n" for c in d["text"] + d["title"] + d["html"]), d' "$T_TMP/json"
has "the repair is reported" 'replaced by the indexer' "$T_TMP/index"
has "an id with '..' is refused by the parent" 'bad-id.hhtml: plugin hostile_html: garbled output \(a malformed record\)' "$T_TMP/index"
has "an undeclared type is refused by the parent" 'bad-type.hhtml: plugin hostile_html: garbled output \(a malformed record\)' "$T_TMP/index"
has "a bad facet key is refused by the parent" 'bad-facet.hhtml: plugin hostile_html: garbled output \(a malformed record\)' "$T_TMP/index"
has "a bad link target is refused by the parent" 'bad-link.hhtml: plugin hostile_html: garbled output \(a malformed record\)' "$T_TMP/index"
has "an oversized length is refused by the parent" 'bad-len.hhtml: plugin hostile_html: garbled output \(an oversized record\)' "$T_TMP/index"
fails "nothing from a refused stream" 1 sv doc bad-facet

# --- the jail ---
# seccomp refuses the socket; without it (sanitizer builds) Landlock ABI 4
# refuses the connect.
has "the socket was tried and refused" 'hostile_net: (socket: Operation not permitted|connect: Permission denied)' "$T_TMP/index"
fails "nothing from the socket plugin" 1 sv doc reseau
has "the file write was tried and refused" 'hostile_write: open for writing: (Operation not permitted|Permission denied)' "$T_TMP/index"
check "no file was written" test ! -e "$pwned"
has "running a shell kills the child" 'hostile_exec: (killed by signal 31|exec /bin/sh: (Permission denied|Operation not permitted))' "$T_TMP/index"
check "the shell wrote nothing" test ! -e "$pwned_exec"
if grep -q 'no Landlock in this kernel' "$T_TMP/index"; then
	ok "# SKIP no Landlock: reading outside the input is not confined"
else
	has "reading outside the input was tried and refused" 'hostile_read: open for reading: Permission denied' "$T_TMP/index"
fi
sv search motdepassesecretissime >"$T_TMP/s" 2>&1
hasnt "the secret is not in the index" 'lit|motdepasse' "$T_TMP/s"
fails "nothing from the reading plugin" 1 sv doc lit

# --- a second run goes on the same way ---
sv index "$tree" >"$T_TMP/index2" 2>&1
has "the second run reports the same failures" 'hostile_net: (socket|connect): ' "$T_TMP/index2"
check "the good file is still there" sv doc good/1
check "still no file written" test ! -e "$pwned"

finish
