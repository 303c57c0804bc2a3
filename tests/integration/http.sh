#!/usr/bin/env bash
# http.sh - the real savoird on loopback ports, checked from the outside with
# curl, openssl and small Python clients: every route, security headers,
# TLS versions, keep-alive, 200 concurrent clients, SIGHUP under load and a
# bad reload, path traversal, escaping, hostile and malformed input, limits,
# a slow client, a half-closed connection, an unknown SNI, access control,
# synonyms, an index changed or replaced while serving, sd_notify, savoird -n
# and a clean SIGTERM.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl openssl python3


# --- a knowledge base, a www tree and a configuration ---------------------
tree="$T_TMP/tree"
cp -r "$top_srcdir/tests/data/mini" "$tree"
mkdir -p "$tree/notes"
cat >"$tree/notes/piege.md" <<'EOF'
---
title: "Piège <img src=x onerror=alert(1)> et \"guillemets\""
type: note
module: "9-tests"
themes: [sécurité]
annee: 2020
---

Un texte qui contient <script>alert('doc')</script> en HTML brut,
et `<b onmouseover=alert(2)>du code</b>` en code.
EOF
# In a directory of its own: the daemon needs to create the index's -shm
# file next to it, even to read.
mkdir -p "$T_TMP/db"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$tree" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index $tree"; cat "$T_TMP/index.out"; exit 1; }

www="$T_TMP/www"
cp -r "$top_srcdir/www" "$www"
mkdir -p "$www/static/css" "$T_TMP/secret"
"$PY" -c 'print("body { color: #123456; margin: 0 auto; }\n" * 300)' \
	>"$www/static/css/test.css"
[ -f "$www/static/sw.js" ] ||
	echo "self.addEventListener('fetch', function (e) {});" >"$www/static/sw.js"
echo "TOP-SECRET-CONTENT" >"$T_TMP/secret/secret.txt"
echo "HIDDEN-CONTENT" >"$www/static/.hidden.css"
ln -s "$T_TMP/secret/secret.txt" "$www/static/out.txt"
ln -s "$T_TMP/secret" "$www/static/outdir"

read -r PS PH PX < <(free_ports 3)
# A non-loopback address of this machine, to see plain HTTP refused with
# access control (none: that check is skipped).
ext=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9.]+$' | grep -v '^127\.' | head -1)
http_listen="127.0.0.1:$PH"
[ -n "$ext" ] && http_listen="$http_listen, $ext:$PX"

# Started as root, savoird becomes nobody: it must read everything here.
runas_setup

# A test certificate (the self-signed one savoird makes is tls.sh's).
test_cert

printf '# test\nAECT, action extérieure des collectivités territoriales\nzyxwv, eau\n' \
	>"$T_TMP/synonymes.txt"
conf="$T_TMP/savoir.conf"
write_conf() {
	cat >"$conf" <<EOF
[server]
listen = 127.0.0.1:$PS
http_listen = $http_listen
workers = 2
$runas
state_dir = $T_TMP/state
db = $kb
www = $www
log_level = info

[tls]
cert = $T_TMP/test.crt
key = $T_TMP/test.key

[limits]
request_timeout = 3
idle_timeout = 30
# 200 concurrent clients and load from 127.0.0.1 alone.
max_per_address = 1000

[search]
page_size = 10
synonyms = $T_TMP/synonymes.txt
EOF
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$conf"
	return 0
}
write_conf

# systemd's notification socket, played by a small listener: what savoird
# says with sd_notify (Type=notify) lands in notify.log, one line each.
"$PY" - "$T_TMP/notify" "$T_TMP/notify.log" <<'PYEOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
        f.flush()
PYEOF
npid=$!
for _ in $(seq 1 50); do [ -S "$T_TMP/notify" ] && break; sleep 0.1; done

log="$T_TMP/savoird.log"
NOTIFY_SOCKET="$T_TMP/notify" "$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
pid=$!
# KEEP=1 keeps the daemon's log as /tmp/http-sh.log for a look afterwards.
trap 'kill -9 $pid $npid 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$log" /tmp/http-sh.log; rm -rf "$T_TMP"' EXIT
S="https://127.0.0.1:$PS"
H="http://127.0.0.1:$PH"
daemon_wait $pid "$S/healthz" 10

# --- helpers ----------------------------------------------------------------
# get URL [curl args]: prints the status; headers in hdr, body in body.
get() {
	curl -sk --path-as-is --max-time 10 -D "$T_TMP/hdr" -o "$T_TMP/body" \
		-w '%{http_code}' "$@" 2>/dev/null || true
}
# status_is "description" STATUS URL [curl args]
status_is() {
	local d=$1 want=$2 got; shift 2
	got=$(get "$@")
	if [ "$got" = "$want" ]; then ok "$d"
	else not_ok "$d (status $got, wanted $want)"; head -c 600 "$T_TMP/body" | diag; fi
}
# route "description" URL STATUS CONTENT-TYPE-REGEX
route() {
	local d=$1 url=$2 want=$3 ct=$4 got type
	got=$(get "$url")
	type=$(tr -d '\r' <"$T_TMP/hdr" | sed -n 's/^[Cc]ontent-[Tt]ype: //p' | head -1)
	if [ "$got" = "$want" ] && echo "$type" | grep -qE "$ct"; then ok "$d"
	else not_ok "$d (status $got, type '$type')"; head -c 600 "$T_TMP/body" | diag; fi
}
# hdr_has "description" REGEX: on the last response's headers.
hdr_has() { has "$1" "$2" <(tr -d '\r' <"$T_TMP/hdr"); }
json_ok() { check "$1" "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$T_TMP/body"; }

cat >"$T_TMP/h.py" <<'EOF'
# Small clients curl cannot play: raw bytes, keep-alive, concurrency, load,
# a slow client.
import concurrent.futures, http.client, os, select, socket, ssl, sys, threading, time
from rawhttp import connect, read, tls_ctx as ctx

def conn(port, tls, timeout=10):
    if tls:
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx())
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

def raw(port, tls, data, timeout=5):
    """Send data; the response's status line, 'closed' or 'timeout'."""
    try:
        s = connect(port, tls, timeout)
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        buf = read(s, lambda d: b"\r\n" in d)[0]
        line = buf.split(b"\r\n")[0].decode("latin-1")
        return line if line else "closed"
    except socket.timeout:
        return "timeout"
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
        return "closed"

cmd, port = sys.argv[1], int(sys.argv[2])
if cmd == "raw":            # raw PORT tls|plain PYTHON-BYTES-EXPRESSION
    print(raw(port, sys.argv[3] == "tls", eval(sys.argv[4])))
elif cmd == "keepalive":    # five requests, one TLS connection
    c = conn(port, True)
    socks, codes = set(), []
    for p in ["/healthz", "/api/search?q=jumelage", "/", "/static/css/test.css", "/api/doc/cgct/L1115-1"]:
        c.request("GET", p)
        r = c.getresponse()
        r.read()
        codes.append(r.status)
        socks.add(id(c.sock))
    print("codes", *codes, "connections", len(socks))
elif cmd == "concurrent":   # N clients at once, each its own connection
    n = int(sys.argv[3])
    barrier = threading.Barrier(n)
    def one(i):
        try:
            c = conn(port, True, 60)
            c.connect()
            barrier.wait(60)
            c.request("GET", "/api/search?q=coop%C3%A9ration&limit=5")
            r = c.getresponse()
            r.read()
            c.close()
            return r.status
        except Exception as e:
            return repr(e)
    with concurrent.futures.ThreadPoolExecutor(n) as ex:
        res = list(ex.map(one, range(n)))
    print("answered", sum(1 for r in res if r == 200), "of", n)
    bad = [r for r in res if r != 200]
    if bad:
        print("errors", bad[:5])
elif cmd == "load":         # load PORT SECONDS: clients until told to stop
    stop = time.time() + float(sys.argv[3])
    counts = {"ok": 0, "bad": 0}
    errors = []
    lock = threading.Lock()
    def worker(k):
        paths = ["/api/search?q=jumelage", "/", "/recherche?q=eau", "/healthz"]
        i = 0
        c = None
        while time.time() < stop:
            try:
                if c is None or i % 5 == 0:
                    if c is not None:
                        c.close()
                    c = conn(port, True)
                c.request("GET", paths[i % len(paths)])
                r = c.getresponse()
                r.read()
                good = r.status == 200
                if r.getheader("Connection", "").lower() == "close":
                    c.close(); c = None
            except Exception as e:
                good = False
                errors.append(repr(e))
                c = None
            with lock:
                counts["ok" if good else "bad"] += 1
            i += 1
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in ts: t.start()
    for t in ts: t.join()
    print("requests", counts["ok"] + counts["bad"], "failed", counts["bad"])
    for e in errors[:5]:
        print("error", e)
elif cmd == "hostile":      # hostile PORT FILE: each line as q on 3 routes
    import urllib.parse
    bad = []
    c = conn(port, True)
    for q in open(sys.argv[3], encoding="utf-8").read().split("\n"):
        if not q:
            continue
        for path in ("/recherche", "/api/search", "/api/suggest"):
            url = path + "?q=" + urllib.parse.quote(q, safe="")
            for attempt in (1, 2):
                try:
                    c.request("GET", url)
                    r = c.getresponse()
                    r.read()
                    break
                except Exception as e:
                    c.close()
                    c = conn(port, True)
                    r = None
            st = r.status if r is not None else "no answer"
            if st not in (200, 400):
                bad.append("[%s %r -> %s]" % (path, q[:40], st))
    print("bad", len(bad), *bad[:10])
elif cmd == "malformed":    # each a raw request on its own connection
    reqs = [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
            b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n",
            b"\r\n\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 2000 + b"\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n\xff\xfe: \x00\r\n\r\n"]
    bad = []
    for rq in reqs:
        out = raw(port, False, rq, 3)
        if out.startswith("HTTP/1.1 5") or out.startswith("HTTP/1.0 5") or out == "timeout":
            bad.append("[%r -> %s]" % (rq[:40], out))
    print("bad", len(bad), *bad)
elif cmd in ("slow", "slowtls"):  # one byte a second, never finishing the headers
    s = connect(port, cmd == "slowtls", 5, None)
    start = time.time()
    data = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    how = "still open"
    for i in range(len(data)):
        try:
            s.send(data[i:i + 1])
        except OSError:
            how = "send failed"
            break
        r, _, _ = select.select([s], [], [], 1.0)
        if r:
            try:
                x = s.recv(4096)
            except OSError:
                x = b""
            how = "closed" if not x else "answered " + x.split(b"\r\n")[0].decode("latin-1")
            break
        if time.time() - start > 10:
            break
    print("%s after %.1f s" % (how, time.time() - start))
EOF
hpy() { "$PY" "$T_TMP/h.py" "$@" 2>&1; }

# --- every route: status and content type ---------------------------------
route "home page" "$S/" 200 '^text/html; charset=utf-8'
route "results page" "$S/recherche?q=coop%C3%A9ration" 200 '^text/html'
route "document page" "$S/doc/cgct/L1115-1" 200 '^text/html'
route "unknown document page is a 404 page" "$S/doc/nope/nope" 404 '^text/html'
route "api search" "$S/api/search?q=coop%C3%A9ration&limit=2" 200 '^application/json; charset=utf-8'
json_ok "api search answers total, page, limit, hits, facets, notices" '
assert d["total"] >= 2 and d["page"] == 1 and d["limit"] == 2, d
assert isinstance(d["took_ms"], (int, float)) and isinstance(d["notices"], list)
assert len(d["hits"]) == 2
for h in d["hits"]:
    assert set(h) >= {"id", "type", "type_label", "title", "breadcrumb", "snippet"}, h
assert all(isinstance(v, list) and "value" in v[0] and "count" in v[0] for v in d["facets"].values())
assert "type" in d["facets"]'
route "api search with a filter" "$S/api/search?q=action&type=cas&type=note" 200 '^application/json'
json_ok "filters keep only the asked types" '
assert d["total"] >= 1 and all(h["type"] in ("cas", "note") for h in d["hits"]), d'
route "api doc" "$S/api/doc/cgct/L1115-1" 200 '^application/json'
json_ok "api doc has the document and its links" '
assert d["id"] == "cgct/L1115-1" and d["type"] == "article" and d["title"]
assert isinstance(d["meta"], list) and isinstance(d["links"], list)
assert isinstance(d["cited_by"], list) and d["html"] and d["type_label"]'
route "api doc of an unknown id" "$S/api/doc/nope/nope" 404 '^application/json'
json_ok "unknown id is a not_found error object" 'assert d["error"]["code"] == "not_found" and d["error"]["message"]'
route "api suggest" "$S/api/suggest?q=jum" 200 '^application/json'
json_ok "suggestions complete the word, at most 8" '
s = d["suggestions"]; assert 1 <= len(s) <= 8, s
assert any(x["text"].lower().startswith("jumelage") for x in s), s'
route "api changes" "$S/api/changes?since=0&limit=2" 200 '^application/json'
json_ok "the change feed pages with next" '
assert len(d["changes"]) == 2 and d["more"] and d["next"] == d["changes"][-1]["seq"]
assert set(d["changes"][0]) == {"seq", "id", "op", "at"}'
next=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["last"])' "$T_TMP/body" 2>/dev/null)
get "$S/api/changes?since=${next:-0}" >/dev/null
json_ok "nothing after the last change" 'assert d["changes"] == [] and not d["more"]'
route "opensearch description" "$S/opensearch.xml" 200 'opensearchdescription\+xml|xml'
route "healthz" "$S/healthz" 200 '^text/plain'
route "static css" "$S/static/css/test.css" 200 '^text/css'
hdr_has "static files are cacheable" '^Cache-Control: public, max-age=3600'
route "service worker at the root" "$S/sw.js" 200 '^text/javascript'
hdr_has "the service worker is always revalidated" '^Cache-Control: no-cache'
route "unknown path" "$S/nulle-part" 404 '^text/html'
route "metrics" "$S/metrics" 200 '^text/plain; version=0.0.4'
has "metrics count requests by route and status" 'savoir_http_requests_total\{route="/api/search",status="200"\} [1-9]' "$T_TMP/body"
has "metrics have a latency histogram" 'savoir_http_request_duration_seconds_bucket\{route="/api/search",le="\+Inf"\} [1-9]' "$T_TMP/body"
has "metrics count documents by type" 'savoir_documents\{type="note"\} 3' "$T_TMP/body"
has "metrics give the index age" '^savoir_index_age_seconds [0-9.]+$' "$T_TMP/body"
has "metrics say the index is up" '^savoir_up 1$' "$T_TMP/body"
has "metrics carry the version" '^savoir_build_info\{version="[^"]+"\} 1$' "$T_TMP/body"
route "plain HTTP listener serves too" "$H/api/search?q=eau" 200 '^application/json'

# --- static files: gzip, validators, HEAD -----------------------------------
get "$S/static/css/test.css" -H 'Accept-Encoding: gzip' >/dev/null
hdr_has "text is gzipped when the client takes it" '^Content-Encoding: gzip'
hdr_has "gzipped responses vary on Accept-Encoding" '^Vary: Accept-Encoding'
check "the gzip body is the file" sh -c "gunzip -c <'$T_TMP/body' | cmp - '$www/static/css/test.css'"
get "$S/static/css/test.css" >/dev/null
hasnt "no gzip unless asked" '^Content-Encoding' <(tr -d '\r' <"$T_TMP/hdr")
etag=$(tr -d '\r' <"$T_TMP/hdr" | sed -n 's/^ETag: //p')
status_is "If-None-Match with the ETag gives 304" 304 "$S/static/css/test.css" -H "If-None-Match: $etag"
status_is "another ETag gives the file" 200 "$S/static/css/test.css" -H 'If-None-Match: "autre"'
touch -d '+1 minute' "$www/static/css/test.css" 2>/dev/null || touch "$www/static/css/test.css"
status_is "a changed file is sent again" 200 "$S/static/css/test.css" -H "If-None-Match: $etag"
len=$("$PY" -c '
import sys
from rawhttp import connect, read
s = connect(int(sys.argv[1]), timeout=5)
s.sendall(b"HEAD /static/css/test.css HTTP/1.0\r\n\r\n")
print(len(read(s)[0].partition(b"\r\n\r\n")[2]))' "$PH" 2>&1)
if [ "$len" = "0" ]; then ok "HEAD sends headers only"; else not_ok "HEAD sends headers only ($len body bytes)"; fi

# --- security headers on every kind of response -----------------------------
hdr_fail=""
for u in "$S/" "$S/api/search?q=eau" "$S/nulle-part" "$S/api/doc/x" "$S/static/css/test.css" \
	"$S/recherche?q=%zz" "$S/api/search?limit=0" "$S/metrics" "$S/healthz"; do
	get "$u" >/dev/null
	h=$(tr -d '\r' <"$T_TMP/hdr")
	for want in "^Content-Security-Policy: default-src 'self'" "frame-ancestors 'none'" \
		'^X-Content-Type-Options: nosniff' '^Referrer-Policy: ' '^Strict-Transport-Security: max-age=[1-9]'; do
		echo "$h" | grep -qE "$want" || hdr_fail="$hdr_fail $u:[$want]"
	done
done
if [ -z "$hdr_fail" ]; then ok "CSP, frame-ancestors, nosniff, Referrer-Policy and HSTS on every TLS response"
else not_ok "security headers missing:$hdr_fail"; fi
get "$H/nulle-part" >/dev/null
hdr_has "plain HTTP responses carry CSP and nosniff too" '^X-Content-Type-Options: nosniff'
hasnt "no HSTS over plain HTTP" '^Strict-Transport-Security' <(tr -d '\r' <"$T_TMP/hdr")
get "$S/api/search?q=x" -X POST -d 'q=x' >/dev/null
hdr_has "a POST is refused with Allow and still the headers" "^Content-Security-Policy: default-src 'self'"

# --- TLS ----------------------------------------------------------------------
echo | openssl s_client -connect "127.0.0.1:$PS" -servername localhost -tls1_1 \
	-cipher 'DEFAULT:@SECLEVEL=0' >"$T_TMP/tls11" 2>&1
rc=$?
if [ $rc -ne 0 ] && ! grep -q 'Cipher is [A-Z]' "$T_TMP/tls11"; then ok "TLS 1.1 is refused"
else not_ok "TLS 1.1 is refused (exit $rc)"; diag <"$T_TMP/tls11"; fi
echo | openssl s_client -connect "127.0.0.1:$PS" -servername localhost -tls1_2 >"$T_TMP/tls12" 2>&1
has "TLS 1.2 is accepted" 'Protocol *: TLSv1\.2|TLSv1\.2, Cipher is ECDHE' "$T_TMP/tls12"
out=$(hpy raw "$PS" plain 'bytes(range(256)) * 8')
case $out in HTTP/1.?\ 2*) not_ok "garbage instead of TLS is not served ($out)";; *) ok "garbage instead of TLS is not served ($out)";; esac
out=$(hpy raw "$PS" plain 'b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"')
case $out in HTTP/1.?\ 2*) not_ok "plain HTTP on the TLS port is not served ($out)";; *) ok "plain HTTP on the TLS port is not served ($out)";; esac
status_is "still serving after garbage" 200 "$S/healthz"

# --- connections ----------------------------------------------------------------
out=$(hpy keepalive "$PS")
if [ "$out" = "codes 200 200 200 200 200 connections 1" ]; then ok "keep-alive: five requests on one connection"
else not_ok "keep-alive: five requests on one connection ($out)"; fi
out=$(hpy concurrent "$PS" 200)
if echo "$out" | grep -q '^answered 200 of 200'; then ok "200 concurrent clients all answered"
else not_ok "200 concurrent clients all answered"; echo "$out" | diag; fi

# --- escaping -----------------------------------------------------------------
xss='"><script>alert(1)</script><img src=x onerror=alert(2)>'
get "$S/recherche" -G --data-urlencode "q=$xss" >/dev/null
hasnt "a script in q is not echoed raw on the results page" '<script>alert\(1\)|<img src=x' "$T_TMP/body"
has "it comes back escaped" '&lt;script&gt;alert\(1\)' "$T_TMP/body"
get "$S/api/search" -G --data-urlencode "q=$xss" >/dev/null
check "the API returns q as a JSON string, unchanged" "$PY" -c '
import json, sys; d = json.load(open(sys.argv[1])); assert d["query"] == sys.argv[2], d["query"]' "$T_TMP/body" "$xss"
get "$S/doc/notes/piege" >/dev/null
hasnt "a title with HTML is escaped on its page" '<img src=x' "$T_TMP/body"
has "the title shows as text" '&lt;img src=x onerror=alert\(1\)&gt;' "$T_TMP/body"
hasnt "raw HTML in a document never runs" "<script>alert\('doc'\)|<b onmouseover" "$T_TMP/body"
get "$S/api/search?q=pi%C3%A8ge" >/dev/null
# snippet is HTML and must escape; snippet_text is text (a client's to escape).
"$PY" -c 'import json, sys; print("\n".join(h["snippet"] for h in json.load(open(sys.argv[1]))["hits"]))' \
	"$T_TMP/body" >"$T_TMP/snippets"
hasnt "snippets escape the document's HTML" "<script>alert|<b onmouseover" "$T_TMP/snippets"
get "$S/recherche?q=pi%C3%A8ge" >/dev/null
hasnt "results list escapes titles" '<img src=x' "$T_TMP/body"

# --- hostile queries: answers, never a 500 --------------------------------------
cat >"$T_TMP/hostile" <<'EOF'
"
'
*
NEAR(
NEAR("a" "b", -1)
a OR
OR OR OR
-
- - -
(((
)))
\
"unterminated
AND AND
^
^title
col:x
{title}:x
title:x
fts MATCH 'x'
'); DROP TABLE docs;--
%
%%
**
a*b*c*
type:
type:"
annee:9999..0000
annee:0000..9999
annee:-5
pays:"" OR 1=1
L.
L. 1115-
article L du
L1115-1-1-1-1-1-1
😀🙂
e\u0301
‮rtl
<>&"'
a aa aaa aaaa aaaaa aaaaaa aaaaaaa aaaaaaaa aaaaaaaaa aaaaaaaaaa aaaaaaaaaaa aaaaaaaaaaaa
EOF
out=$(hpy hostile "$PS" "$T_TMP/hostile")
if [ "$out" = "bad 0" ]; then ok "hostile queries on three routes: 200 or 400, never 5xx"
else not_ok "hostile queries: $out"; fi
long=$("$PY" -c 'print("coop* " * 300)')
code=$(get "$S/api/search" -G --data-urlencode "q=$long")
case $code in 200|400|503) ok "300 prefixes: an answer or the budget's 503 ($code)";;
*) not_ok "300 prefixes: an answer or the budget's 503 ($code)";; esac
if grep -qE 'SQL logic error|fts5: syntax error|no such column|unrecognized token|search failed' "$log"; then
	not_ok "no SQL error reached the log"; grep -E 'SQL|fts5|search failed' "$log" | head -5 | diag
else ok "no SQL error reached the log"; fi

# --- malformed requests and limits -----------------------------------------------
status_is "invalid percent-encoding is a 400" 400 "$S/recherche?q=%zz"
status_is "a truncated escape is a 400" 400 "$S/api/search?q=abc%2"
status_is "invalid UTF-8 in q is a 400" 400 "$S/api/search?q=caf%E9"
status_is "invalid UTF-8 in the path is a 400" 400 "$S/doc/%ff%fe"
status_is "a NUL in q is a 400" 400 "$S/api/search?q=a%00b"
status_is "page=-1 is a 400" 400 "$S/api/search?q=eau&page=-1"
json_ok "... with a JSON error naming the parameter" 'assert d["error"]["code"] == "bad_parameter" and "page" in d["error"]["message"]'
status_is "limit=100000 is a 400" 400 "$S/api/search?q=eau&limit=100000"
status_is "limit=abc is a 400" 400 "$S/api/search?q=eau&limit=abc"
status_is "since=-1 is a 400" 400 "$S/api/changes?since=-1"
status_is "POST is a 405" 405 "$S/api/search" -d 'q=x'
hdr_has "405 says which methods are allowed" '^Allow: GET, HEAD'
status_is "PUT is a 405" 405 "$S/" -X PUT -d 'x'
long=$("$PY" -c 'print("a" * 5000)')
status_is "a 5000-byte URI is a 414" 414 "$S/recherche?q=$long"
out=$(hpy raw "$PH" plain 'b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1048576 + b"\r\n\r\n"')
case $out in "HTTP/1.1 4"*|"HTTP/1.0 4"*|closed) ok "a 1 MB header is refused ($out)";; *) not_ok "a 1 MB header is refused ($out)";; esac
out=$(hpy malformed "$PH")
if [ "$out" = "bad 0" ]; then ok "malformed requests get a 4xx or a closed connection"
else not_ok "malformed requests: $out"; fi
status_is "still serving after malformed requests" 200 "$S/healthz"
# Under /api/, whatever stops a request answers in the API's shape: JSON
# {"error": {"code", "message"}} with the status (the API is a contract).
api_err() {
	local d=$1 want=$2; shift 2
	curl -sk -o "$T_TMP/apierr" -w '%{http_code} %{content_type}' "$@" >"$T_TMP/apihead"
	if grep -q "^$want application/json" "$T_TMP/apihead" && "$PY" -c '
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["code"] and e["message"]' "$T_TMP/apierr" 2>/dev/null; then ok "$d"
	else not_ok "$d ($(cat "$T_TMP/apihead"))"; head -c 300 "$T_TMP/apierr" | diag; fi
}
api_err "/api/: POST is a JSON 405" 405 -X POST "$S/api/search?q=eau"
api_err "/api/: a 5000-byte URI is a JSON 414" 414 "$S/api/search?q=$long"
api_err "/api/: a NUL in the query is a JSON 400" 400 "$S/api/search?q=a%00b"
api_err "/api/: a bad percent sign is a JSON 400" 400 "$S/api/search?q=%zz"
# An empty answer says why: a filter value no document has, an unknown
# parameter (a typo in "limit") is named instead of silently ignored.
notice_has() {
	curl -sk "$2" >"$T_TMP/notice.json"
	if "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(sys.argv[2] in n for n in d["notices"]), d["notices"]' "$T_TMP/notice.json" "$3" 2>"$T_TMP/notice.err"
	then ok "$1"; else not_ok "$1"; diag <"$T_TMP/notice.err"; fi
}
notice_has "/api/search: type=bogus says no document has that type" \
	"$S/api/search?q=a&type=bogus" "Aucun document n'a « bogus » pour « type »"
notice_has "/api/search: an unknown parameter is named" \
	"$S/api/search?q=a&limt=3" "Paramètre inconnu ignoré : « limt »"

# --- traversal: never the file ------------------------------------------------
trav=""
for p in '/static/../../etc/passwd' '/static/%2e%2e/%2e%2e/etc/passwd' '/static/..%2f..%2fetc%2fpasswd' \
	'/static/%252e%252e%252fetc%252fpasswd' '/static/css/../../../secret/secret.txt' \
	'/static/out.txt' '/static/outdir/secret.txt' '/static/.hidden.css' '/static/css/.%2e/.hidden.css' \
	'/static/%2fetc%2fpasswd' '/static//etc/passwd' '/static/..\..\etc\passwd' '/static/css%5c..%5c.hidden.css' \
	'/%2e%2e/%2e%2e/etc/passwd' '/static/....//....//etc/passwd' '/static/css/test.css%00.txt' \
	"/static$T_TMP/secret/secret.txt" '/sw.js/../static/out.txt'; do
	code=$(get "$S$p")
	case $code in 400|404) ;; *) trav="$trav [$p -> $code]";; esac
	grep -qE 'TOP-SECRET|HIDDEN-CONTENT|root:x:0' "$T_TMP/body" && trav="$trav [$p leaked]"
done
if [ -z "$trav" ]; then ok "traversal, encoded traversal, symlinks out, hidden files: 400/404, never the file"
else not_ok "traversal:$trav"; fi

# --- a half-closed connection, an unknown SNI ------------------------------------
"$PY" - "$PS" >"$T_TMP/edge" 2>&1 <<'PYEOF'
import os, socket, sys
from rawhttp import connect, read
port = int(sys.argv[1])
def read_all(t):
    data, e = read(t, catch=OSError)
    if e is not None:
        data += b"\n[" + type(e).__name__.encode() + b"]"
    return data
# The client sends its request, then shuts its side of the TCP connection.
t = connect(port, True)
t.sendall(b"GET /api/search?q=eau HTTP/1.1\r\nHost: localhost\r\n\r\n")
socket.socket(fileno=os.dup(t.fileno())).shutdown(socket.SHUT_WR)
d = read_all(t)
print("halfclose", d.split(b"\r\n")[0].decode(), b'"total"' in d)
# A name the server has no certificate for: its own certificate, and an answer.
t = connect(port, True, sni="inconnu.invalid")
t.sendall(b"GET /healthz HTTP/1.1\r\nHost: inconnu.invalid\r\nConnection: close\r\n\r\n")
print("sni", read_all(t).split(b"\r\n")[0].decode())
PYEOF
has "a client that half-closes after its request still gets the whole answer" '^halfclose HTTP/1.1 200 OK True$' "$T_TMP/edge"
has "an unknown SNI name is served with the server's certificate" '^sni HTTP/1.1 200 OK$' "$T_TMP/edge"
status_is "... and the daemon keeps serving everyone else" 200 "$S/healthz"

# --- a slow client --------------------------------------------------------------
# The request deadline (request_timeout = 3) cuts it on the TLS listener
# (tls.c) and on the plain one (plain.c) alike, though each byte restarts
# evhttp's own idle timeout.
for kind in slowtls slow; do
	port=$PS; [ $kind = slow ] && port=$PH
	out=$(hpy $kind "$port")
	secs=$(echo "$out" | sed -n 's/.* after \([0-9.]*\) s$/\1/p')
	if echo "$out" | grep -qE '^(closed|send failed|answered HTTP/1.. 408)' &&
		"$PY" -c "import sys; sys.exit(not float(sys.argv[1]) <= 6)" "${secs:-99}"; then
		ok "$kind: a one-byte-a-second client is cut after request_timeout ($out)"
	else not_ok "$kind: a one-byte-a-second client is cut after request_timeout = 3 s ($out)"; fi
done
has "the plain listener logs it" 'plain HTTP: request not complete within 3000 ms' "$log"
status_is "the plain listener keeps serving" 200 "$H/healthz"

# --- SIGHUP under load, and a bad reload ------------------------------------------
hpy load "$PS" 3 >"$T_TMP/load" &
lpid=$!
for _ in 1 2 3; do sleep 0.6; kill -HUP $pid; done
wait $lpid
reloads=$(grep -c 'reloaded' "$log")
if grep -qE '^requests [1-9][0-9]* failed 0$' "$T_TMP/load" && [ "$reloads" -ge 3 ]; then
	ok "three SIGHUP reloads under load: no failed request ($(head -1 "$T_TMP/load"))"
else not_ok "SIGHUP under load (reloads: $reloads)"; diag <"$T_TMP/load"; fi
write_conf "[search]" "budget_ms = never"
kill -HUP $pid
sleep 0.5
has "a bad configuration on reload is logged with its line" 'reload refused.*line [0-9]+.*budget_ms' "$log"
status_is "... and the previous one keeps serving" 200 "$S/api/search?q=eau"
write_conf

# --- max_connections: a full worker stops accepting, then resumes ---------------
# 20 idle connections over 2 workers with max_connections = 3 each: both
# are full (a worker gets fewer than 3 of 20 with odds of 1 in 5,000); a new
# client waits in the kernel's backlog until some close, then is served.
write_conf "[limits]" "max_connections = 3" "shed_after_ms = 0"
kill -HUP $pid
sleep 0.5
for kind in plain tls; do
	port=$PH; url="$H/healthz"
	[ $kind = tls ] && { port=$PS; url="$S/healthz"; }
	"$PY" - "$port" "$url" >"$T_TMP/cap.$kind" 2>&1 <<'PYEOF'
import socket, subprocess, sys, time
port, url = int(sys.argv[1]), sys.argv[2]
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
time.sleep(0.8)                      # the guard runs every 0.2 s
t0 = time.time()
p = subprocess.Popen(["curl", "-sk", "--max-time", "10", "-o", "/dev/null",
                      "-w", "%{http_code}", url], stdout=subprocess.PIPE)
time.sleep(1.5)
waiting = p.poll() is None
for s in idle:
    s.close()
code = p.communicate()[0].decode()
print("waited" if waiting else "not held", code, "%.1f" % (time.time() - t0))
PYEOF
	has "$kind: at max_connections a new client waits, then is served when some close" '^waited 200 ' "$T_TMP/cap.$kind"
done
has "the log says when a worker stops accepting" 'connections, the limit: not accepting until some close' "$log"
has "... and when it accepts again" 'accepting (plain HTTP|HTTPS) connections again' "$log"
write_conf
kill -HUP $pid
sleep 0.5

# --- access control ------------------------------------------------------------------
users="$T_TMP/users"
printf 'correct horse\n' | "$SAVOIR" passwd --file "$users" alice >"$T_TMP/out" 2>&1
check "savoir passwd adds a user" grep -q '^alice:\$y\$' "$users"
printf 'autre\n' | "$SAVOIR" passwd --file "$users" bob >/dev/null 2>&1
printf 'battery staple\n' | "$SAVOIR" passwd --file "$users" alice >/dev/null 2>&1
check "the file is not readable by others" sh -c "[ \$(stat -c %a '$users') = 640 ]"
check "a changed password replaces the line" sh -c "[ \$(grep -c '^alice:' '$users') = 1 ]"
[ "$(id -u)" -eq 0 ] && chgrp nogroup "$users"
write_conf "[access]" "users = $users" "realm = Savoir de test" "max_failures = 3"
kill -HUP $pid
sleep 0.5
status_is "without credentials: 401" 401 "$S/"
hdr_has "with a Basic challenge for the realm" '^WWW-Authenticate: Basic realm="Savoir de test"'
has "the 401 page is French" 'identifiez-vous' "$T_TMP/body"
status_is "the API too: 401" 401 "$S/api/search?q=eau"
json_ok "... as a JSON error" 'assert d["error"]["code"] == "unauthorized"'
status_is "healthz stays open" 200 "$S/healthz"
status_is "with the right password: 200" 200 "$S/api/search?q=eau" -u 'alice:battery staple'
status_is "the old password no longer works" 401 "$S/" -u 'alice:correct horse' --interface 127.0.0.3
status_is "static files are protected too" 401 "$S/static/css/test.css"
status_is "over plain HTTP from this machine (loopback): allowed" 200 "$H/" -u 'bob:autre'
codes=""
for i in 1 2 3 4; do codes="$codes $(get "$S/" -u "bob:faux$i" --interface 127.0.0.2)"; done
if [ "$codes" = " 401 401 401 429" ]; then ok "repeated failures from one address end in 429"
else not_ok "repeated failures from one address end in 429 (got$codes)"; fi
hdr_has "429 says when to retry" '^Retry-After: [1-9][0-9]*'
status_is "even the right password is refused from that address for now" 429 "$S/" -u 'bob:autre' --interface 127.0.0.2
status_is "other addresses are not affected" 200 "$S/" -u 'bob:autre'
if [ -n "$ext" ]; then
	status_is "over plain HTTP from another address: 403" 403 "http://$ext:$PX/" -u 'bob:autre'
	has "... with a French reason" 'chiffrée|https' "$T_TMP/body"
else
	ok "# SKIP no non-loopback address to test plain HTTP from another machine"
fi
printf 'y\n' | "$SAVOIR" passwd --file "$users" --delete bob >/dev/null 2>&1
sleep 1.2
status_is "a deleted user is refused once the file changes" 401 "$S/" -u 'bob:autre' --interface 127.0.0.4
fails "deleting an unknown user exits 1" 1 "$SAVOIR" passwd --file "$users" --delete carol
write_conf
kill -HUP $pid
sleep 0.3

# --- synonyms ----------------------------------------------------------------
get "$S/api/search?q=zyxwv" >/dev/null
json_ok "a synonym finds what the word itself does not (zyxwv -> eau)" \
    'assert d["total"] >= 1 and any("aussi cherché sous" in n for n in d["notices"]), d'
status_is "the page says what the search was widened to" 200 "$S/recherche?q=zyxwv"
has "... in French, escaped" 'zyxwv » est aussi cherché sous : « eau »' "$T_TMP/body"
cp "$T_TMP/synonymes.txt" "$T_TMP/synonymes.good"
printf 'AECT, quelque chose\n' >>"$T_TMP/synonymes.txt"
fails "savoird -n refuses a bad synonyms file" 1 "$SAVOIRD" -n -c "$conf"
has "... with its line and reason" 'synonyms: .*synonymes.txt: line 4: "AECT" is already in the group of line 2' "$T_TMP/out"
kill -HUP $pid
sleep 0.5
has "a reload with a bad synonyms file is refused" 'reload refused.*synonymes.txt: line 4' "$log"
get "$S/api/search?q=zyxwv" >/dev/null
json_ok "... and the previous synonyms keep working" 'assert d["total"] >= 1, d'
mv "$T_TMP/synonymes.good" "$T_TMP/synonymes.txt"

# --- another process changes the index: served without a restart ---------
# (as the daemon's user when we are root: the -wal and -shm stay its own)
# nobody may not reach the build tree (a clone under /root, mode 700): it
# runs a copy of savoir and of the plugins.
asdb() { if [ "$(id -u)" -eq 0 ]; then shift; SAVOIR_PLUGINS="$T_TMP/asdb/plugins" runuser -u nobody -- "$T_TMP/asdb/savoir" "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T_TMP/asdb/plugins"
	cp "$SAVOIR" "$T_TMP/asdb/savoir"
	cp -L "$SAVOIR_PLUGINS"/*.so "$T_TMP/asdb/plugins/"
	chmod -R go-w,a+rX "$T_TMP/asdb"
fi
mkdir -p "$T_TMP/more" "$T_TMP/elsewhere"
printf -- '---\ntitle: "Note ajoutée"\ntype: note\n---\n\nLe quetzalcoatlus vole au-dessus du comité de jumelage.\n' \
	>"$T_TMP/more/ajout.md"
printf -- '---\ntitle: "Base apportée"\ntype: note\n---\n\nUn archaeopteryx venu d’une autre machine.\n' \
	>"$T_TMP/elsewhere/autre.md"
chmod -R a+rwX "$T_TMP/more" "$T_TMP/elsewhere"
asdb "$SAVOIR" --db "$kb" index "$tree" "$T_TMP/more" >"$T_TMP/out" 2>&1
get "$S/api/search?q=quetzalcoatlus" >/dev/null
json_ok "a document indexed by savoir index while serving is found at once" \
    'assert d["total"] == 1 and d["hits"][0]["title"] == "Note ajoutée", d'
asdb "$SAVOIR" --db "$T_TMP/elsewhere/kb.db" index "$T_TMP/elsewhere" >/dev/null 2>&1
asdb "$SAVOIR" --db "$T_TMP/elsewhere/kb.db" export "$T_TMP/elsewhere/carried.db" >/dev/null 2>&1
check "savoir import --force replaces the served index" \
    asdb "$SAVOIR" --db "$kb" import --force "$T_TMP/elsewhere/carried.db"
get "$S/api/search?q=archaeopteryx" >/dev/null
json_ok "... and the daemon serves the imported base without a restart" \
    'assert d["total"] == 1 and d["hits"][0]["title"] == "Base apportée", d'
get "$S/api/search?q=quetzalcoatlus" >/dev/null
json_ok "... and no longer the documents it replaced" 'assert d["total"] == 0, d'

# --- savoird -n -----------------------------------------------------------------------
check "savoird -n accepts the configuration" "$SAVOIRD" -n -c "$conf"
has "... and says so" 'is valid' "$T_TMP/out"
printf '[server]\nlisten = 127.0.0.1:%s\n\n[search]\npage_size = lots\n' "$PS" >"$T_TMP/bad.conf"
fails "savoird -n refuses a bad configuration with exit 1" 1 "$SAVOIRD" -n -c "$T_TMP/bad.conf"
has "... naming the file, the line and the reason" 'bad\.conf: line 5: page_size' "$T_TMP/out"

# --- SIGTERM ---------------------------------------------------------------------------
kill -TERM $pid
rc=124
for _ in $(seq 1 50); do
	if ! kill -0 $pid 2>/dev/null; then wait $pid; rc=$?; break; fi
	sleep 0.1
done
if [ $rc -eq 0 ]; then ok "SIGTERM stops savoird cleanly (exit 0)"
else not_ok "SIGTERM stops savoird cleanly (exit $rc)"; tail -20 "$log" | diag; fi
has "the log says it stopped" 'stopped' "$log"

# --- what systemd was told (sd_notify) -------------------------------------------
if grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/config.h" 2>/dev/null; then
	check "systemd heard READY=1 once serving, first" \
	    sh -c "head -1 '$T_TMP/notify.log' | grep -q '^READY=1 | STATUS=Serving$'"
	has "... RELOADING=1 on each SIGHUP, then READY=1 again" '^READY=1 \| STATUS=Serving \(configuration reloaded\)$' "$T_TMP/notify.log"
	check "... one READY=1 after each RELOADING=1, refused or not" test \
	    "$(grep -c '^RELOADING=1$' "$T_TMP/notify.log")" = \
	    "$(grep -c '^READY=1' "$T_TMP/notify.log" | awk '{ print $1 - 1 }')"
	has "... READY=1 with the reason when a reload was refused" '^READY=1 \| STATUS=Reload refused' "$T_TMP/notify.log"
	check "... and STOPPING=1 last" sh -c "tail -1 '$T_TMP/notify.log' | grep -q '^STOPPING=1$'"
else
	for _ in 1 2 3 4 5; do ok "# SKIP built without libsystemd (configure --without-systemd)"; done
fi
kill $npid 2>/dev/null

plan "$T_N"
finish
