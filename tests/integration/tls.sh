#!/usr/bin/env bash
# tls.sh - the mbedTLS adapter (src/savoird/tls.c) end to end, through
# tests/tls/tls_server (N workers, each an event_base + evhttp on its own
# SO_REUSEPORT socket), with curl, openssl s_client and a little Python:
# protocol and suite policy, keep-alive, Connection: close and HTTP/1.0
# bodies, close_notify, session tickets across workers, garbage, plain HTTP,
# the handshake deadline, records cut into single bytes, 200 concurrent
# clients, certificate errors, reload, the self-signed mode and valgrind.
. "$(dirname "$0")/lib.sh"
plan 57

SERVER="$top_builddir/tests/tls/tls_server"
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T_TMP"' EXIT

# start NAME args...: run the server in the background; sets PORT and PID.
start() {
	local name=$1 i; shift
	: >"$T_TMP/$name.out"
	"$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.log" &
	PID=$!
	PIDS="$PIDS $PID"
	PORT=
	for i in $(seq 1 300); do
		PORT=$(sed -n 's/^listening on //p' "$T_TMP/$name.out")
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# $name did not start:"; diag <"$T_TMP/$name.log"
	return 1
}
# stop PID: SIGTERM, then its exit status.
stop() {
	local st=0
	kill -TERM "$1" 2>/dev/null
	wait "$1" || st=$?
	return $st
}
fp() { openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//; s/://g' | tr A-F a-f; }
sclient() { openssl s_client -connect "127.0.0.1:$PORT" -servername localhost "$@" </dev/null 2>&1; }

# --- certificates: ECDSA P-256 and RSA 2048, for 127.0.0.1 and localhost ---
cd "$T_TMP" || exit 1
san="subjectAltName=DNS:localhost,IP:127.0.0.1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj /CN=localhost -addext "$san" -keyout ec.key -out ec.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj /CN=localhost -addext "$san" -keyout rsa.key -out rsa.crt 2>/dev/null
cat >probe.py <<'EOF'
# probe.py - raw-socket clients curl and s_client cannot be.
import hashlib, os, signal, ssl, sys, time
from rawhttp import connect, read, tls_ctx

def conn(port):
    return connect(port, nodelay=True)

def until_eof(s):
    return read(s, catch=ConnectionResetError)[0]

def get(t, path="/"):
    t.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
    return read(t, lambda d: b"bonjour\n" in d)[0]

cmd, port = sys.argv[1], int(sys.argv[2])
if cmd == "garbage":
    # Not a TLS record, not HTTP: a fatal handshake error.
    s = conn(port)
    s.sendall(b"\x00\x01\x02garbage" + os.urandom(300))
    t = time.time()
    until_eof(s)
    print("closed after %.2f s" % (time.time() - t))
elif cmd == "plain":
    s = conn(port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    sys.stdout.write(until_eof(s).decode("utf-8", "replace"))
elif cmd == "idle":
    s = conn(port)
    t = time.time()
    until_eof(s)
    print("%.2f" % (time.time() - t))
elif cmd == "bytewise":
    # The handshake and the request one byte per TCP segment: every
    # record reaches the server in pieces.
    s = conn(port)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = tls_ctx().wrap_bio(inc, out, server_hostname="localhost")
    def flush():
        data = out.read()
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            if i % 64 == 0:
                time.sleep(0.001)
    while True:
        try:
            o.do_handshake()
            flush()
            break
        except ssl.SSLWantReadError:
            flush()
            d = s.recv(65536)
            if not d:
                sys.exit("eof during handshake")
            inc.write(d)
    o.write(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    flush()
    body = b""
    while True:
        try:
            d = o.read(65536)
            if not d:
                break
            body += d
        except ssl.SSLWantReadError:
            d = s.recv(65536)
            if not d:
                break
            inc.write(d)
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            break
    sys.stdout.write(body.decode())
elif cmd == "pipeline":
    # Three requests in one record: evhttp answers them in order.
    t = connect(port, True, nodelay=True)
    t.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 2 +
              b"GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data, e = read(t, catch=(ssl.SSLEOFError, ConnectionResetError))
    if e is not None:
        print("no close_notify")
    print(data.count(b"HTTP/1.1 200 OK"), "answers,", len(data), "bytes")
elif cmd == "reload":
    # A connection made before the reload keeps working after it; a new
    # one gets the new certificate.
    pid = int(sys.argv[3])
    t1 = connect(port, True, nodelay=True)
    fp1 = hashlib.sha256(t1.getpeercert(True)).hexdigest()
    a = get(t1)
    os.kill(pid, signal.SIGHUP)
    time.sleep(1)
    b = get(t1)
    t2 = connect(port, True, nodelay=True)
    fp2 = hashlib.sha256(t2.getpeercert(True)).hexdigest()
    print("before", fp1, b"bonjour" in a)
    print("inflight", b"bonjour" in b)
    print("after", fp2)
EOF
probe() { timeout 30 python3 "$T_TMP/probe.py" "$@"; }

# --- an ECDSA server, 2 workers ---
cp ec.crt srv.crt; cp ec.key srv.key
start ec "$SERVER" --port 0 --cert srv.crt --key srv.key --workers 2 --debug
check "the server starts and says on which port" test -n "$PORT"
has "it logs the certificate it serves" "certificate CN=localhost, expires" "$T_TMP/ec.log"
EC_PID=$PID

check "TLS 1.2 works (curl --tlsv1.2 --tls-max 1.2)" \
    curl -sS --fail --cacert ec.crt --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$PORT/"
has "and answers bonjour" '^bonjour$' "$T_TMP/out"
sclient -tls1 -cipher 'DEFAULT:@SECLEVEL=0' >"$T_TMP/t10"
has "TLS 1.0 is refused with a protocol_version alert" 'alert protocol version' "$T_TMP/t10"
sclient -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' >"$T_TMP/t11"
has "TLS 1.1 is refused with a protocol_version alert" 'alert protocol version' "$T_TMP/t11"
fails "curl cannot force TLS 1.1 either" 35 curl -sS --cacert ec.crt --tlsv1.0 --tls-max 1.1 \
    --ciphers 'DEFAULT:@SECLEVEL=0' "https://127.0.0.1:$PORT/"
sclient -tls1_2 -cipher AES128-SHA256 >"$T_TMP/cbc"
has "a CBC suite without ECDHE is refused" 'alert handshake failure' "$T_TMP/cbc"
sclient -tls1_2 -cipher AES128-GCM-SHA256 >"$T_TMP/rsakx"
has "AES-GCM without ECDHE (no forward secrecy) is refused" 'alert handshake failure' "$T_TMP/rsakx"
sclient -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256 >"$T_TMP/ecbc"
has "ECDHE with CBC is refused" 'alert handshake failure' "$T_TMP/ecbc"
for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305; do
	sclient -tls1_2 -cipher "$c" >"$T_TMP/suite"
	has "$c is accepted" "Cipher is $c" "$T_TMP/suite"
done
sclient >"$T_TMP/curve"
has "X25519 is the preferred group" 'Server Temp Key: X25519' "$T_TMP/curve"
sclient -groups P-521 >"$T_TMP/p521"
has "P-521 alone is refused (too slow a curve)" 'alert handshake failure' "$T_TMP/p521"
check "a 1 MB body over keep-alive" sh -c "curl -sS --cacert ec.crt \
    https://127.0.0.1:$PORT/big https://127.0.0.1:$PORT/big | wc -c | grep -qx 2097152"

# --- keep-alive, Connection: close, HTTP/1.0, close_notify ---
curl -sSv --cacert ec.crt "https://127.0.0.1:$PORT/" "https://127.0.0.1:$PORT/" \
    "https://127.0.0.1:$PORT/" >"$T_TMP/ka" 2>&1
check "keep-alive: three requests, three answers" test "$(grep -c '^bonjour$' "$T_TMP/ka")" = 3
has "on one connection" 'Re-using existing connection' "$T_TMP/ka"
n=$(curl -sS --cacert ec.crt -H 'Connection: close' "https://127.0.0.1:$PORT/big" | wc -c)
check "Connection: close gets the whole 1 MB" test "$n" = 1048576
n=$(curl -sS -0 --cacert ec.crt "https://127.0.0.1:$PORT/big" | wc -c)
check "HTTP/1.0 gets the whole 1 MB" test "$n" = 1048576
printf 'GET /big HTTP/1.0\r\n\r\n' | openssl s_client -connect "127.0.0.1:$PORT" \
    -ign_eof -quiet >"$T_TMP/s10" 2>"$T_TMP/s10.err"
check "HTTP/1.0 through s_client: 1 MB and headers" test "$(wc -c <"$T_TMP/s10")" -gt 1048576
hasnt "the server ends with close_notify (no unexpected eof)" 'unexpected eof' "$T_TMP/s10.err"

# --- session tickets, shared by both workers ---
sclient -sess_out "$T_TMP/sess" >"$T_TMP/new"
has "a first handshake is new and gets a ticket" 'New, TLSv1.2' "$T_TMP/new"
has "the server issues a session ticket" 'TLS session ticket lifetime hint' "$T_TMP/new"
reused=0
for i in 1 2 3 4 5 6 7 8; do
	sclient -sess_in "$T_TMP/sess" | grep -q '^Reused, TLSv1.2' && reused=$((reused + 1))
done
check "the ticket resumes on every try, whichever worker accepts ($reused/8)" test "$reused" = 8
urls=$(for i in $(seq 20); do echo "https://127.0.0.1:$PORT/stats"; done)
# shellcheck disable=SC2086
curl -s --cacert ec.crt -H 'Connection: close' $urls >"$T_TMP/stats"
check "both workers accepted connections" test "$(sort -u "$T_TMP/stats" | cut -d' ' -f2 | sort -u | wc -l)" = 2

# --- hostile and confused clients ---
probe garbage "$PORT" >"$T_TMP/garbage" 2>&1
has "garbage instead of a ClientHello: the connection is closed" '^closed after 0' "$T_TMP/garbage"
has "with a log line" 'handshake failed' "$T_TMP/ec.log"
check "the server keeps serving" curl -sS --fail --cacert ec.crt "https://127.0.0.1:$PORT/"
probe plain "$PORT" >"$T_TMP/plain" 2>&1
has "plain HTTP on the TLS port gets a 400" '^HTTP/1.1 400' "$T_TMP/plain"
has "telling the person to use https://" "n'accepte que HTTPS" "$T_TMP/plain"
probe pipeline "$PORT" >"$T_TMP/pipe" 2>&1
has "three pipelined requests in one record get three answers, the last 1 MB" \
    '^3 answers, 10[0-9]{5} bytes$' "$T_TMP/pipe"
probe bytewise "$PORT" >"$T_TMP/bytes" 2>&1
has "records arriving one byte at a time still make a request" '^bonjour' "$T_TMP/bytes"

seq 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' --cacert ec.crt \
    "https://127.0.0.1:$PORT/" >"$T_TMP/conc" 2>&1
check "200 concurrent clients all get a 200 ($(grep -c '^200$' "$T_TMP/conc")/200)" \
    test "$(grep -c '^200$' "$T_TMP/conc")" = 200

# The deadline: a server cutting at 1 s (200 handshakes queued on two
# cores can take longer than that, hence the default of 10 s above).
MAIN_PORT=$PORT
start dl "$SERVER" --port 0 --cert ec.crt --key ec.key --handshake-ms 1000
probe idle "$PORT" >"$T_TMP/idle" 2>&1
check "a client that sends nothing is cut at the 1 s deadline ($(cat "$T_TMP/idle") s)" \
    awk '{ exit !($1 >= 0.9 && $1 < 3) }' "$T_TMP/idle"
has "with a log line" 'no TLS handshake within 1000 ms' "$T_TMP/dl.log"
stop "$PID"
PORT=$MAIN_PORT

# --- reload: files replaced, SIGHUP; in-flight connections keep theirs ---
cp rsa.crt srv.crt; cp rsa.key srv.key
probe reload "$PORT" "$EC_PID" >"$T_TMP/reload" 2>&1
check "after SIGHUP new connections get the new certificate" \
    grep -q "^after $(fp rsa.crt)" "$T_TMP/reload"
check "a connection made before keeps working" grep -q '^inflight True' "$T_TMP/reload"
cp ec.crt srv.crt
kill -HUP "$EC_PID"; sleep 0.5
has "a reload with a key that does not match is refused" 'reload refused: .*does not match' "$T_TMP/ec.log"
sclient >"$T_TMP/still"
check "and the server keeps the certificate it had" grep -q 'CN = localhost' "$T_TMP/still"
check "SIGTERM stops it cleanly" stop "$EC_PID"

# --- RSA certificate ---
start rsa "$SERVER" --port 0 --cert rsa.crt --key rsa.key
for c in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-CHACHA20-POLY1305; do
	sclient -tls1_2 -cipher "$c" >"$T_TMP/suite"
	has "$c is accepted with an RSA key" "Cipher is $c" "$T_TMP/suite"
done
stop "$PID"

# --- certificate errors are named ---
cd ca 2>/dev/null || { mkdir ca; cd ca; }
touch index.txt; echo 01 >serial
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nserial=serial\nnew_certs_dir=.\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' >ca.cnf
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout ../exp.key -out exp.csr 2>/dev/null
openssl ca -batch -config ca.cnf -selfsign -keyfile ../exp.key -in exp.csr -out ../exp.crt \
    -startdate 20200101000000Z -enddate 20200102000000Z -notext >/dev/null 2>&1
cd "$T_TMP" || exit 1
"$SERVER" --port 0 --cert missing.crt --key ec.key >"$T_TMP/e1" 2>&1
has "an unreadable certificate is named" 'missing.crt: cannot open: No such file' "$T_TMP/e1"
"$SERVER" --port 0 --cert ec.key --key ec.key >"$T_TMP/e2" 2>&1
has "a key given as the certificate is named" 'ec.key: holds a private key, not a certificate' "$T_TMP/e2"
"$SERVER" --port 0 --cert rsa.crt --key ec.key >"$T_TMP/e3" 2>&1
has "a key of another certificate is named" 'ec.key: the key does not match the certificate rsa.crt' "$T_TMP/e3"
"$SERVER" --port 0 --cert exp.crt --key exp.key >"$T_TMP/e4" 2>&1
has "an expired certificate is named with its date" 'exp.crt: the certificate expired on 2020-01-02' "$T_TMP/e4"

# --- self-signed mode ---
start self "$SERVER" --port 0 --state-dir "$T_TMP/state"
check "with no certificate, one is generated and served" \
    curl -sS --fail --cacert state/selfsigned.crt "https://127.0.0.1:$PORT/"
check "the key file is mode 0600" test "$(stat -c %a state/selfsigned.key)" = 600
openssl x509 -in state/selfsigned.crt -noout -text >"$T_TMP/selftext"
has "for localhost, 127.0.0.1 and ::1" 'DNS:localhost.*IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1' "$T_TMP/selftext"
has "with an ECDSA P-256 key" 'ASN1 OID: prime256v1' "$T_TMP/selftext"
fp1=$(fp state/selfsigned.crt)
stop "$PID"
start self2 "$SERVER" --port 0 --state-dir "$T_TMP/state"
sclient -showcerts | openssl x509 -noout -fingerprint -sha256 2>/dev/null |
    sed 's/.*=//; s/://g' | tr A-F a-f >"$T_TMP/served"
check "a restart reuses them (same fingerprint served)" test "$(cat "$T_TMP/served")" = "$fp1"
hasnt "and generates nothing" 'generated|issued' "$T_TMP/self2.log"
stop "$PID"

# --- valgrind: a short run with every kind of client ---
# (Not under ASan: the two do not mix.)
if grep -q 'define SAVOIR_SANITIZERS 1' "$top_builddir/config.h" 2>/dev/null; then
	ok "# SKIP valgrind: sanitizer build"; ok "# SKIP"; ok "# SKIP"
elif command -v valgrind >/dev/null; then
	start vg valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	    --log-file="$T_TMP/vg.txt" "$SERVER" --port 0 --cert rsa.crt --key rsa.key \
	    --workers 2 --handshake-ms 2000
	curl -s --cacert rsa.crt "https://127.0.0.1:$PORT/" "https://127.0.0.1:$PORT/big" >/dev/null
	curl -s -0 --cacert rsa.crt "https://127.0.0.1:$PORT/big" >/dev/null
	curl -s --cacert rsa.crt -H 'Connection: close' "https://127.0.0.1:$PORT/big" >/dev/null
	sclient -sess_out "$T_TMP/vs" >/dev/null; sclient -sess_in "$T_TMP/vs" >/dev/null
	probe garbage "$PORT" >/dev/null 2>&1
	probe plain "$PORT" >/dev/null 2>&1
	probe idle "$PORT" >/dev/null 2>&1
	seq 20 | xargs -P 20 -I{} curl -s -o /dev/null --cacert rsa.crt "https://127.0.0.1:$PORT/big"
	# A connection still open when SIGTERM comes.
	(sleep 5 | openssl s_client -connect "127.0.0.1:$PORT" >/dev/null 2>&1 &)
	sleep 1
	st=0; stop "$PID" || st=$?
	check "under valgrind the server exits 0 (no error)" test "$st" = 0
	hasnt "valgrind reports no invalid read or write" 'Invalid (read|write)|uninitialised|Invalid free' "$T_TMP/vg.txt"
	has "and no error at all" 'ERROR SUMMARY: 0 errors' "$T_TMP/vg.txt"
else
	ok "# SKIP valgrind not installed"; ok "# SKIP"; ok "# SKIP"
fi

# Under --enable-sanitizers every server above ran with ASan and UBSan.
cat "$T_TMP"/*.log >"$T_TMP/all-logs"
hasnt "no sanitizer report in any server log" 'AddressSanitizer|LeakSanitizer|runtime error' \
    "$T_TMP/all-logs"

# --- throughput, for the record (not a test) ---
if command -v wrk >/dev/null; then
	# wrk shares the two cores with the server (and whatever else runs):
	# requests per second of server CPU time says more than req/s.
	start wrk "$SERVER" --port 0 --cert ec.crt --key ec.key --workers 2
	cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
	t0=$(cpu)
	wrk -t2 -c32 -d3s "https://127.0.0.1:$PORT/" >"$T_TMP/wrk" 2>&1
	t1=$(cpu)
	echo "# wrk -t2 -c32 -d3s keep-alive GET / ($(nproc) CPUs, $(date -u +%F)):"
	grep -E 'Requests/sec|Latency|requests in' "$T_TMP/wrk" | diag
	n=$(awk '/requests in/ { print $1 }' "$T_TMP/wrk")
	tick=$(getconf CLK_TCK)
	[ -n "$n" ] && [ "$t1" -gt "$t0" ] &&
	    echo "# server: $((n * tick / (t1 - t0))) requests per CPU-second"
	stop "$PID"
fi

finish
