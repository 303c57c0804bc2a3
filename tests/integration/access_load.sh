#!/usr/bin/env bash
# access_load.sh - access control under a password-guessing crowd: the
# real savoird on loopback with [access] on, 200 concurrent wrong
# passwords (waves of them for 3 s) from 50 loopback addresses while /healthz and an
# identified search are timed (p99 under 100 ms each, figures in the
# output); then what keeps yescrypt off the event loops: a cache hit
# hashes nothing, a full queue answers 503, the global budget 429, and
# SIGHUP forgets what was verified.  Loopback only, about 20 s.
# SAVOIRD=path runs another build (bench/README.md's before figure);
# ACCESS_LOAD_CONF adds a line to [access] (verify_rate = 10000: the
# verifiers' queue alone, without the budget).
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
# Binding a client to 127.0.0.2 needs the whole 127/8 on lo (Linux).
if ! "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.51", 0))' 2>/dev/null; then
	echo "1..0 # SKIP cannot bind to 127.0.0.51"
	exit 0
fi

mkdir -p "$T_TMP/db"
kb="$T_TMP/db/kb.db"
"$SAVOIR" --db "$kb" index "$top_srcdir/tests/data/mini" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index"; cat "$T_TMP/index.out"; exit 1; }
users="$T_TMP/users"
printf 'battery staple\n' | "$SAVOIR" passwd --file "$users" alice >/dev/null 2>&1
printf 'autre\n' | "$SAVOIR" passwd --file "$users" bob >/dev/null 2>&1
printf 'encore\n' | "$SAVOIR" passwd --file "$users" carol >/dev/null 2>&1
grep -q '^carol:\$y\$' "$users" || { echo "Bail out! savoir passwd failed"; exit 1; }

runas_setup
[ -z "$runas" ] || chgrp nogroup "$users"
PH=$(free_ports 1)
conf="$T_TMP/savoir.conf"
write_conf() {
	cat >"$conf" <<EOF
[server]
listen =
http_listen = 127.0.0.1:$PH
workers = 2
$runas
state_dir = $T_TMP/state
db = $kb
www = $www
log_level = info

[access]
users = $users
${ACCESS_LOAD_CONF:-}
EOF
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$conf"
	return 0
}
write_conf
log="$T_TMP/savoird.log"
"$SAVOIRD" -f -c "$conf" >"$log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
H="http://127.0.0.1:$PH"
daemon_wait $pid "$H/healthz" 10
plan 16

# get URL [curl args]: prints the status; headers in hdr, body in body.
get() {
	curl -s --max-time 10 -D "$T_TMP/hdr" -o "$T_TMP/body" \
		-w '%{http_code}' "$@" 2>/dev/null || true
}
# identified USER: how many times the log says USER's password was hashed.
identified() { grep -c "access: .*: $1 identified" "$log" || true; }
reload() {
	write_conf "$@"
	kill -HUP $pid
	for _ in $(seq 1 50); do
		[ "$(grep -c 'reloaded' "$log")" -gt "${reloads:-0}" ] && break
		sleep 0.1
	done
	reloads=$(grep -c 'reloaded' "$log")
}

cat >"$T_TMP/load.py" <<'EOF'
# Concurrent clients over raw sockets, each bound to its own loopback
# source address: asyncio, one request a connection.
import asyncio, base64, json, multiprocessing, socket, sys, time

PORT = int(sys.argv[1])


async def request(path, src="127.0.0.1", cred=None, timeout=30):
    """(status, seconds, headers and body as text)."""
    t0 = time.monotonic()
    s = socket.socket()
    s.setblocking(False)
    s.bind((src, 0))
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.sock_connect(s, ("127.0.0.1", PORT)), timeout)
        r, w = await asyncio.open_connection(sock=s)
        auth = ""
        if cred is not None:
            auth = "Authorization: Basic %s\r\n" % base64.b64encode(cred.encode()).decode()
        w.write(("GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n" % (path, auth)).encode())
        data = await asyncio.wait_for(r.read(), timeout)
        w.close()
    except (OSError, asyncio.TimeoutError) as e:
        s.close()
        return (0, time.monotonic() - t0, repr(e))
    text = data.decode("utf-8", "replace")
    try:
        status = int(text.split(" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return (status, time.monotonic() - t0, text)


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000 if xs else float("nan")


def probe(path, cred, stop, out):
    """Time path again and again until stop, in a process of its own so
    that the crowd's client work does not count."""
    async def run():
        xs = []
        while not stop.is_set():
            st, dt, _ = await request(path, cred=cred)
            xs.append((st, dt))
            await asyncio.sleep(0.005)
        out.put(xs)
    asyncio.run(run())


async def crowd(n, addrs, path, tag, offset=0):
    """n wrong passwords at once from addrs loopback addresses."""
    return await asyncio.gather(*[
        request(path, "127.0.0.%d" % (2 + offset + i % addrs), "alice:%s%d" % (tag, i))
        for i in range(n)])


def load():
    ctx = multiprocessing.get_context("fork")
    stop, outs, procs = ctx.Event(), [], []
    for path, cred in (("/healthz", None), ("/api/search?q=eau", "bob:autre")):
        outs.append(ctx.Queue())
        procs.append(ctx.Process(target=probe, args=(path, cred, stop, outs[-1])))
        procs[-1].start()
    time.sleep(0.3)
    t0 = time.monotonic()
    codes, waves = {}, 0
    # Waves of 200 at once for 3 s, two at least.
    while waves < 2 or time.monotonic() - t0 < 3:
        for st, _, _ in asyncio.run(crowd(200, 50, "/", "faux%d-" % waves)):
            codes[st] = codes.get(st, 0) + 1
        waves += 1
    attack = time.monotonic() - t0
    stop.set()
    health, search = [q.get(timeout=30) for q in outs]
    for p in procs:
        p.join()
    bad = [st for st, _ in health + search if st != 200]
    print(json.dumps({
        "attack_s": round(attack, 2), "waves": waves, "codes": codes,
        "healthz": {"n": len(health), "p99_ms": round(p99([d for _, d in health]), 1),
                    "max_ms": round(max(d for _, d in health) * 1000, 1)},
        "search": {"n": len(search), "p99_ms": round(p99([d for _, d in search]), 1),
                   "max_ms": round(max(d for _, d in search) * 1000, 1)},
        "not_200": len(bad)}))


async def burst(n, path):
    """n wrong passwords at once, one address each; the statuses, and
    the first answer of each status."""
    rs = await crowd(n, 200, path, "burst", 60)
    codes, first = {}, {}
    for st, _, text in rs:
        codes[st] = codes.get(st, 0) + 1
        first.setdefault(str(st), text)
    print(json.dumps({"codes": codes, "first": first}))


async def leave(n):
    """n wrong passwords whose clients hang up at once."""
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", PORT), source_address=("127.0.0.200", 0))
        auth = base64.b64encode(b"carol:gone%d" % i).decode()
        s.sendall(("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n" % auth).encode())
        s.close()
    await asyncio.sleep(0.1)
    st, _, _ = await request("/healthz")
    print(st)


async def pipelined():
    """Two requests in one packet, the first waiting for its password."""
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    auth = base64.b64encode(b"carol:pipeline").decode()
    req = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n" % auth
    w.write((req + req.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")).encode())
    data = await asyncio.wait_for(r.read(), 10)
    print(data.decode("utf-8", "replace").count("HTTP/1.1 401"))


if sys.argv[2] == "load":
    load()
elif sys.argv[2] == "leave":
    asyncio.run(leave(int(sys.argv[3])))
elif sys.argv[2] == "burst":
    asyncio.run(burst(int(sys.argv[3]), sys.argv[4]))
else:
    asyncio.run(pipelined())
EOF

# --- a cache hit hashes nothing ------------------------------------------------
for _ in 1 2 3 4 5; do get "$H/api/search?q=eau" -u 'bob:autre' >>"$T_TMP/codes"; echo >>"$T_TMP/codes"; done
if [ "$(sort -u "$T_TMP/codes")" = 200 ]; then ok "five identified requests: 200"
else not_ok "five identified requests: 200 (got $(tr '\n' ' ' <"$T_TMP/codes"))"; fi
n=$(identified bob)
if [ "$n" = 1 ]; then ok "... and one password hashing: the others hit the cache"
else not_ok "... and one password hashing: the others hit the cache (got $n)"; fi
n=$(get "$H/" -u 'bob:faux')
if [ "$n" = 401 ]; then ok "a wrong password, waited for off the event loop: 401"
else not_ok "a wrong password, waited for off the event loop: 401 (got $n)"; fi
n=$(timeout 15 "$PY" "$T_TMP/load.py" "$PH" pipelined 2>&1)
if [ "$n" = 2 ]; then ok "two pipelined requests with a wrong password: two 401s"
else not_ok "two pipelined requests with a wrong password: two 401s (got $n)"; fi

n=$(timeout 15 "$PY" "$T_TMP/load.py" "$PH" leave 8 2>&1)
sleep 1	# their verifications done, their answers dropped
if [ "$n" = 200 ] && [ "$(get "$H/api/search?q=eau" -u 'bob:autre')" = 200 ]; then
	ok "clients that hang up while their password is verified: served on"
else not_ok "clients that hang up while their password is verified: served on (got $n)"; fi

# --- SIGHUP forgets what was verified ---------------------------------------------
reload
get "$H/api/search?q=eau" -u 'bob:autre' >/dev/null
n=$(identified bob)
if [ "$n" = 2 ]; then ok "after SIGHUP the cache is empty: the password is hashed again"
else not_ok "after SIGHUP the cache is empty: the password is hashed again (hashed $n times)"; fi

# --- the measurement -----------------------------------------------------------
# bob is in the cache: a person already identified, as during an attack.
timeout 50 "$PY" "$T_TMP/load.py" "$PH" load >"$T_TMP/load.json" 2>&1
echo "# $(nproc) CPUs, $(date -u +%Y-%m-%d): $(cat "$T_TMP/load.json")"
check "the load ran" "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/load.json"
check "/healthz p99 under 100 ms during waves of 200 wrong passwords from 50 addresses" \
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["healthz"]["p99_ms"] < 100, d' "$T_TMP/load.json"
check "... an identified search's p99 too" \
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["search"]["p99_ms"] < 100, d' "$T_TMP/load.json"
check "... and neither ever failed" \
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["not_200"] == 0, d' "$T_TMP/load.json"
kill -0 $pid 2>/dev/null && ok "savoird is still up" || not_ok "savoird is still up"

# --- a full queue: 503 at once -----------------------------------------------------
reload "verify_queue = 1" "verify_threads = 1" "verify_rate = 10000" "max_failures = 10000"
# The load's queue drained first (a slow machine may still be hashing).
for _ in $(seq 1 100); do
	[ "$(get "$H/" -u 'carol:drain' --interface 127.0.0.250)" = 401 ] && break
	sleep 0.2
done
timeout 30 "$PY" "$T_TMP/load.py" "$PH" burst 40 /api/search >"$T_TMP/burst.json" 2>&1
check "40 at once with a queue of one: some 503s, the rest 401s" "$PY" -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["codes"].get("503", 0) > 0 and d["codes"].get("401", 0) > 0, d
assert set(d["codes"]) == {"401", "503"}, d' "$T_TMP/burst.json"
check "... the 503 in JSON under /api/, in French, with Retry-After" "$PY" -c '
import json,sys; t=json.load(open(sys.argv[1]))["first"]["503"]
h, b = t.split("\r\n\r\n", 1)
assert "\r\nRetry-After: 1" in h, h
e = json.loads(b)["error"]; assert e["code"] == "identification_busy" and "occupé" in e["message"], e' "$T_TMP/burst.json"

# --- over the global budget: 429 -----------------------------------------------------
reload "verify_rate = 2" "max_failures = 10000"
before=$(grep -c 'over the budget of password verifications' "$log")
sleep 1.1	# a full bucket
timeout 30 "$PY" "$T_TMP/load.py" "$PH" burst 20 / >"$T_TMP/burst.json" 2>&1
check "20 at once over a budget of 2 a second: 429s beyond the budget" "$PY" -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["codes"].get("429", 0) >= 15 and d["codes"].get("401", 0) >= 1, d' "$T_TMP/burst.json"
check "... with Retry-After and a French page" "$PY" -c '
import json,sys; t=json.load(open(sys.argv[1]))["first"]["429"]
assert "\r\nRetry-After: 1" in t and "demandes d" in t, t[:800]' "$T_TMP/burst.json"
n=$(($(grep -c 'over the budget of password verifications' "$log") - before))
if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then ok "... logged at most once a second ($n lines)"
else not_ok "... logged at most once a second ($n lines)"; fi

finish
