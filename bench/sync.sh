#!/usr/bin/env bash
# bench/sync.sh - what savoir sync costs against carrying the base whole:
# one savoird (A) on loopback serves a base indexed from TREE; B syncs it
# for the first time (full), then one document changes on A and B syncs
# again (incremental: the replication lag a read replica adds to its sync
# interval).  The baseline, in the same run: savoir export of A, a copy,
# savoir import into a fresh base.  Prints the figures and the ratios.
#
# usage: bench/sync.sh BUILDDIR [TREE]   (TREE: the shipped corpus/)
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
tree_in=${2:-$top/corpus}
export SAVOIR_PLUGINS=${SAVOIR_PLUGINS:-$build/plugins-dev}
t=$(mktemp -d /tmp/savoir-bench-sync.XXXXXX)
pid=""
trap 'kill $pid 2>/dev/null; rm -rf "$t"' EXIT
chmod 755 "$t"

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

cp -r "$tree_in" "$t/tree"
mkdir -p "$t/a" "$t/b" "$t/c"
"$build/savoir" --db "$t/a/kb.db" index "$t/tree" >"$t/index.out" 2>&1
ndocs=$(sqlite3 "$t/a/kb.db" "SELECT count(*) FROM docs")

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$t/k.pem" -out "$t/c.pem" >/dev/null 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runas=""
if [ "$(id -u)" -eq 0 ]; then
	runas="user = nobody"
	chmod -R a+rwX "$t"
fi
cat >"$t/a.conf" <<EOF
[server]
listen = 127.0.0.1:$port
$runas
state_dir = $t/state
db = $t/a/kb.db
www = $top/www
[tls]
cert = $t/c.pem
key = $t/k.pem
EOF
"$build/savoird" -f -c "$t/a.conf" >"$t/a.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -sk -o /dev/null "https://127.0.0.1:$port/healthz" && break
	sleep 0.1
done
pin=$(sed -n 's/.*public key pin: //p' "$t/a.log" | head -1)
U="https://127.0.0.1:$port"

s0=$(now)
"$build/savoir" --db "$t/b/kb.db" sync "$U" --pin "$pin" >"$t/full.out"
s1=$(now)
# One document changed: the first note of the tree gets a line; in a tree
# of LEGI codes (JSON), the first article in force of the first code.
f=$(find "$t/tree" -type f -name '*.md' | sort | head -1)
if [ -n "$f" ]; then
	printf '\nUne ligne ajoutée pour la mesure.\n' >>"$f"
else
	f=$(find "$t/tree" -type f -name '*.json' | sort | head -1)
	python3 - "$f" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
def walk(v):
    if isinstance(v, dict):
        d = v.get("data", {})
        if v.get("type") == "article" and d.get("etat") == "VIGUEUR":
            d["texte"] += " Une phrase ajoutée pour la mesure."
            d["texteHtml"] += "<p>Une phrase ajoutée pour la mesure.</p>"
            return True
        return any(walk(x) for x in v.values())
    if isinstance(v, list):
        return any(walk(x) for x in v)
    return False
walk(doc)
json.dump(doc, open(sys.argv[1], "w"), ensure_ascii=False)
EOF
fi
"$build/savoir" --db "$t/a/kb.db" index "$t/tree" >"$t/index2.out" 2>&1
s2=$(now)
"$build/savoir" --db "$t/b/kb.db" sync "$U" --pin "$pin" >"$t/incr.out"
s3=$(now)

e0=$(now)
"$build/savoir" --db "$t/a/kb.db" export "$t/x.db" >/dev/null
cp "$t/x.db" "$t/c/x.db"
"$build/savoir" --db "$t/c/kb.db" import "$t/c/x.db" >/dev/null
e1=$(now)

full=$(secs "$s0" "$s1")
incr=$(secs "$s2" "$s3")
base=$(secs "$e0" "$e1")
echo "machine: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); corpus: $tree_in ($ndocs documents, base $(du -h "$t/a/kb.db" | cut -f1))"
echo "full first sync:        $full s   ($(cat "$t/full.out"))"
echo "incremental sync:       $incr s   ($(cat "$t/incr.out"))"
echo "export + copy + import: $base s"
python3 -c "print(f'ratio full sync / export+import: {$full / $base:.2f}; incremental / export+import: {$incr / $base:.3f}')"
