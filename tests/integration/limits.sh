#!/usr/bin/env bash
# limits.sh - savoird short of descriptors and under slow clients (issue 14):
# (a) started with 256 descriptors and asked for 2 x 1,024 connections, it
# says what it can reach and lowers its cap; 400 idle connections neither
# spin its accept loop nor keep /healthz from answering within 1 s; with
# its limit then pulled down to 100 under it, accept() fails and the
# workers pause (a line a second at most) and serve again afterwards;
# (b) 2,000 connections trickling a request from 20 loopback addresses
# (127.0.0.2-21): max_per_address turns most away, the workers shed the
# rest for newcomers, never hold more than their cap, and /healthz and a
# search are answered within 1 s; (c) closed connections stop counting
# for their address at once.  Loopback only; every process started
# here is stopped here.
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl openssl python3 prlimit

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${LIMITS_KEEP:-}" ] && echo "# kept $T_TMP" || rm -rf "$T_TMP"
}
trap cleanup EXIT

plan 18

# --- an index, a certificate, a configuration ----------------------------------
mkdir -p "$T_TMP/db"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/tests/data/mini" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
test_cert
read -r PS PH < <(free_ports 2)
conf="$T_TMP/savoir.conf"
write_conf() {
	cat >"$conf" <<EOF
[server]
listen = 127.0.0.1:$PS
http_listen = 127.0.0.1:$PH
workers = 2
$runas
state_dir = $T_TMP/state
db = $kb
www = $T_TMP/www
log_level = info

[tls]
cert = $T_TMP/test.crt
key = $T_TMP/test.key

[limits]
EOF
	printf '%s\n' "$@" >>"$conf"
}

# start log [prlimit args]: savoird in the background, ready when /healthz is.
start() {
	local log=$1 i; shift
	"$@" "$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
	pid=$!
	pids+=("$pid")
	for i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PH/healthz" && return 0
		sleep 0.1
	done
	echo "Bail out! savoird did not start"; cat "$log"; exit 1
}
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }

# timed url: the time curl took for a 200, or "fail code".
timed() {
	curl -sk --max-time 10 -o /dev/null -w '%{http_code} %{time_total}\n' "$1" |
	    awk '$1 == 200 { print $2; next } { print "fail", $1 }'
}
# under1 "description" file: every line of file is a time below 1 s.
under1() {
	if awk '$1 == "fail" || $1 >= 1.0 { bad = 1 } END { exit bad || NR == 0 }' "$2"; then
		ok "$1 (slowest $(sort -n "$2" | tail -1) s)"
	else not_ok "$1"; diag <"$2"; fi
}

# --- (a) 256 descriptors for 2 x 1,024 connections -------------------------------
# All from 127.0.0.1: this part is about descriptors, not addresses.
write_conf "max_connections = 1024" "max_per_address = 0"
log="$T_TMP/a.log"
start "$log" prlimit --nofile=256:256
has "(a) the log says how many connections the descriptors allow" \
	'descriptors: the limit is 256 .*serving at most [0-9]+ connections per worker' "$log"
"$PY" - "$PS" "$PH" >"$T_TMP/a.out" 2>&1 <<'PYEOF' &
import socket, sys, time
tls, plain = int(sys.argv[1]), int(sys.argv[2])
idle = []
for i in range(400):                  # idle TLS connections: no ClientHello
    try:
        idle.append(socket.create_connection(("127.0.0.1", tls), timeout=5))
    except OSError as e:
        print("connect", i, e)
print("opened", len(idle), flush=True)
time.sleep(12)
PYEOF
cpid=$!
pids+=("$cpid")
sleep 3
: >"$T_TMP/a.times"
for _ in 1 2 3; do
	timed "https://127.0.0.1:$PS/healthz" >>"$T_TMP/a.times"
	timed "http://127.0.0.1:$PH/healthz" >>"$T_TMP/a.times"
	sleep 0.3
done
under1 "(a) 400 idle connections: /healthz answered within 1 s" "$T_TMP/a.times"
curl -s "http://127.0.0.1:$PH/metrics" >"$T_TMP/a.metrics"
errs=$(grep -ciE 'accept: |Error from accept|Too many open files' "$log")
if [ "$errs" -le 10 ]; then ok "(a) a few accept messages at most, not thousands ($errs)"
else not_ok "(a) accept messages: $errs"; grep -iE 'accept' "$log" | head -5 | diag; fi
"$PY" - "$T_TMP/a.metrics" >"$T_TMP/a.cap" <<'PYEOF'
import re, sys
m = open(sys.argv[1]).read()
cur = dict(re.findall(r'^savoir_connections\{worker="(\d+)"\} (\d+)', m, re.M))
cap = dict(re.findall(r'^savoir_connections_max\{worker="(\d+)"\} (\d+)', m, re.M))
print(" ".join("%s/%s" % (cur[w], cap[w]) for w in sorted(cap)))
print("over" if any(int(cur[w]) > int(cap[w]) for w in cap) or not cap else "within")
PYEOF
has "(a) /metrics: each worker within its lowered cap ($(head -1 "$T_TMP/a.cap"))" '^within$' "$T_TMP/a.cap"
has "(a) that cap is below 1,024" '^savoir_connections_max\{worker="0"\} [0-9]{1,2}[0-9]?$' "$T_TMP/a.metrics"
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
# Now take descriptors away from the running daemon, so that accept()
# itself fails: the worker must pause, not spin.
sleep 0.5
# As root, savoird runs as nobody: prlimit(2) on it then needs its uid.
as_daemon=()
[ "$(id -u)" -eq 0 ] && as_daemon=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if "${as_daemon[@]}" prlimit --pid "$pid" --nofile=100:100 2>"$T_TMP/prlimit.err"; then
"$PY" - "$PS" >"$T_TMP/a2.out" 2>&1 <<'PYEOF' &
import socket, sys, time
idle = [socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        for _ in range(300)]
time.sleep(4)
PYEOF
cpid=$!
pids+=("$cpid")
sleep 3
errs=$(grep -c 'accept: Too many open files; not accepting' "$log")
if [ "$errs" -ge 1 ] && [ "$errs" -le 12 ]; then
	ok "(a) out of descriptors: accept pauses, logged at most once a second per worker ($errs lines in ~3 s)"
else not_ok "(a) out of descriptors: $errs accept lines"; grep -i 'accept' "$log" | tail -5 | diag; fi
wait "$cpid" 2>/dev/null
sleep 1
status=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PH/healthz")
if [ "$status" = 200 ]; then ok "(a) ... and serves again once they are back"
else not_ok "(a) /healthz after descriptors came back: $status"; tail -5 "$log" | diag; fi
else
	why=$(head -1 "$T_TMP/prlimit.err")
	ok "# SKIP cannot lower the running daemon's descriptor limit: $why"
	ok "# SKIP (same)"
fi
stop
hasnt "(a) no libevent accept loop message" 'Error from accept' "$log"

# --- (b) 2,000 trickling connections from 20 addresses ----------------------------
part_b() {
write_conf "max_connections = 400" "max_per_address = 64" \
	"request_timeout = 30"
log="$T_TMP/b.log"
start "$log"
"$PY" - "$PH" "$T_TMP/b.stop" >"$T_TMP/b.out" 2>&1 <<'PYEOF' &
# 100 connections from each of 127.0.0.2-21 send a request head one byte
# every 2 s, and come back when the server closes them.
import asyncio, os, sys
port, stopfile = int(sys.argv[1]), sys.argv[2]
HEAD = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
stats = {"connects": 0, "closed": 0, "errors": 0}

async def trickle(src):
    while not os.path.exists(stopfile):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port,
                                                 local_addr=(src, 0))
        except OSError:
            stats["errors"] += 1
            await asyncio.sleep(0.5)
            continue
        stats["connects"] += 1
        try:
            for b in HEAD:
                w.write(bytes([b]))
                await w.drain()
                try:
                    if await asyncio.wait_for(r.read(1), 2.0) == b"":
                        break
                except asyncio.TimeoutError:
                    pass
                if os.path.exists(stopfile):
                    break
        except OSError:
            pass
        stats["closed"] += 1
        w.close()
        await asyncio.sleep(1)

async def main():
    tasks = [asyncio.create_task(trickle("127.0.0.%d" % (2 + i // 100)))
             for i in range(2000)]
    while not os.path.exists(stopfile):
        await asyncio.sleep(1)
        print("open", stats["connects"] - stats["closed"], stats, flush=True)
    await asyncio.gather(*tasks, return_exceptions=True)

asyncio.run(main())
PYEOF
cpid=$!
pids+=("$cpid")
sleep 5
: >"$T_TMP/b.times"
: >"$T_TMP/b.search"
: >"$T_TMP/b.caps"
for _ in 1 2 3 4 5; do
	timed "http://127.0.0.1:$PH/healthz" >>"$T_TMP/b.times"
	timed "https://127.0.0.1:$PS/healthz" >>"$T_TMP/b.times"
	timed "http://127.0.0.1:$PH/api/search?q=eau" >>"$T_TMP/b.search"
	curl -s --max-time 5 "http://127.0.0.1:$PH/metrics" >"$T_TMP/b.metrics"
	"$PY" - "$T_TMP/b.metrics" >>"$T_TMP/b.caps" <<'PYEOF'
import re, sys
m = open(sys.argv[1]).read()
cur = dict(re.findall(r'^savoir_connections\{worker="(\d+)"\} (\d+)', m, re.M))
cap = dict(re.findall(r'^savoir_connections_max\{worker="(\d+)"\} (\d+)', m, re.M))
print(" ".join("%s/%s" % (cur[w], cap[w]) for w in sorted(cap)),
      "over" if any(int(cur[w]) > int(cap[w]) for w in cap) or not cap else "within")
PYEOF
	sleep 0.7
done
touch "$T_TMP/b.stop"
wait "$cpid" 2>/dev/null
tail -1 "$T_TMP/b.out" | sed 's/^/# tricklers: /'
has "(b) the tricklers held connections open" '^open [0-9]{3,}' "$T_TMP/b.out"
under1 "(b) /healthz (plain and TLS) answered within 1 s among 2,000 trickling connections" "$T_TMP/b.times"
under1 "(b) a search answered within 1 s among them" "$T_TMP/b.search"
if [ -s "$T_TMP/b.caps" ] && ! grep -q over "$T_TMP/b.caps"; then
	ok "(b) no worker over its cap of 400 ($(tr '\n' ';' <"$T_TMP/b.caps" | sed 's/ within//g'))"
else not_ok "(b) a worker over its cap"; diag <"$T_TMP/b.caps"; fi
has "(b) workers were full (some of the 2 x 400 held)" '^[0-9]{3}/400 ' "$T_TMP/b.caps"
has "(b) max_per_address turned connections away" \
	'already held 64 connections \(max_per_address\)' "$log"
has "(b) stale connections were shed for newcomers" \
	'^savoir_connections_shed_total [1-9]' "$T_TMP/b.metrics"
stop
hasnt "(b) no accept error" 'accept: |Error from accept' "$log"

}
if ulimit -n 8192 2>/dev/null; then
	part_b
else
	for i in $(seq 9 16); do ok "# SKIP (b): cannot raise this shell's descriptor limit to 8192 (ulimit -n: $(ulimit -n))"; done
fi

# --- (c) a connection closed is no longer counted for its address ------------------
# 600 requests one after the other, each on a connection of its own, from
# 127.0.0.1 with the default max_per_address of 64.
write_conf
log="$T_TMP/c.log"
start "$log"
"$PY" - "$PH" >"$T_TMP/c.out" 2>&1 <<'PYEOF'
import http.client, sys
port, codes = int(sys.argv[1]), {}
for _ in range(600):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", "/healthz")
        st = c.getresponse().status
    except OSError as e:
        st = type(e).__name__
    codes[st] = codes.get(st, 0) + 1
    c.close()
print(codes)
PYEOF
has "(c) 600 short connections in a row from one address are all served" '^\{200: 600\}$' "$T_TMP/c.out"
stop
cat "$T_TMP"/?.log >"$T_TMP/all.log"
hasnt "no sanitizer report in any server log" 'AddressSanitizer|LeakSanitizer|runtime error' "$T_TMP/all.log"
finish
