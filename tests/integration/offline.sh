#!/usr/bin/env bash
# offline.sh - GET /api/offline/index through the real savoird on the
# shipped corpus: the copy of the index a browser searches offline
# (www/static/offline-search.js).  Its JSON shape (every live document,
# every term's postings decodable and pointing at a document, the word map
# pointing at terms, the ranking parameters, the synonyms), a strong ETag
# and a 304 for it, no-cache, gzip when asked, HEAD, a bounded size, and a
# new ETag once the index changes.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
plan 13

mkdir -p "$T_TMP/db" "$T_TMP/state" "$T_TMP/corpus"
kb="$T_TMP/db/kb.db"
cp -r "$top_srcdir/corpus/." "$T_TMP/corpus/"
"$SAVOIR" --db "$kb" index "$T_TMP/corpus" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
daemon_start "$kb" '[search]' "synonyms = $top_srcdir/corpus/glossaire/synonymes.txt"
url="$base/api/offline/index"

# fetch NAME [curl args]: the body in T_TMP/NAME, the headers in NAME.h;
# retried while the server answers 503 (the copy is being built).
fetch() {
	local name=$1 i; shift
	for i in $(seq 1 50); do
		curl -s -D "$T_TMP/$name.h" -o "$T_TMP/$name" "$@" "$url"
		grep -q '^HTTP/1.1 503' "$T_TMP/$name.h" || return 0
		sleep 0.2
	done
}
hdr() { tr -d '\r' <"$T_TMP/$1.h" | awk -v k="$2" 'tolower($1) == tolower(k) ":" { sub(/^[^:]*: */, ""); print }'; }

fetch first
if grep -q '^HTTP/1.1 503' "$T_TMP/first.h" 2>/dev/null; then
	not_ok "the copy is built (still 503)"
else
	ok "the copy is served once built ($(hdr first Content-Length) bytes)"
fi
etag=$(hdr first ETag)
case $etag in
\"*\") ok "a strong ETag ($etag)" ;;
*) not_ok "a strong ETag (got '$etag')" ;;
esac
is_() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
is_ "Cache-Control: no-cache (the browser revalidates)" "$(hdr first Cache-Control)" "no-cache"

check "the JSON holds every document, decodable postings, a word map to terms, the ranking parameters and synonyms" \
	"$PY" - "$T_TMP/first" "$kb" <<'PYEOF'
import json, sqlite3, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
db = sqlite3.connect(sys.argv[2])
bad = []
ids = [r[0] for r in db.execute("SELECT id FROM docs ORDER BY rowid")]
if [x[0] for x in d["docs"]] != ids:
    bad.append("docs: %d in the copy, %d in the index" % (len(d["docs"]), len(ids)))
if any(len(x) != 5 or not all(isinstance(v, str) for v in x) for x in d["docs"]):
    bad.append("a document is not [id, title, label, summary, type]")
if len(d["norms"]) != 4 * len(d["docs"]):
    bad.append("norms: %d for %d documents" % (len(d["norms"]), len(d["docs"])))
if d["n"] != len(ids):
    bad.append("n = %r" % d["n"])
for k in ("k1", "b", "w", "tphrase", "prox", "near", "syn"):
    if k not in d["params"]:
        bad.append("params lacks " + k)
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
def nums(s):
    v = mul = 0; mul = 1
    for ch in s:
        x = B64.index(ch)
        v += (x & 31) * mul
        if x & 32:
            mul *= 32
        else:
            yield v; v = 0; mul = 1
terms = set(r[0].decode() if isinstance(r[0], bytes) else r[0] for r in db.execute("SELECT DISTINCT term FROM post"))
if set(d["terms"]) != terms:
    bad.append("terms: %d in the copy, %d in the index" % (len(d["terms"]), len(terms)))
npost = 0
for t, s in d["terms"].items():
    it = nums(s); doc = 0
    for delta in it:
        doc += delta
        code = next(it)
        if code & 1: next(it)
        if code & 2: next(it)
        if code >> 2: next(it)
        npost += 1
        if doc >= len(ids):
            bad.append("%s: document %d past the last" % (t, doc)); break
    if d["df"].get(t, 0) < 1:
        bad.append("%s: no df" % t)
for w, e in d["words"].items():
    for t in ([e] if isinstance(e, str) else e):
        if t not in d["terms"]:
            bad.append("word %s: term %s has no postings" % (w, t))
if d["words"].get("cooperation") != "cooper":
    bad.append("cooperation -> %r, wanted the server's stem cooper" % d["words"].get("cooperation"))
if not any("AECT" in g for g in d["synonyms"]):
    bad.append("the synonym group of AECT is missing")
print("\n".join(bad[:20]))
print("# %d documents, %d terms, %d postings, %d words" % (len(ids), len(terms), npost, len(d["words"])))
sys.exit(1 if bad else 0)
PYEOF

curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url" >"$T_TMP/c304"
is_ "If-None-Match with the ETag: 304" "$(cat "$T_TMP/c304")" "304"
curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "0-0-0"' "$url" >"$T_TMP/c200"
is_ "another ETag: 200" "$(cat "$T_TMP/c200")" "200"

fetch gz -H 'Accept-Encoding: gzip'
is_ "gzip when the client takes it" "$(hdr gz Content-Encoding)" "gzip"
if gzip -dc <"$T_TMP/gz" | cmp -s - "$T_TMP/first"; then
	ok "the gzipped copy is the same JSON ($(stat -c %s "$T_TMP/gz") bytes)"
else
	not_ok "the gzipped copy is the same JSON"
fi
curl -s -I "$url" | tr -d '\r' >"$T_TMP/head"
has "HEAD answers with the headers only" '^Content-Length: [0-9]+' "$T_TMP/head"

# Bounded: the shipped corpus is under 1 MB of documents; its copy stays
# under 1.5 MB raw and 400 kB gzipped (measured 0.57 MB and 0.20 MB).
raw=$(stat -c %s "$T_TMP/first")
gzs=$(stat -c %s "$T_TMP/gz")
if [ "$raw" -lt 1500000 ] && [ "$gzs" -lt 400000 ]; then
	ok "size bounded ($raw bytes, $gzs gzipped)"
else
	not_ok "size bounded ($raw bytes, $gzs gzipped)"
fi

# A new document: the version, and so the ETag, changes.
cat >"$T_TMP/corpus/notes/zz-offline.md" <<'MD'
---
title: Quinconce hors ligne
type: note
---
Un mot que nul autre document ne contient : quinconce.
MD
[ -d "$T_TMP/corpus/notes" ] || mkdir -p "$T_TMP/corpus/notes"
"$SAVOIR" --db "$kb" index "$T_TMP/corpus" >"$T_TMP/index2.out" 2>&1
new=$etag
for i in $(seq 1 50); do
	fetch again
	new=$(hdr again ETag)
	[ "$new" != "$etag" ] && break
	sleep 0.2
done
if [ "$new" != "$etag" ] && grep -q quinconce "$T_TMP/again"; then
	ok "a change to the index makes a new copy ($new)"
else
	not_ok "a change to the index makes a new copy (ETag $new)"
	diag <"$T_TMP/index2.out"
fi
curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url" >"$T_TMP/c2"
is_ "the old ETag no longer gets a 304" "$(cat "$T_TMP/c2")" "200"
hasnt "no server error logged" 'internal|offline: ' "$log"
finish
