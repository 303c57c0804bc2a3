#!/usr/bin/env bash
# charts.sh - « Partenariats » and « Chronologie du cadre juridique »
# through the real savoird on the shipped corpus plus one extra record from
# a country no map knows: one SVG map with a link per country, each link
# giving through /api/search as many results as the CSV has records, every
# chart with a table of the same numbers (counted from the CSV by
# charts.py), the unknown country listed under the map, no absolute URL;
# the timeline lists corpus/legal's laws and decisions in date order, each
# link answering 200.  Without www/carte/pays.json the page still answers,
# its numbers in the table.  The checks themselves are in charts.py.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3

mkdir -p "$T_TMP/db" "$T_TMP/state" "$T_TMP/extra"
kb="$T_TMP/db/kb.db"
# A partnership in a country of no map, counted by charts.py like the CSV.
cat >"$T_TMP/extra/atlantide.jsonl" <<'JSON'
{"id":"ex-testville-poseidonia","collectivite":"Ville de Testville","type_collectivite":"commune","partenaire":"Cité de Poseidonia","pays":"Atlantide","annee_debut":"2023","themes":["eau","tourisme"],"statut":"actif","description":"Exemple fictif pour les tests.","exemple":"oui","financeurs":["fonds propres"]}
JSON
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" "$T_TMP/extra" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
read -r PS PH < <(free_ports 2)
conf() {
	cat <<CONF
[server]
listen = 127.0.0.1:$PS
http_listen = 127.0.0.1:$PH
workers = 1
$runas
state_dir = $T_TMP/state
db = $kb
www = $1
CONF
}
conf "$www" >"$T_TMP/savoir.conf"
daemon_run "$T_TMP/savoir.conf" "$PH"

# charts.py prints "ok - what" / "not ok - what" / "# detail".
"$PY" "$top_srcdir/tests/integration/charts.py" "$base" "$top_srcdir" \
    "$T_TMP/extra/atlantide.jsonl" >"$T_TMP/charts.out" 2>&1
rc=$?
script_tap <"$T_TMP/charts.out"
[ "$rc" -eq 0 ] || [ "$T_FAILED" -gt 0 ] || not_ok "charts.py ran to the end (exit $rc)"

curl -s "$base/metrics" >"$T_TMP/metrics"
has "/metrics counts the pages under their own routes" \
	'savoir_http_requests_total\{route="/chronologie",status="200"\} [1-9]' "$T_TMP/metrics"
kill $pid 2>/dev/null
wait $pid 2>/dev/null

# Without the shapes, the page still answers, the numbers in its table.
cp -r "$www" "$T_TMP/www-nomap"
rm -f "$T_TMP/www-nomap/carte/pays.json"
[ -n "$runas" ] && chmod -R a+rwX "$T_TMP/www-nomap"
conf "$T_TMP/www-nomap" >"$T_TMP/nomap.conf"
"$SAVOIRD" -f -c "$T_TMP/nomap.conf" >"$T_TMP/savoird2.log" 2>&1 &
pid=$!
log="$T_TMP/savoird2.log"
daemon_wait $pid "$base/healthz"
code=$(curl -s -o "$T_TMP/nomap.html" -w '%{http_code}' "$base/partenariats")
if [ "$code" = 200 ] && grep -q "La carte n'est pas installée" "$T_TMP/nomap.html" &&
    grep -q '<caption>Partenariats par pays</caption>' "$T_TMP/nomap.html" &&
    ! grep -q '<svg class="map"' "$T_TMP/nomap.html"; then
	ok "without www/carte/pays.json the page answers, its table but no map"
else
	not_ok "without www/carte/pays.json the page answers (HTTP $code)"; head -c 2000 "$T_TMP/nomap.html" | diag
fi
has "and savoird says why in its log" 'world map: .*carte/pays.json' "$T_TMP/savoird2.log"
# www/carte/make-map.py on a made-up TopoJSON: French names from iso-codes, a
# ring across the antimeridian kept inside the map, not drawn across it.
if [ -f /usr/share/iso-codes/json/iso_3166-1.json ] &&
    [ -f /usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo ]; then
	cat >"$T_TMP/topo.json" <<'JSON'
{"type":"Topology","transform":{"scale":[1,1],"translate":[-180,-90]},
 "objects":{"countries":{"type":"GeometryCollection","geometries":[
  {"type":"Polygon","arcs":[[0]],"id":"686","properties":{"name":"Senegal"}},
  {"type":"Polygon","arcs":[[1]],"id":"242","properties":{"name":"Fiji"}},
  {"type":"Polygon","arcs":[[2]],"id":"010","properties":{"name":"Antarctica"}}]}},
 "arcs":[[[163,104],[3,0],[0,3],[-3,0],[0,-3]],
         [[358,72],[3,0],[-359,2],[-2,0],[358,-2]],
         [[0,5],[359,0],[0,3],[-359,0],[0,-3]]]}
JSON
	/usr/bin/python3 "$top_srcdir/www/carte/make-map.py" "$T_TMP/topo.json" 	    >"$T_TMP/pays.json" 2>"$T_TMP/make-map.err"
	"$PY" - "$T_TMP/pays.json" >"$T_TMP/make-map.out" 2>&1 <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
by = {c["iso"]: c for c in m["pays"]}
assert set(by) == {"SEN", "FJI"}, sorted(by)      # Antarctica left out
assert by["SEN"]["nom"] == "Sénégal", by["SEN"]["nom"]
assert by["FJI"]["nom"] == "Fidji", by["FJI"]["nom"]
for c in by.values():
    d = c["d"]
    assert re.fullmatch(r"[0-9Mlz .-]+", d), d
    x, y = map(float, re.match(r"M(-?[\d.]+) (-?[\d.]+)", d).group(1, 2))
    nums = [float(v) for v in re.findall(r"-?[\d.]+", d.split("l", 1)[1])]
    for dx, dy in zip(nums[::2], nums[1::2]):
        assert abs(dx) < 100, (c["iso"], dx)  # no line across the map
        x += dx
        assert -0.1 <= x <= m["largeur"] + 0.1, (c["iso"], x)
print("fine")
PY
	if [ "$(cat "$T_TMP/make-map.out")" = fine ]; then
		ok "www/carte/make-map.py: French names from iso-codes, no ring drawn across the antimeridian"
	else
		not_ok "www/carte/make-map.py on a made-up TopoJSON"; cat "$T_TMP/make-map.err" "$T_TMP/make-map.out" | diag
	fi
fi
hasnt "no server error (5xx) in the access logs" ' 5[0-9][0-9] [0-9]+ [0-9]+us$' "$T_TMP/savoird.log"
kill $pid 2>/dev/null
wait $pid 2>/dev/null
plan "$T_N"
finish
