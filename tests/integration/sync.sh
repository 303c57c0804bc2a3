#!/usr/bin/env bash
# sync.sh - savoir sync between two real savoird on loopback, each on its own
# base: a first sync, then documents added, changed and deleted on A and
# brought to B; the same documents (ids and hashes) and the same search
# results on both; a sync killed after its first page resumes to the same
# end; a wrong pin, an unknown CA and plain http to a remote address are
# refused with nothing applied; a local document keeps its id against a
# synced one; a rebuilt index on A (new epoch) is synced whole again and
# what it no longer has goes; B's document page and facets name the origin.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl openssl python3 sqlite3

plan 62

tree="$T_TMP/tree"
cp -r "$top_srcdir/tests/data/mini" "$tree"
mkdir -p "$T_TMP/a" "$T_TMP/b" "$T_TMP/c"
A="$T_TMP/a/kb.db"
B="$T_TMP/b/kb.db"
"$SAVOIR" --db "$A" index "$tree" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index $tree"; cat "$T_TMP/index.out"; exit 1; }

runas_setup
test_cert
read -r PA PB PC < <(free_ports 3)

# start_daemon NAME PORT DB: savoird serving DB; sets pid_NAME.
start_daemon() {
	local name=$1 port=$2 db=$3
	shift 3
	cat >"$T_TMP/$name.conf" <<EOF
[server]
listen = 127.0.0.1:$port
workers = 2
$runas
state_dir = $T_TMP/state-$name
db = $db
www = $www
log_level = info

[tls]
cert = $T_TMP/test.crt
key = $T_TMP/test.key
EOF
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$T_TMP/$name.conf"
	log="$T_TMP/$name.log"
	"$SAVOIRD" -f -c "$T_TMP/$name.conf" >"$log" 2>&1 &
	eval "pid_$name=$!"
	daemon_wait $! "https://127.0.0.1:$port/healthz" 10
}
pid_a=""
pid_b=""
pid_c=""
trap 'kill -9 $pid_a $pid_b $pid_c 2>/dev/null; rm -rf "$T_TMP"' EXIT
start_daemon a "$PA" "$A"
U="https://127.0.0.1:$PA"

# --- the pin ------------------------------------------------------------------
pin=$(sed -n 's/.*public key pin: //p' "$T_TMP/a.log" | head -1)
want=sha256//$(openssl x509 -in "$T_TMP/test.crt" -pubkey -noout |
	openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
is_pin() { [ -n "$pin" ] && [ "$pin" = "$want" ]; }
check "savoird logs its public key pin, the certificate key's SHA-256 ($want)" is_pin
"$SAVOIRD" -n -c "$T_TMP/a.conf" >"$T_TMP/n.out" 2>&1
has "savoird -n prints the same pin" "public key pin: ${want//+/\\+}" "$T_TMP/n.out"

ndocs() { sqlite3 "$1" "SELECT count(*) FROM docs" 2>/dev/null || echo none; }
sync_b() { "$SAVOIR" --db "$B" sync "$@" >"$T_TMP/sync.out" 2>"$T_TMP/sync.err"; }

# --- refusals: nothing applied --------------------------------------------------
bad=sha256//$(printf 'not the key' | openssl dgst -sha256 -binary | base64)
fails "a wrong pin is refused (exit 1)" 1 sync_b "$U" --pin "$bad"
has "... saying the key does not match the pin" "does not match the pin" "$T_TMP/sync.err"
is_zero() { [ ! -e "$B" ]; }
check "... and nothing is applied (no index made)" is_zero
fails "an unknown CA is refused (exit 1)" 1 sync_b "$U"
has "... saying the certificate cannot be verified" "cannot verify the server's certificate" "$T_TMP/sync.err"
check "... and nothing is applied (no index made)" is_zero
fails "a wrong pin is refused even with the right CA" 1 sync_b "$U" --ca "$T_TMP/test.crt" --pin "$bad"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=other -keyout "$T_TMP/other.key" -out "$T_TMP/other.crt" >/dev/null 2>&1
fails "another CA than the server's is refused" 1 sync_b "$U" --ca "$T_TMP/other.crt"
fails "plain http to a non-loopback address is refused" 2 sync_b "http://192.0.2.1:$PA"
fails "a malformed pin is a usage error" 2 sync_b "$U" --pin "sha256//short"
fails "a list of pins without the right one is refused" 1 sync_b "$U" --pin "$bad;$bad"

# --- a first sync, killed after its first page, resumed ---------------------------
same_docs() {
	sqlite3 "$A" "SELECT id, hash FROM docs ORDER BY id" >"$T_TMP/a.ids"
	sqlite3 "$1" "SELECT d.id, d.hash FROM docs d JOIN sources s ON s.id = d.source WHERE s.plugin = 'savoir-sync' ORDER BY d.id" >"$T_TMP/b.ids"
	[ -s "$T_TMP/a.ids" ] && cmp -s "$T_TMP/a.ids" "$T_TMP/b.ids"
}
queries="collectivités
jumelage
coopération décentralisée
L1115-1
action extérieure"
same_search() {
	local q
	while read -r q; do
		"$SAVOIR" --db "$A" search --json "$q" | "$PY" -c '
import json, sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])' >"$T_TMP/qa"
		"$SAVOIR" --db "$1" search --json "$q" | "$PY" -c '
import json, sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])' >"$T_TMP/qb"
		cmp -s "$T_TMP/qa" "$T_TMP/qb" || { diag <"$T_TMP/qa"; diag <"$T_TMP/qb"; return 1; }
		grep -q "'" "$T_TMP/qa" || { echo "no hit for $q" | diag; return 1; }
	done <<<"$queries${2:+
$2}"
}

"$SAVOIR" --db "$A" export "$T_TMP/a-old.db" >/dev/null 2>&1
SAVOIR_SYNC_PAGE=2 SAVOIR_SYNC_KILL_AFTER=1 "$SAVOIR" --db "$B" sync "$U" \
	--pin "$pin" >/dev/null 2>&1
st=$?
is_partial() { [ "$st" -eq 137 ] && [ "$(ndocs "$B")" -ge 1 ] && [ "$(ndocs "$B")" -lt "$(ndocs "$A")" ]; }
check "a sync killed after its first page keeps that page only" is_partial
SAVOIR_SYNC_PAGE=2 check "the sync resumes (hex pin)" sync_b "$U" \
	--pin "$(openssl x509 -in "$T_TMP/test.crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 | sed 's/.*= //')"
has "... with a summary line" "pages, .* puts, .* deletions, .* skipped \(local\)" "$T_TMP/sync.out"
check "... to the same documents (ids and hashes) as A" same_docs "$B"
check "... and the same search results" same_search "$B"
"$SAVOIR" --db "$T_TMP/c/kb.db" sync -q "$U" --ca "$T_TMP/test.crt" >"$T_TMP/c.out" 2>&1
check "an uninterrupted sync (--ca) ends the same" same_docs "$T_TMP/c/kb.db"
check "-q prints nothing" test ! -s "$T_TMP/c.out"
check "savoir check passes on the synced base" "$SAVOIR" --db "$B" check

# --- changes on A --------------------------------------------------------------
sed -i 's/Histoire des jumelages/Histoire des jumelages européens/' "$tree/notes/jumelage.md"
cat >"$tree/notes/nouvelle.md" <<'EOF'
---
title: "Une note nouvelle sur le jumelage hydraulique"
type: note
module: "3-tests"
themes: [eau]
annee: 2024
---

Le jumelage hydraulique est un mot inventé pour ce test de synchronisation.
EOF
rm "$tree/cas/exemple.md"
"$SAVOIR" --db "$A" index "$tree" >"$T_TMP/index.out" 2>&1
check "an incremental sync (the pin in a list)" sync_b "$U" --pin "$bad;$pin"
has "... brings 2 puts and 1 deletion" " 2 puts, 1 deletions" "$T_TMP/sync.out"
check "... to the same documents as A" same_docs "$B"
check "... and the same search results" same_search "$B" hydraulique
check "the same origin written otherwise (HTTPS://…/)" sync_b "HTTPS://127.0.0.1:$PA/" --pin "$pin"
has "... is the same origin: nothing to bring, nothing skipped" " 0 puts, 0 deletions, 0 skipped" "$T_TMP/sync.out"

# --- B's own document page and facets --------------------------------------------
start_daemon b "$PB" "$B"
curl -sk "https://127.0.0.1:$PB/doc/notes/nouvelle" >"$T_TMP/doc.html"
has "B's document page says where the copy comes from" "Copie synchronisée depuis 127.0.0.1:$PA" "$T_TMP/doc.html"
curl -sk "https://127.0.0.1:$PB/recherche?q=jumelage" >"$T_TMP/search.html"
has "B's search offers the « Origine » facet" "Origine" "$T_TMP/search.html"

# --- a local document keeps its id ------------------------------------------------
mkdir -p "$T_TMP/local/notes"
sed 's/Histoire des jumelages européens/Version locale des jumelages/' \
	"$tree/notes/jumelage.md" >"$T_TMP/local/notes/jumelage.md"
"$SAVOIR" --db "$B" index "$T_TMP/local" >"$T_TMP/index.out" 2>&1
local_title() { sqlite3 "$B" "SELECT title FROM docs WHERE id = 'notes/jumelage'"; }
is_local() { [ "$(local_title)" = "Version locale des jumelages" ]; }
check "a local document replaces the synced one of its id" is_local
sed -i 's/jumelages européens/jumelages en Europe/' "$tree/notes/jumelage.md"
"$SAVOIR" --db "$A" index "$tree" >"$T_TMP/index.out" 2>&1
check "a sync bringing that id again" sync_b "$U" --pin "$pin"
has "... skips it, counted" " 1 skipped \(local\)" "$T_TMP/sync.out"
check "... and the local document stays" is_local
# Indexing here declares the local types again, « Origine » with them;
# local documents are « Locale » there, and it filters.
"$SAVOIR" --db "$B" index "$T_TMP/local" >"$T_TMP/index.out" 2>&1
curl -sk "https://127.0.0.1:$PB/recherche?q=jumelage" >"$T_TMP/search.html"
has "after a local index run, the « Origine » facet stays" "Origine" "$T_TMP/search.html"
has "... with « Locale » for the local document" ">Locale<" "$T_TMP/search.html"
# origin_hits VALUE: the ids /api/search?q=jumelages&origine=VALUE finds.
origin_hits() {
	curl -sk -G "https://127.0.0.1:$PB/api/search" --data-urlencode "q=jumelages" \
	    --data-urlencode "origine=$1" | python3 -c '
import json, sys
print(" ".join(sorted(h["id"] for h in json.load(sys.stdin)["hits"])))'
}
only_local() { [ "$(origin_hits Locale)" = "notes/jumelage" ]; }
check "origine=Locale finds the local document only" only_local
no_local() {
	local ids
	ids=$(origin_hits "127.0.0.1:$PA")
	[ -n "$ids" ] && ! printf '%s\n' $ids | grep -qx notes/jumelage
}
check "origine=<the origin's host> finds synced documents, not the local one" no_local
check "an empty sync" sync_b "$U" --pin "$pin"
curl -sk "https://127.0.0.1:$PB/recherche?q=jumelage" >"$T_TMP/search.html"
has "... keeps the « Origine » facet" "Origine" "$T_TMP/search.html"

same_but_local() {
	sqlite3 "$A" "SELECT id, hash FROM docs WHERE id != 'notes/jumelage' ORDER BY id" >"$T_TMP/a.ids"
	sqlite3 "$B" "SELECT d.id, d.hash FROM docs d JOIN sources s ON s.id = d.source WHERE s.plugin = 'savoir-sync' ORDER BY d.id" >"$T_TMP/b.ids"
	[ -s "$T_TMP/a.ids" ] && cmp -s "$T_TMP/a.ids" "$T_TMP/b.ids"
}

# --- an older copy of A's index imported there: its feed goes back ---------------
"$SAVOIR" --db "$A" import --force "$T_TMP/a-old.db" >"$T_TMP/import.out" 2>&1
check "after an older export is imported on A, a sync" sync_b "$U" --pin "$pin"
check "... holds A's documents again, the local one aside" same_but_local
back() {
	sqlite3 "$B" "SELECT id FROM docs WHERE id = 'cas/exemple'" | grep -q . &&
	    ! sqlite3 "$B" "SELECT id FROM docs WHERE id = 'notes/nouvelle'" | grep -q .
}
check "... the document deleted since is back, the one added since gone" back

# --- A's index rebuilt: a new epoch ---------------------------------------------
kill $pid_a; wait $pid_a 2>/dev/null
rm "$tree/notes/cooperation.md"
rm -f "$A" "$A-wal" "$A-shm"
"$SAVOIR" --db "$A" index "$tree" >"$T_TMP/index.out" 2>&1
chmod -R a+rwX "$T_TMP/a"
start_daemon a "$PA" "$A"
check "after A's index is rebuilt, a sync" sync_b "$U" --pin "$pin"
gone() { [ -z "$(sqlite3 "$B" "SELECT id FROM docs WHERE id = 'notes/cooperation'")" ]; }
check "... drops what the new index no longer has" gone
check "... and holds A's documents again, the local one aside" same_but_local
check "... the local document still there" is_local

# --- the local document goes: the synced copy comes back -------------------------
rm "$T_TMP/local/notes/jumelage.md"
"$SAVOIR" --db "$B" index "$T_TMP/local" >"$T_TMP/index.out" 2>&1
has "removing the local document says its copy comes back at the next sync" \
	"next sync brings its copies back" "$T_TMP/index.out"
check "the next sync" sync_b "$U" --pin "$pin"
synced_back() {
	[ "$(sqlite3 "$B" "SELECT s.plugin FROM docs d JOIN sources s ON s.id = d.source WHERE d.id = 'notes/jumelage'")" = savoir-sync ]
}
check "... brings A's copy of that id back" synced_back
same_all() {
	sqlite3 "$A" "SELECT id, hash FROM docs ORDER BY id" >"$T_TMP/a.ids"
	sqlite3 "$B" "SELECT id, hash FROM docs ORDER BY id" >"$T_TMP/b.ids"
	cmp -s "$T_TMP/a.ids" "$T_TMP/b.ids"
}
check "... and B holds exactly A's documents" same_all

# --- an origin that asks for an account ------------------------------------------
printf 'correct horse\n' | "$SAVOIR" passwd --file "$T_TMP/users" replica >/dev/null 2>&1
chmod a+r "$T_TMP/users"
start_daemon c "$PC" "$A" "[access]" "users = $T_TMP/users"
D="$T_TMP/d/kb.db"
mkdir -p "$T_TMP/d"
fails "an origin with accounts refuses a sync without one" 1 \
	"$SAVOIR" --db "$D" sync "https://127.0.0.1:$PC" --pin "$pin"
SAVOIR_SYNC_USER=replica SAVOIR_SYNC_PASSWORD='correct horse' \
	check "... and takes the one in SAVOIR_SYNC_USER and SAVOIR_SYNC_PASSWORD" \
	"$SAVOIR" --db "$D" sync -q "https://127.0.0.1:$PC" --pin "$pin"
check "... which brings the documents" same_docs "$D"

# --- a hostile origin (plain http on loopback) -----------------------------------
read -r PF < <(free_ports 1)
"$PY" - "$PF" <<'PYEOF' &
import http.server, json, sys
h = "0" * 64
doc = {"id": "hostile/x", "type": "note", "title": "Hostile", "headings": "",
       "body": "un texte hostile", "meta": [], "facets": [], "links": [],
       "hash": h, "updated_at": 0, "weight": 1.0,
       "html": "<p onclick=\"alert(1)\">ok</p><script>alert(2)</script>"
               "<a href=\"javascript:alert(3)\">lien</a>"}
page = {"since": 0, "next": 1, "last": 1, "more": False, "epoch": "e1",
        "changes": [{"seq": 1, "id": "hostile/x", "op": "put", "at": 0,
                     "doc": doc}], "types": []}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "http://192.0.2.1/")
            self.end_headers()
            return
        body = json.dumps({"changes": 3} if self.path.startswith("/bad/")
                          else page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PYEOF
pid_f=$!
trap 'kill -9 $pid_a $pid_b $pid_c $pid_f 2>/dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PF/" && break; sleep 0.1; done
E="$T_TMP/e/kb.db"
mkdir -p "$T_TMP/e"
"$SAVOIR" --db "$E" sync "http://127.0.0.1:$PF/redirect" >/dev/null 2>"$T_TMP/e.err"
st=$?
is_refused() { [ "$st" -eq 1 ] && [ "$(ndocs "$E")" != 1 ]; }
check "a redirect is not followed (exit 1, nothing applied)" is_refused
has "... and said" "redirects to http://192.0.2.1/: not followed" "$T_TMP/e.err"
"$SAVOIR" --db "$E" sync "http://127.0.0.1:$PF/bad" >/dev/null 2>"$T_TMP/e.err"
st=$?
check "a page that is not the feed is refused (exit 1, nothing applied)" is_refused
check "plain http to a loopback address is accepted" \
	"$SAVOIR" --db "$E" sync -q "http://127.0.0.1:$PF"
"$SAVOIR" --db "$E" doc --html hostile/x >"$T_TMP/e.html" 2>&1
has "the origin's HTML is sanitized here (the text kept)" ">ok<" "$T_TMP/e.html"
hasnt "... no script, no event handler, no javascript: link" "script|onclick|javascript" "$T_TMP/e.html"
# --- [sync]: the daemon's side process follows A by itself -----------------------
read -r PD < <(free_ports 1)
mkdir -p "$T_TMP/d" "$T_TMP/empty"
D="$T_TMP/d/kb.db"
"$SAVOIR" --db "$D" index "$T_TMP/empty" >/dev/null 2>&1
chmod -R a+rwX "$T_TMP/d"
runas_programs
export SAVOIR_BIN="$RUN_SAVOIR"
pid_d=""
trap 'kill -9 $pid_a $pid_b $pid_c $pid_f $pid_d 2>/dev/null; rm -rf "$T_TMP"' EXIT
start_daemon d "$PD" "$D" "[sync]" "url = $U" "pin = $pin" "interval = 10"
want=$(sqlite3 "$A" "SELECT id FROM docs ORDER BY id LIMIT 1")
synced_in=""
for i in $(seq 1 150); do
	if [ "$(curl -sk -o /dev/null -w '%{http_code}' \
	    "https://127.0.0.1:$PD/api/doc/$want")" = 200 ]; then
		synced_in=$((i * 100))
		break
	fi
	sleep 0.1
done
check "with [sync], savoird's side process brings A's documents (${synced_in:-no} ms)" \
	test -n "$synced_in"
check "... all of them" test "$(ndocs "$D")" = "$(ndocs "$A")"
has "... and its log says so" "sync: .* puts" "$T_TMP/d.log"
finish
