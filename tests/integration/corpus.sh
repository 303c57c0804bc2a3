#!/usr/bin/env bash
# corpus.sh - the shipped course library indexes cleanly (--strict), every
# document has a title, a type and its sources, every internal link and
# cited article resolves, and a few searches give the expected first hit.
. "$(dirname "$0")/lib.sh"
plan 38

kb="$T_TMP/corpus.db"
sv() { "$SAVOIR" --db "$kb" "$@"; }
q() { sqlite3 -batch -noheader "$kb" ".load $top_builddir/.libs/savoir_fr" "$1"; }

check "corpus/ indexes with --strict" sv index --strict "$top_srcdir/corpus"
grep -E '^savoir: ' "$T_TMP/out" | head -20 | diag
check "the index passes check" sv check

q "SELECT d.id FROM docs d WHERE d.title = '' OR d.type = ''" >"$T_TMP/untitled"
check "every document has a title and a type" test ! -s "$T_TMP/untitled"
q "SELECT id FROM docs WHERE type <> 'partenariat' AND NOT EXISTS
   (SELECT 1 FROM json_each(docs.meta) WHERE json_extract(value, '\$[0]') = 'source')" >"$T_TMP/nosrc"
check "every document names its sources" test ! -s "$T_TMP/nosrc"
diag <"$T_TMP/nosrc"
# ... and each source gives an address a reader can follow (issue 15: a
# reference library must be right, and say where it took what it says).
q "SELECT id FROM docs WHERE type <> 'partenariat' AND NOT EXISTS
   (SELECT 1 FROM json_each(docs.meta) WHERE json_extract(value, '\$[0]') = 'source'
    AND json_extract(value, '\$[2]') GLOB '*http*://*')" >"$T_TMP/noaddr"
check "every document's sources give at least one address" test ! -s "$T_TMP/noaddr"
diag <"$T_TMP/noaddr"
# Partnership rows: a real one has its source, a made-up one says so (flag
# and "ex-" id).
q "SELECT d.id FROM docs d WHERE d.type = 'partenariat' AND (
     (SELECT json_extract(value, '\$[2]') FROM json_each(d.meta)
      WHERE json_extract(value, '\$[0]') = 'exemple') IS NOT 'oui'
     AND NOT EXISTS (SELECT 1 FROM json_each(d.meta)
      WHERE json_extract(value, '\$[0]') = 'source'
      AND json_extract(value, '\$[2]') GLOB 'http*://?*'))" >"$T_TMP/realnosrc"
check "every real partnership row has a source address" test ! -s "$T_TMP/realnosrc"
diag <"$T_TMP/realnosrc"
q "SELECT d.id FROM docs d WHERE d.type = 'partenariat' AND
     ((d.id GLOB 'partenariat/ex-*') <> ((SELECT json_extract(value, '\$[2]')
      FROM json_each(d.meta) WHERE json_extract(value, '\$[0]') = 'exemple') IS 'oui'))" >"$T_TMP/flags"
check "every made-up partnership row is flagged, and only those" test ! -s "$T_TMP/flags"
diag <"$T_TMP/flags"
q "SELECT count(*) FROM docs WHERE type = 'partenariat' AND id GLOB 'partenariat/ex-*'" >"$T_TMP/nex"
check "the shipped rows hold made-up examples too (the checks above see both)" test "$(cat "$T_TMP/nex")" -gt 0
q "SELECT d.id || ' -> ' || l.target FROM links l JOIN docs d ON d.rowid = l.src
   WHERE l.target NOT IN (SELECT id FROM docs) AND l.target NOT GLOB 'ref:*'" >"$T_TMP/broken"
check "every internal link and cited article resolves" test ! -s "$T_TMP/broken"
diag <"$T_TMP/broken"

# Documents and words per kind (prose: the body column, partnership rows apart).
q "SELECT d.type, count(*), sum(length(trim(f.body)) - length(replace(trim(f.body), ' ', '')) + 1)
   FROM docs d JOIN fts f ON f.rowid = d.rowid GROUP BY d.type ORDER BY d.type" >"$T_TMP/kinds"
echo "# documents and words per kind:"
diag <"$T_TMP/kinds"
docs=$(awk -F'|' '$1 != "partenariat" { n += $2 } END { print n + 0 }' "$T_TMP/kinds")
words=$(awk -F'|' '$1 != "partenariat" { n += $3 } END { print n + 0 }' "$T_TMP/kinds")
echo "# total: $docs documents, $words words of prose"
check "at least 45 documents (besides partnership rows)" test "$docs" -ge 45
check "at least 60,000 words of prose" test "$words" -ge 60000
check "every kind of material is there" test "$(awk -F'|' '$1 ~ /^(note|cas|fiche|article|glossaire)$/' "$T_TMP/kinds" | wc -l)" -eq 5

# The synonyms the server is configured with (./dev serve, the package).
syn="$top_srcdir/corpus/glossaire/synonymes.txt"
check "the synonyms file is accepted" sv search --synonyms "$syn" AECT
has "... and widens an acronym to its expansions" 'AECT » est aussi cherché sous : « action extérieure des collectivités territoriales »' "$T_TMP/out"
n_plain=$(sv search --json AECT 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
n_syn=$(sv search --json --synonyms "$syn" AECT 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "... which finds documents that only write it out ($n_plain -> $n_syn)" test "${n_syn:-0}" -gt "${n_plain:-0}"
# Without --synonyms, the CLI takes the configuration's, as savoird does.
printf '[server]\nlisten = 127.0.0.1:1\n[search]\nsynonyms = %s\n' "$syn" >"$T_TMP/conf"
check "savoir search takes the configuration's [search] synonyms (\$SAVOIR_CONF)" \
    env SAVOIR_CONF="$T_TMP/conf" "$SAVOIR" --db "$kb" search AECT
has "... and says so" 'AECT » est aussi cherché sous' "$T_TMP/out"
check "... or --config's; --synonyms '' searches without" \
    "$SAVOIR" --db "$kb" --config "$T_TMP/conf" search --synonyms '' AECT
hasnt "... (no synonyms then)" 'est aussi cherché sous' "$T_TMP/out"
fails "a configuration that cannot be read is an error" 2 \
    "$SAVOIR" --db "$kb" --config "$T_TMP/absent.conf" search AECT
has "... that names it" "absent.conf: cannot read" "$T_TMP/out"
# "-PATH" (the package's configuration): used when there, quiet when not.
printf '[search]\nsynonyms = -%s\n' "$syn" >"$T_TMP/conf-opt"
check "[search] synonyms = -PATH takes the file when it is there" \
    "$SAVOIR" --db "$kb" --config "$T_TMP/conf-opt" search AECT
has "... and says so" 'AECT » est aussi cherché sous' "$T_TMP/out"
printf '[search]\nsynonyms = %s/absent.txt\n' "$T_TMP" >"$T_TMP/conf-abs"
check "a synonyms file that is not there: searching without" \
    "$SAVOIR" --db "$kb" --config "$T_TMP/conf-abs" search AECT
has "... with a warning" 'absent.txt does not exist' "$T_TMP/out"
printf '[search]\nsynonyms = -%s/absent.txt\n' "$T_TMP" >"$T_TMP/conf-abs"
check "... and no warning when its path starts with '-'" \
    "$SAVOIR" --db "$kb" --config "$T_TMP/conf-abs" search AECT
hasnt "... (none)" 'synonyms|does not exist|est aussi cherché' "$T_TMP/out"
check "every synonym group names something the library contains" python3 - "$syn" "$SAVOIR" "$kb" <<'PYEOF'
import json, subprocess, sys
syn, savoir, kb = sys.argv[1:4]
missing = []
for line in open(syn, encoding="utf-8"):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    terms = [t.strip() for t in line.split(",")]
    found = False
    for t in terms:
        out = subprocess.run([savoir, "--db", kb, "search", "--json", '"%s"' % t.replace('"', "")],
                             capture_output=True, text=True).stdout
        if json.loads(out)["total"] > 0:
            found = True
            break
    if not found:
        missing.append(terms[0])
if missing:
    print("# no document holds any term of:", ", ".join(missing))
    sys.exit(1)
PYEOF

# first "query" id [n]: the expected hit is among the first n (default 1),
# searched as the server searches (with the synonyms).
first() {
	local got n=${3:-1}
	got=$(sv search --json --limit "$n" --synonyms "$syn" "$1" 2>/dev/null | python3 -c 'import json,sys; print(" ".join(h["id"] for h in json.load(sys.stdin)["hits"]))')
	case " $got " in
	*" $2 "*) ok "'$1' finds $2 in the first $n" ;;
	*) not_ok "'$1' finds $2 in the first $n (got '$got')" ;;
	esac
}
first '1 % eau' legal/loi-2005-oudin-santini
first 'L1115-5' cgct/L1115-5
first 'L. 1115-1' cgct/L1115-1
first 'article L1115-4-2 du CGCT' cgct/L1115-4-2
first 'SOS Méditerranée' legal/ce-2024-sos-mediterranee
first 'Chambéry Ouahigouya' cas/chambery-ouahigouya
first 'grille d’analyse' notes/07-grille-analyse/01-la-grille-d-analyse 2
first 'loi Thiollière' legal/loi-2007-thiolliere
first 'aide publique au développement' glossaire/apd
first 'DAECT' glossaire/daect

finish
