#!/usr/bin/env bash
# grid.sh - « Analyser un partenariat », through the real savoird on the
# shipped corpus: www/grille.json says what the note says and savoird -n
# refuses a broken one; /grille shows the 8 criteria; a filled form gives a
# summary with the notes, links that resolve and the shipped cases' notes
# (read from their Markdown, not written here); bad parameters give a
# French 400; /grille/fiche.jsonl downloads a record that `savoir index
# --strict` takes, whose page then shows its grid; the cases' pages show
# theirs.  The checks themselves are in grid.py.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3

mkdir -p "$T_TMP/db" "$T_TMP/db2" "$T_TMP/state"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
read -r PS PH PS2 PH2 < <(free_ports 4)
conf() {
	cat <<CONF
[server]
listen = 127.0.0.1:$3
http_listen = 127.0.0.1:$1
workers = 1
$runas
state_dir = $T_TMP/state
db = $2
www = $www
[limits]
# Answers travel in the URL: room for a 10 kB comment to reach grid.c.
max_uri = 32768
max_header_size = 65536
CONF
}
conf "$PH" "$kb" "$PS" >"$T_TMP/savoir.conf"

# A broken grid stops savoird -n, naming the file.
cp -r "$www" "$T_TMP/www-bad"
"$PY" - "$T_TMP/www-bad/grille.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
g["criteres"][2]["echelle"].pop()
json.dump(g, open(sys.argv[1], "w"), ensure_ascii=False)
PY
sed "s|^www = .*|www = $T_TMP/www-bad|" "$T_TMP/savoir.conf" >"$T_TMP/bad.conf"
"$SAVOIRD" -n -c "$T_TMP/bad.conf" >"$T_TMP/n.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "grille.json: criterion 3 (ancrage): echelle" "$T_TMP/n.out"; then
	ok "savoird -n refuses a grille.json whose criterion lacks a note of the scale"
else
	not_ok "savoird -n refuses a broken grille.json (exit $rc)"; diag <"$T_TMP/n.out"
fi
printf '{"criteres": [' >"$T_TMP/www-bad/grille.json"
if ! "$SAVOIRD" -n -c "$T_TMP/bad.conf" >"$T_TMP/n.out" 2>&1 &&
    grep -q "grille.json:1:" "$T_TMP/n.out"; then
	ok "and one that is not JSON, with its line"
else
	not_ok "savoird -n refuses a grille.json that is not JSON"; diag <"$T_TMP/n.out"
fi
check "savoird -n accepts the shipped grid" "$SAVOIRD" -n -c "$T_TMP/savoir.conf"

daemon_run "$T_TMP/savoir.conf" "$PH"
pid2=""
trap 'kill -9 $pid $pid2 2>/dev/null; rm -rf "$T_TMP"' EXIT

# grid.py prints "ok - what" / "not ok - what" / "# detail": numbered here.
"$PY" "$top_srcdir/tests/integration/grid.py" "$base" "$top_srcdir" "$T_TMP" \
    >"$T_TMP/grid.out" 2>&1
rc=$?
script_tap <"$T_TMP/grid.out"
[ "$rc" -eq 0 ] || [ "$T_FAILED" -gt 0 ] || not_ok "grid.py ran to the end (exit $rc)"

# The downloaded records, indexed as they are into a scratch base.
"$SAVOIR" --db "$T_TMP/db2/kb.db" index --strict "$T_TMP/fiches" >"$T_TMP/i2.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "2 documents" "$T_TMP/i2.out"; then
	ok "savoir index --strict accepts the downloaded records"
else
	not_ok "savoir index --strict accepts the downloaded records (exit $rc)"; diag <"$T_TMP/i2.out"
fi
[ -n "$runas" ] && chmod -R a+rwX "$T_TMP/db2"
conf "$PH2" "$T_TMP/db2/kb.db" "$PS2" >"$T_TMP/savoir2.conf"
"$SAVOIRD" -f -c "$T_TMP/savoir2.conf" >"$T_TMP/savoird2.log" 2>&1 &
pid2=$!
log="$T_TMP/savoird2.log"
daemon_wait $pid2 "http://127.0.0.1:$PH2/healthz"
curl -s "http://127.0.0.1:$PH2/doc/partenariat/ex-ville-de-testville-commune-de-kaya" >"$T_TMP/fiche.html"
"$PY" - "$T_TMP/fiche.html" "$top_srcdir/www/grille.json" >"$T_TMP/f.out" <<'PY'
import html, json, re, sys
page = open(sys.argv[1]).read()
crits = json.load(open(sys.argv[2]))["criteres"]
m = re.search(r'id="titre-grille-doc".*?</table>', page, re.S)
rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="grille__valeur">'
                  r'(\d)/3</td><td>(.*?)</td>', m.group(0) if m else "")
want = [(c["titre"], str(i % 4), "Preuve <b>%s</b> & suite" % c["id"])
        for i, c in enumerate(crits)]
got = [tuple(html.unescape(x) for x in r) for r in rows]
print("ok" if got == want else "bad %s" % got)
PY
if [ "$(cat "$T_TMP/f.out")" = ok ]; then
	ok "the record's page shows its grid as a table, notes and comments"
else
	not_ok "the record's page shows its grid as a table"; diag <"$T_TMP/f.out"
fi

curl -s "$base/metrics" >"$T_TMP/metrics"
has "/metrics counts the grid's requests under their own route" \
	'savoir_http_requests_total\{route="/grille",status="400"\} [1-9]' "$T_TMP/metrics"
hasnt "no server error (5xx) in the access log" ' 5[0-9][0-9] [0-9]+ [0-9]+us$' "$T_TMP/savoird.log"
kill $pid $pid2 2>/dev/null
plan "$T_N"
finish
