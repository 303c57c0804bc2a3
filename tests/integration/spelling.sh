#!/usr/bin/env bash
# spelling.sh - search that forgives, through the real savoird on the
# shipped corpus: a word that matches nothing is searched corrected and the
# page says so (with a link to search it as typed), a name is only offered
# (« Vouliez-vous dire »), exact=1 searches as typed, the API carries
# corrected/suggestion, « Documents proches » is on document pages and at
# /api/similar/<id>, and laws and decisions named by number or date lead to
# the document that presents them.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
plan 23

mkdir -p "$T_TMP/db" "$T_TMP/state"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
daemon_start "$kb" '[search]' "synonyms = $top_srcdir/corpus/glossaire/synonymes.txt"

get() { curl -s "$base$1" >"$T_TMP/$2"; }
# jq-like: python3 - FILE EXPR prints eval(EXPR) on the JSON document d.
js() { "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T_TMP/$1" "$2"; }

get "/api/search?q=cooperasion%20decentralisee&limit=1" a1
is_() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
is_ "a word that matches nothing is searched corrected" \
	"$(js a1 'd.get("corrected")')" "coopération decentralisee"
is_ "the corrected search finds the glossary entry first" \
	"$(js a1 'd["hits"][0]["id"]')" "glossaire/cooperation-decentralisee"
get "/api/search?q=cooperasion&exact=1" a2
is_ "exact=1 searches the words as typed" \
	"$(js a2 'str(d.get("corrected")) + " " + str(d["total"])')" "None 0"
get "/api/search?q=jumelage%20Senegl&limit=1" a3
is_ "a capitalised word (a name) is offered, not searched instead" \
	"$(js a3 'str(d.get("corrected")) + " | " + str(d.get("suggestion"))')" \
	"None | jumelage Sénégal"
get "/api/search?q=jumelage%20senegal&limit=1" a4
is_ "words that match are left alone" \
	"$(js a4 'str(d.get("corrected")) + " " + str(d.get("suggestion"))')" "None None"
get "/api/search?q=I%27action%20exterieure%20des%20collectivites&limit=1" a5
is_ "I' read by a scanner for l' is an elision" \
	"$(js a5 'd["hits"][0]["id"]')" "glossaire/daect"

get "/recherche?q=cooperasion" p1
has "the page titles the results with the correction" \
	'<h1 class="page-title">Résultats pour « coopération »</h1>' "$T_TMP/p1"
has "and links to searching the words as typed" \
	'href="/recherche\?q=cooperasion&amp;exact=1">Rechercher « cooperasion » tel quel' "$T_TMP/p1"
get "/recherche?q=cooperasion&exact=1" p2
has "that link searches as typed" 'Aucun résultat' "$T_TMP/p2"
get "/recherche?q=jumelage%20Senegl&type=cas" p3
has "« Vouliez-vous dire » links the correction, filters kept" \
	'Vouliez-vous dire : <a class="spelling__suggestion" href="/recherche\?q=jumelage%20S%C3%A9n%C3%A9gal&amp;type=cas">jumelage Sénégal</a>' \
	"$T_TMP/p3"
get "/recherche?q=%3Cscript%3Ecooperasion" p4
hasnt "what was typed is escaped in the spelling lines" '<script>' "$T_TMP/p4"

get "/api/similar/cas/chambery-ouahigouya" s1
is_ "/api/similar lists five documents, never the document itself" \
	"$(js s1 'str(len(d["similar"])) + " " + str(any(x["id"] == d["id"] for x in d["similar"]))')" "5 False"
is_ "the first similar documents of a case are cases or notes" \
	"$(js s1 'all(x["type"] in ("cas", "note") for x in d["similar"][:3])')" "True"
code=$(curl -s -o "$T_TMP/s2" -w '%{http_code}' "$base/api/similar/nope/nope")
is_ "/api/similar of an unknown id: 404 in JSON" \
	"$code $(js s2 'd["error"]["code"]')" "404 not_found"
get "/doc/cgct/L1115-1" d1
has "a document page shows « Documents proches »" \
	'<h2 id="titre-proches">Documents proches</h2>' "$T_TMP/d1"
get "/api/doc/cgct/L1115-1" d2
is_ "/api/doc carries the similar documents" "$(js d2 'len(d["similar"])')" "5"

# Suggestions as people type: a misspelled beginning still gets some.
get "/api/suggest?q=cooperasi" g1
is_ "/api/suggest completes the likely word of a misspelled beginning" \
	"$(js g1 'str(d.get("corrected")) + " " + str(len(d["suggestions"]) > 0)')" \
	"coopération True"
get "/api/suggest?q=coop" g2
is_ "and says nothing of corrections when what was typed completes" \
	"$(js g2 'str(d.get("corrected")) + " " + d["suggestions"][0]["text"]')" \
	"None coopération"

# Laws and decisions: the document that presents the text comes first,
# however the reference is written, and lists who cites it.
for q in "loi n° 2014-773" "loi 2014-773" "loi du 7 juillet 2014"; do
	curl -s -G --data-urlencode "q=$q" "$base/api/search" >"$T_TMP/r"
	is_ "« $q » finds the LOP-DSI fiche first" \
		"$(js r 'd["hits"][0]["id"]')" "legal/loi-2014-lop-dsi"
done
curl -s -G --data-urlencode "q=CE, 13 mai 2024, n° 472155" "$base/api/search" >"$T_TMP/r"
is_ "a Conseil d'État decision by its number" "$(js r 'd["hits"][0]["id"]')" \
	"legal/ce-2024-sos-mediterranee"
get "/api/doc/legal/loi-2014-lop-dsi" r1
get "/api/doc/notes/02-cadre-juridique/01-les-etapes-legislatives" r2
is_ "a note citing the law is in the law's « Cité par », the law in its links" \
	"$(js r1 'any(x["id"] == "notes/02-cadre-juridique/01-les-etapes-legislatives" for x in d["cited_by"])') $(js r2 'any(x["id"] == "legal/loi-2014-lop-dsi" and x["exists"] for x in d["links"]) and not any(x["id"].startswith("ref:") for x in d["links"])')" \
	"True True"

kill $pid 2>/dev/null
finish
