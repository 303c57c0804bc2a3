#!/usr/bin/env bash
# cli.sh - the savoir command end to end on a small corpus: indexing,
# incremental runs, bad input, search, doc, stats, check, plugins, crash
# safety.
. "$(dirname "$0")/lib.sh"
plan 71

mini="$top_srcdir/tests/data/mini"
kb="$T_TMP/kb.db"
tree="$T_TMP/tree"
cp -r "$mini" "$tree"
sv() { "$SAVOIR" --db "$kb" "$@"; }

# --- a first run ---
check "index a tree" sv index "$tree"
has "summary line counts files and documents" '^indexed 4 files \(4 read.*: 5 documents' "$T_TMP/out"
check "index passes check" sv check
has "check says ok" 'ok \(schema 3' "$T_TMP/out"

# --- search ---
check "search runs" sv search 'collectivite "action exterieure" -jumelage type:note'
has "search finds the note" 'notes/cooperation' "$T_TMP/out"
hasnt "exclusion drops the jumelage note" 'notes/jumelage' "$T_TMP/out"
hasnt "type:note drops the case study" 'cas/exemple' "$T_TMP/out"
has "matched words are marked" '\[(collectivités|action)\]' "$T_TMP/out"
sv search --json 'collectivités' >"$T_TMP/json" 2>/dev/null
check "--json output is valid JSON with hits" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["total"]>=3, d; assert all("snippet" in h for h in d["hits"])' "$T_TMP/json"
sv search --json 'L. 1115-5' >"$T_TMP/art" 2>/dev/null
check "an article reference ranks its article first" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["hits"][0]["id"]=="cgct/L1115-5", d["hits"][:2]' "$T_TMP/art"
sv search --json 'script alert' >"$T_TMP/xss" 2>/dev/null
has "snippets escape HTML" '&lt;(<mark>)?script(</mark>)?&gt;' "$T_TMP/xss"
hasnt "no raw script tag in snippets" '<script>' "$T_TMP/xss"
check "a query with FTS5 syntax does not fail" sv search 'NEAR( "a" OR ) ^* col:x "'

# --- doc, stats, plugins ---
check "doc shows an article" sv doc cgct/L1115-1
has "doc lists what cites the article" 'Cité par' "$T_TMP/out"
fails "doc of an unknown id exits 1" 1 sv doc nope/nope
check "stats" sv stats
has "stats counts per type" 'Articles de loi +2' "$T_TMP/out"
check "plugins lists the plugins" "$SAVOIR" plugins
has "plugins shows notes and legal" 'legal .*ABI 1' "$T_TMP/out"

# --- incremental runs ---
check "second run" sv index "$tree"
has "nothing re-read when nothing changed" '\(0 read, 4 unchanged' "$T_TMP/out"
touch -d '2030-01-01' "$tree/notes/jumelage.md"
check "touched file" sv index "$tree"
has "a touched but identical file is not re-extracted" '\(0 read, 4 unchanged' "$T_TMP/out"
sed -i 's/première forme/toute première forme, dite zwiebelkuchen,/' "$tree/notes/jumelage.md"
check "changed file" sv index "$tree"
has "only the changed file is re-read" '\(1 read, 3 unchanged' "$T_TMP/out"
sv search zwiebelkuchen >"$T_TMP/s" 2>&1
has "the change is searchable" 'notes/jumelage' "$T_TMP/s"
rm "$tree/cas/exemple.md"
check "removed file" sv index "$tree"
has "a deleted file's documents are removed" '1 removed' "$T_TMP/out"
fails "its document is gone" 1 sv doc cas/exemple

# --- bad input: reported with path and reason, the rest indexed ---
printf -- '---\ntitle: "x\ntype: note\n---\ntexte\n' >"$tree/notes/broken.md"
: >"$tree/notes/empty.md"
printf -- '---\ntitle: caf\xe9\ntype: note\nsources: [x]\n---\ncaf\xe9\n' >"$tree/notes/latin1.md"
echo hello >"$tree/notes/unknown.xyz"
truncate -s 200M "$tree/notes/huge.md"
fails "bad files fail --strict" 1 sv index --strict "$tree"
has "a front-matter error names the file" 'notes/broken.md: .*line' "$T_TMP/out"
has "an empty file is reported" 'notes/empty.md: .*empty' "$T_TMP/out"
has "invalid UTF-8 is reported" 'notes/latin1.md: .*UTF-8' "$T_TMP/out"
has "a 200 MB file is refused by size" 'notes/huge.md: .*too large' "$T_TMP/out"
has "a file no plugin claims is reported" 'notes/unknown.xyz: .*plugin' "$T_TMP/out"

# --- databases that are not Savoir indexes are never touched ---
echo "not a database" >"$T_TMP/text.db"
fails "a text file is not an index" 2 "$SAVOIR" --db "$T_TMP/text.db" stats
has "it says why" 'not a Savoir index' "$T_TMP/out"
sqlite3 "$T_TMP/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (42);'
fails "another SQLite database is refused" 2 "$SAVOIR" --db "$T_TMP/other.db" index "$tree"
has "it names the application id" 'not a Savoir index \(application_id' "$T_TMP/out"
check "and is left as it was" test "$(sqlite3 "$T_TMP/other.db" 'SELECT x FROM t')" = 42
cp "$kb" "$T_TMP/newer.db"
sqlite3 "$T_TMP/newer.db" 'PRAGMA user_version = 99'
fails "an index from a newer Savoir is refused" 2 "$SAVOIR" --db "$T_TMP/newer.db" index "$tree"
has "it says to upgrade" 'newer Savoir' "$T_TMP/out"

# --- export and import: the base as one file, carried elsewhere ---
exp="$T_TMP/carried.db"
check "export writes one file" sv export "$exp"
has "export counts the documents" '^exported [0-9]+ documents to' "$T_TMP/out"
check "the exported file is not in WAL mode (one self-contained file)" \
    test "$(sqlite3 "$exp" 'PRAGMA journal_mode')" = delete
check "no -wal or -shm beside it" test ! -e "$exp-wal" -a ! -e "$exp-shm"
fails "export refuses to overwrite without --force" 2 sv export "$exp"
fails "export refuses to write onto the index itself" 2 sv export "$kb"
dst="$T_TMP/elsewhere.db"
check "import into a new index" "$SAVOIR" --db "$dst" import "$exp"
check "the imported index passes check" "$SAVOIR" --db "$dst" check
"$SAVOIR" --db "$dst" search --json collectivités >"$T_TMP/imp.json" 2>/dev/null
sv search --json collectivités >"$T_TMP/orig.json" 2>/dev/null
check "it answers searches as the original does" python3 -c '
import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["total"] == b["total"] > 0 and [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]], (a["total"], b["total"])' \
    "$T_TMP/imp.json" "$T_TMP/orig.json"
fails "import refuses to replace documents without --force" 2 \
    "$SAVOIR" --db "$dst" import "$exp"
cp "$exp" "$T_TMP/damaged.db"
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(8192); f.write(b"\xff" * 8192)' "$T_TMP/damaged.db"
fails "a damaged file is refused" 2 "$SAVOIR" --db "$dst" import --force "$T_TMP/damaged.db"
has "with the reason" 'does not pass savoir check|not a Savoir index|malformed' "$T_TMP/out"
check "and the index it was to replace is intact" "$SAVOIR" --db "$dst" check
fails "a file that is not an index is refused" 2 \
    "$SAVOIR" --db "$dst" import --force "$mini/notes/jumelage.md"
check "no temporary file is left behind" test -z "$(ls "$T_TMP" | grep '\.part-')"

# --- the same id from two files: the course's fiche and the official text ---
both="$T_TMP/both"
mkdir -p "$both/fiches" "$both/officiel"
cp "$mini/legal/cgct.txt" "$both/fiches/"
python3 - "$top_srcdir/plugins/legi/tests/data/mini-code.json" "$both/officiel/cgct.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["data"]["cid"] = d["data"]["id"] = "LEGITEXT000006070633"
d["data"]["title"] = "Code général des collectivités territoriales"
def first_article(n):
    if n.get("type") == "article":
        return n
    for c in n.get("children", []):
        a = first_article(c)
        if a is not None:
            return a
first_article(d)["data"]["num"] = "L1115-1"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF
check "a fiche and the official text of the same article index together" \
    "$SAVOIR" --db "$T_TMP/both.db" index "$both"
has "... the second one named id@plugin, and said so" 'document id cgct/L1115-1 is already defined by another file: this one is cgct/L1115-1@legi' "$T_TMP/out"
"$SAVOIR" --db "$T_TMP/both.db" search --json L1115-1 >"$T_TMP/both.json" 2>/dev/null
check "a search for the article finds both, first" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(h["id"] for h in d["hits"][:2]) == ["cgct/L1115-1", "cgct/L1115-1@legi"], d["hits"][:3]' "$T_TMP/both.json"
check "indexing again reads nothing" "$SAVOIR" --db "$T_TMP/both.db" index "$both"
has "... and keeps both documents" '\(0 read, 2 unchanged' "$T_TMP/out"
check "... both still there" "$SAVOIR" --db "$T_TMP/both.db" doc 'cgct/L1115-1@legi'

# --- kill -9 in the middle of indexing leaves a sound index ---
big="$T_TMP/big"
mkdir -p "$big"
for i in $(seq 1 1500); do
	printf -- '---\ntitle: "Note %d"\ntype: note\nsources:\n  - titre: test\n---\n\nLa collectivité numéro %d coopère.\n' "$i" "$i" >"$big/n$i.md"
done
"$SAVOIR" --db "$T_TMP/big.db" index --quiet "$big" >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "the killed index passes check" "$SAVOIR" --db "$T_TMP/big.db" check
check "indexing resumes" "$SAVOIR" --db "$T_TMP/big.db" index "$big"
has "and finishes with every document" '1500 documents|: [0-9]+ documents' "$T_TMP/out"
n=$(sqlite3 "$T_TMP/big.db" 'SELECT count(*) FROM docs')
check "all 1500 documents are there" test "$n" = 1500

# --- the tokenizer as a loadable extension for the sqlite3 shell ---
check "sqlite3 can query an index with the extension" sqlite3 "$kb" \
    ".load $top_builddir/.libs/savoir_fr" \
    "SELECT count(*) FROM fts WHERE fts MATCH 'collectivite'"
has "and finds the documents" '^[1-9]' "$T_TMP/out"

finish
