#!/usr/bin/env bash
# smuggling.sh - savoird's strict HTTP/1.1 gate (src/savoird/h1.c) from the
# outside, over raw sockets on loopback, on the HTTPS, plain HTTP and
# redirect listeners: the published request-smuggling cases (CL.CL, CL.TE,
# TE.CL, TE.TE and its obfuscations) and the other heads RFC 9112 forbids
# (no Host on 1.1, obs-fold, bare LF, bad header names, NUL, spaces in the
# target) each get one 400 and a closed connection, never a second answer
# (the smuggled GET /metrics is never served); every refusal carries the
# security headers and is JSON on /api/, French HTML elsewhere (and so
# does the 400 for plain HTTP on the TLS port); valid
# pipelined keep-alive requests, a head cut into single bytes and a body
# announced by Content-Length still work.
. "$(dirname "$0")/lib.sh"

daemon_prereqs openssl python3

# --- a small knowledge base, a certificate, three listeners -----------------
mkdir -p "$T_TMP/db"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/tests/data/mini" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index"; cat "$T_TMP/index.out"; exit 1; }
read -r PS PH PR < <(free_ports 3)
runas_setup
test_cert
conf="$T_TMP/savoir.conf"
cat >"$conf" <<EOF
[server]
listen = 127.0.0.1:$PS
http_listen = 127.0.0.1:$PH
redirect_listen = 127.0.0.1:$PR
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
request_timeout = 5
EOF
log="$T_TMP/savoird.log"
"$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$log" /tmp/smuggling-sh.log; rm -rf "$T_TMP"' EXIT
up=0
for _ in $(seq 1 100); do
	if "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PH" 2>/dev/null &&
	    "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PS" 2>/dev/null; then
		up=1; break
	fi
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if [ $up -ne 1 ]; then
	echo "Bail out! savoird did not start"
	diag <"$log"
	exit 1
fi

cat >"$T_TMP/smuggle.py" <<'EOF'
# One line per check: "ok NAME" or "not ok NAME: why".
import json, socket, ssl, sys, time
from rawhttp import connect, read

PS, PH, PR = (int(a) for a in sys.argv[1:4])
SMUGGLED = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
SEC = {"content-security-policy": "default-src 'self'",
       "x-content-type-options": "nosniff",
       "referrer-policy": "same-origin",
       "x-frame-options": "DENY"}


def responses(data, head_only=False):
    """The responses in data: (status, headers, body); a trailing piece
    that is not a whole response is (None, {}, rest)."""
    out = []
    while data:
        i = data.find(b"\r\n\r\n")
        if i < 0:
            out.append((None, {}, data))
            break
        lines = data[:i].decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ")[1])
        except (IndexError, ValueError):
            out.append((None, {}, data))
            break
        hdrs = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            hdrs.setdefault(k.strip().lower(), v.strip())
        n = 0 if head_only else int(hdrs.get("content-length", "0"))
        out.append((status, hdrs, data[i + 4:i + 4 + n]))
        data = data[i + 4 + n:]
    return out


def exchange(port, tls, chunks, until=None, timeout=5):
    """Send chunks (a pause between them); what came back and whether the
    server closed the connection."""
    s = connect(port, tls, timeout, nodelay=True)
    try:
        for i, c in enumerate(chunks):
            if i:
                time.sleep(0.02)
            s.sendall(c)
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        pass
    data, e = read(s, until, catch=(socket.timeout, ConnectionResetError,
                                    ssl.SSLError, OSError))
    closed = until is None and not isinstance(e, socket.timeout)
    s.close()
    return data, closed


results = []


def check(name, cond, why=""):
    results.append("ok %s" % name if cond else "not ok %s: %s" % (name, why))


def refused(name, port, tls, req, status=400, code=None):
    """req gets exactly one answer, status, then the connection closes;
    that answer has the security headers and the right form."""
    where = "%s %s" % ("tls" if tls else "plain", name)
    data, closed = exchange(port, tls, [req])
    rs = responses(data)
    why = "%d answers: %r" % (len(rs), data[:300])
    if len(rs) != 1 or rs[0][0] != status:
        return check(where, False, why)
    _, h, body = rs[0]
    if not closed:
        return check(where, False, "connection left open")
    if b"savoir_http" in data or b"# HELP" in data:
        return check(where, False, "the smuggled /metrics was answered")
    for k, v in SEC.items():
        if v not in h.get(k, ""):
            return check(where, False, "no %s: %r" % (k, h))
    if tls and "max-age=" not in h.get("strict-transport-security", ""):
        return check(where, False, "no HSTS over TLS")
    target = req.split(b" ")[1] if b" " in req else b""
    if target.startswith(b"/api/"):
        try:
            j = json.loads(body)
            ok = (set(j) == {"error"} and set(j["error"]) == {"code", "message"}
                  and (code is None or j["error"]["code"] == code)
                  and h.get("content-type", "").startswith("application/json"))
        except ValueError:
            ok = False
        if not ok:
            return check(where, False, "not the JSON error: %r %r" % (h, body[:200]))
    elif not (h.get("content-type", "").startswith("text/html")
              and b'lang="fr"' in body):
        return check(where, False, "not the French HTML page: %r" % body[:200])
    check(where, True)


API = b"GET /api/search?q=eau HTTP/1.1\r\nHost: x\r\n"
CASES = [
    # (name, request, status, code)
    ("CL.CL, two different Content-Length",
     API + b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(SMUGGLED)
     + SMUGGLED, 400, "duplicate_content_length"),
    ("CL.CL, two equal Content-Length",
     API + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
     % (len(SMUGGLED), len(SMUGGLED)) + SMUGGLED, 400,
     "duplicate_content_length"),
    ("CL.CL, a list in one Content-Length",
     API + b"Content-Length: 0, %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED, 400,
     "bad_content_length"),
    ("CL.TE", API + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n" + SMUGGLED, 400, "transfer_encoding"),
    ("TE.CL", API + b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
     b"%x\r\n" % len(SMUGGLED) + SMUGGLED + b"\r\n0\r\n\r\n", 400,
     "transfer_encoding"),
    ("TE alone (chunked)", API + b"Transfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n" + SMUGGLED, 400, "transfer_encoding"),
    ("TE.TE, xchunked", API + b"Transfer-Encoding: xchunked\r\n"
     b"Content-Length: 4\r\n\r\n" + SMUGGLED, 400, "transfer_encoding"),
    ("TE.TE, space before the colon", API + b"Transfer-Encoding : chunked\r\n"
     b"Content-Length: 4\r\n\r\n" + SMUGGLED, 400, "bad_header_name"),
    ("TE.TE, tab before the colon", API + b"Transfer-Encoding\t: chunked\r\n"
     b"Content-Length: 4\r\n\r\n" + SMUGGLED, 400, "bad_header_name"),
    ("TE.TE, two Transfer-Encoding", API + b"Transfer-Encoding: chunked\r\n"
     b"Transfer-Encoding: identity\r\n\r\n0\r\n\r\n" + SMUGGLED, 400,
     "transfer_encoding"),
    ("TE.TE, folded Transfer-Encoding", API + b"X-A: a\r\n"
     b"Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400, None),
    ("no Host on HTTP/1.1", b"GET /api/search?q=eau HTTP/1.1\r\n\r\n"
     + SMUGGLED, 400, "missing_host"),
    ("two Host", API + b"Host: y\r\n\r\n" + SMUGGLED, 400, "duplicate_host"),
    ("obs-fold", API + b"X-A: a\r\n b\r\n\r\n" + SMUGGLED, 400, "obs_fold"),
    ("bare LF", b"GET /api/search?q=eau HTTP/1.1\nHost: x\n\n" + SMUGGLED,
     400, "bare_lf"),
    ("bare LF after a header", API + b"X-A: a\n\r\n" + SMUGGLED, 400,
     "bare_lf"),
    ("invalid header name", API + b"X[A]: a\r\n\r\n" + SMUGGLED, 400,
     "bad_header_name"),
    ("NUL in a header value", API + b"X-A: a\x00b\r\n\r\n" + SMUGGLED, 400,
     "bad_header_value"),
    ("bare CR in a header value", API + b"X-A: a\rb\r\n\r\n" + SMUGGLED, 400,
     "bad_header_value"),
    ("space in the target", b"GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\n"
     b"\r\n" + SMUGGLED, 400, "bad_request_line"),
    ("HTTP/2.0 request line", b"GET /api/search?q=eau HTTP/2.0\r\nHost: x"
     b"\r\n\r\n", 400, "version_not_supported"),
    ("a forged refusal header", API + b"X-Savoir-Refused: 200 ok\r\n\r\n"
     + SMUGGLED, 400, "bad_header_name"),
    ("unknown method", b"BREW /api/search?q=eau HTTP/1.1\r\nHost: x\r\n\r\n",
     501, "not_implemented"),
    ("HEAD with a body", b"HEAD /api/search?q=eau HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED, None, None),
    ("Expect other than 100-continue", API + b"Expect: 200-ok\r\n\r\n", 417,
     "expectation_failed"),
    ("a head over max_header", API + b"X-Big: " + b"a" * 20000 + b"\r\n\r\n",
     431, "header_too_large"),
    ("a body over max_body", b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 99999999\r\n\r\n", 413, "body_too_large"),
    ("HTML: two Content-Length on /", b"GET / HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 0\r\nContent-Length: 38\r\n\r\n" + SMUGGLED, 400, None),
    ("HTML: bare LF on /", b"GET / HTTP/1.1\nHost: x\n\n" + SMUGGLED, 400,
     None),
]

for tls, port in ((False, PH), (True, PS)):
    for name, req, status, code in CASES:
        if status is None:
            # HEAD: the answer has no body; one answer, closed.
            data, closed = exchange(port, tls, [req])
            rs = responses(data, head_only=True)
            check("%s %s" % ("tls" if tls else "plain", name),
                  len(rs) == 1 and rs[0][0] == 400 and closed
                  and "nosniff" in rs[0][1].get("x-content-type-options", ""),
                  repr(data[:300]))
            continue
        refused(name, port, tls, req, status, code)

    where = "tls" if tls else "plain"
    # Valid pipelined requests on one keep-alive connection: two 200s.
    two = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /api/search?q=eau HTTP/1.1\r\nHost: x\r\n\r\n")
    data, _ = exchange(port, tls, [two],
                       until=lambda d: len([r for r in responses(d)
                                            if r[0] is not None]) >= 2)
    rs = responses(data)
    check("%s two pipelined requests: two 200s" % where,
          [r[0] for r in rs] == [200, 200], repr(data[:300]))
    # The same, each head cut into single bytes and a third request after.
    data, _ = exchange(port, tls, [bytes([b]) for b in two] +
                       [b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"],
                       until=lambda d: len([r for r in responses(d)
                                            if r[0] is not None]) >= 3)
    check("%s heads one byte at a time: three 200s" % where,
          [r[0] for r in responses(data)] == [200, 200, 200], repr(data[:300]))
    # A body announced by Content-Length is a body, not a request: one
    # answer for it, then the next request, on the same connection.
    body = SMUGGLED
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
           % len(body) + body + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    data, _ = exchange(port, tls, [req],
                       until=lambda d: len([r for r in responses(d)
                                            if r[0] is not None]) >= 2)
    rs = responses(data)
    check("%s a Content-Length body is passed over, never parsed" % where,
          [r[0] for r in rs] == [200, 200] and b"# HELP" not in data,
          repr(data[:300]))
    # A valid request, then a refused one: 200, 400, closed.
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + API
           + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nxx" + SMUGGLED)
    data, closed = exchange(port, tls, [req])
    rs = responses(data)
    check("%s a valid request then a smuggling one: 200, 400, closed" % where,
          [r[0] for r in rs] == [200, 400] and closed, repr(data[:400]))
    # HTTP/1.0 needs no Host; CRLF before a request line is skipped.
    data, _ = exchange(port, tls, [b"\r\nGET /healthz HTTP/1.0\r\n\r\n"])
    check("%s HTTP/1.0 without Host, after an empty line: 200" % where,
          data.startswith(b"HTTP/1.0 200 ") and data.count(b"HTTP/1.") == 1,
          repr(data[:300]))
    # Two empty lines before it: a bad request line.
    refused("two empty lines before a request line", port, tls,
            b"\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")

# The redirect listener goes through the same gate.
refused("redirect: two Content-Length", PR, False,
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        b"Content-Length: 38\r\n\r\n" + SMUGGLED)
data, _ = exchange(PR, False, [b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"],
                   until=lambda d: b"\r\n\r\n" in d)
check("redirect: a valid request is still a 301",
      data.startswith(b"HTTP/1.1 301"), repr(data[:200]))
# Plain HTTP sent to the TLS port: tls.c's own 400 has the headers too.
data, closed = exchange(PS, False, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
rs = responses(data)
check("plain HTTP on the TLS port: 400 with the security headers",
      len(rs) == 1 and rs[0][0] == 400 and closed
      and rs[0][1].get("x-content-type-options") == "nosniff"
      and "default-src" in rs[0][1].get("content-security-policy", ""),
      repr(data[:300]))
print("\n".join(results))
EOF

"$PY" "$T_TMP/smuggle.py" "$PS" "$PH" "$PR" >"$T_TMP/results" 2>"$T_TMP/py.err" ||
	{ echo "Bail out! the Python client failed"; diag <"$T_TMP/py.err"; exit 1; }
plan $(($(wc -l <"$T_TMP/results") + 2))
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	*) not_ok "${line#not ok }" ;;
	esac
done <"$T_TMP/results"
has "every refusal is logged with its reason" 'refused a request head: 400 duplicate_content_length' "$log"
if kill -0 $pid 2>/dev/null; then ok "savoird still running"; else not_ok "savoird still running"; diag <"$log"; fi
finish
