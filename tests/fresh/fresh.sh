#!/usr/bin/env bash
# fresh.sh - the README's promise checked the way a newcomer meets it
# (./dev fresh).
#
# A minimal Debian 12 root (debootstrap --variant=minbase, cached as a
# tarball), a clone of the committed tree inside it, and the README's two
# commands run there as root:
#   1. ./dev serve  from nothing: it must install, build, index and answer
#                   https://localhost:8443/ with the home page;
#   2. ./dev test   must end with "N passed, 0 failed".
# Everything runs in private mount and PID namespaces (unshare), so every
# mount and every process it started goes when it ends, whatever happens;
# the scratch root is removed too.
#
# The host's own way to reach the package registries is carried in and
# said so, never written into the project: its Debian mirror (from its apt
# sources), apt proxy settings, extra CA certificates (as behind a TLS
# proxy; handed to Node.js as NODE_EXTRA_CA_CERTS), its npm registry when
# it is not npm's default, and the *_proxy variables.
#
# Environment: SAVOIR_FRESH_CACHE (cache folder, default ~/.cache/savoir),
# SAVOIR_FRESH_KEEP=1 (keep the scratch root for a look), SAVOIR_FRESH_TIMEOUT
# (seconds for the whole run in the root, default 5400).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SAVOIR_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/savoir}
arch=$(dpkg --print-architecture)
tarball="$cache/debian12-minbase-$arch.tar.gz"
limit=${SAVOIR_FRESH_TIMEOUT:-5400}
port=8443

say() { printf '\033[1m== fresh: %s\033[0m\n' "$*" >&2; }
die() { printf 'fresh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts): run it with sudo"
for t in unshare chroot git tar; do
	command -v "$t" >/dev/null || die "$t is missing"
done
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap on the host"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
fi
if ! git -C "$top" diff --quiet HEAD 2>/dev/null; then
	say "note: uncommitted changes are not part of the check (it clones HEAD)"
fi
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
	die "port $port is in use on this host: ./dev serve in the root could not bind it"
fi

# --- what the host needs to reach the registries ------------------------
# Debian's URIs for one suite, from the host's apt sources (apt.sh).
. "$top/tests/fresh/apt.sh"
mirror=$(apt_uri bookworm)
security=$(apt_uri bookworm-security)
updates=$(apt_uri bookworm-updates)
carried=()
[ -n "$mirror" ] && carried+=("Debian mirror of the host's apt sources")

# Extra CA certificates the host trusts (a TLS-intercepting proxy's).
extra_ca=()
for c in /usr/local/share/ca-certificates/*.crt /usr/local/share/ca-certificates/*/*.crt; do
	[ -f "$c" ] && extra_ca+=("$c")
done
[ ${#extra_ca[@]} -gt 0 ] && carried+=("${#extra_ca[@]} extra CA certificate(s) of /usr/local/share/ca-certificates")
apt_proxy=$(apt-config dump 2>/dev/null | grep -iE '^Acquire::(https?|ftp)::Proxy' || true)
[ -n "$apt_proxy" ] && carried+=("apt proxy settings")
npm_registry=
if command -v npm >/dev/null; then
	npm_registry=$(npm config get registry 2>/dev/null || true)
	case $npm_registry in
	https://registry.npmjs.org/ | https://registry.npmjs.org | "") npm_registry= ;;
	*) carried+=("npm registry $npm_registry") ;;
	esac
fi
proxy_env=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
	if [ -n "${!v:-}" ]; then
		proxy_env+=("$v=${!v}")
		carried+=("\$$v")
	fi
done

# --- the cached minimal Debian 12 root -----------------------------------
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
	say "debootstrap --variant=minbase bookworm (cached in $tarball)"
	boot=$(mktemp -d "${TMPDIR:-/var/tmp}/savoir-debootstrap.XXXXXX")
	trap 'rm -rf "$boot"' EXIT
	debootstrap --variant=minbase bookworm "$boot/root" ${mirror:+"$mirror"} \
	    >"$cache/debootstrap.log" 2>&1 ||
	    { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
	# What any installed machine has and debootstrap leaves out.
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
	    >"$boot/root/etc/hosts"
	echo fresh-debian12 >"$boot/root/etc/hostname"
	rm -rf "$boot/root/var/cache/apt/archives/"*.deb
	tar -C "$boot/root" -czf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$boot"
	trap - EXIT
fi

# --- a scratch root for this run ----------------------------------------
work=$(mktemp -d "${TMPDIR:-/var/tmp}/savoir-fresh.XXXXXX")
root="$work/root"
log="$cache/fresh-last.log"
ns_pid=
cleanup() {
	local rc=$?
	if [ -n "$ns_pid" ] && kill -0 "$ns_pid" 2>/dev/null; then
		kill -KILL "$ns_pid" 2>/dev/null || true
		wait "$ns_pid" 2>/dev/null || true
	fi
	# Mounts live in the namespace that just ended; should one show up
	# here all the same, it is detached before anything is removed.
	if findmnt -rn -o TARGET 2>/dev/null | grep -q "^$work/"; then
		findmnt -rn -o TARGET | grep "^$work/" | sort -r |
		    while read -r m; do umount -l "$m" 2>/dev/null || true; done
	fi
	if [ "${SAVOIR_FRESH_KEEP:-0}" = 1 ]; then
		say "kept $root"
	else
		rm -rf --one-file-system "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "unpacking the Debian 12 root into $root"
mkdir -p "$root"
tar -C "$root" -xzf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
{
	[ -n "$mirror" ] && echo "deb $mirror bookworm main"
	[ -n "$updates" ] && echo "deb $updates bookworm-updates main"
	[ -n "$security" ] && echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list.fresh"
if [ -s "$root/etc/apt/sources.list.fresh" ]; then
	mv "$root/etc/apt/sources.list.fresh" "$root/etc/apt/sources.list"
else
	rm -f "$root/etc/apt/sources.list.fresh"
fi
[ -n "$apt_proxy" ] && printf '%s\n' "$apt_proxy" >"$root/etc/apt/apt.conf.d/90fresh-host-proxy"
mkdir -p "$root/fresh"
if [ ${#extra_ca[@]} -gt 0 ]; then
	cat "${extra_ca[@]}" >"$root/fresh/host-extra-ca.pem"
fi
commit=$(git -C "$top" rev-parse --short HEAD)
say "cloning the committed tree ($commit)"
git clone -q --no-hardlinks "$top" "$root/root/savoir"
git -C "$root/root/savoir" checkout -q "$commit"
if [ ${#carried[@]} -gt 0 ]; then
	say "carried from the host to reach the registries: $(IFS=';'; echo "${carried[*]}" | sed 's/;/, /g')"
else
	say "nothing carried from the host"
fi

# The run inside the root: serve from nothing, then test.
inner_env=("# carried from the host, if anything")
[ ${#extra_ca[@]} -gt 0 ] && inner_env+=("export NODE_EXTRA_CA_CERTS=/fresh/host-extra-ca.pem")
[ -n "$npm_registry" ] && inner_env+=("export NPM_CONFIG_REGISTRY=$(printf %q "$npm_registry")")
for e in "${proxy_env[@]}"; do inner_env+=("export $(printf %q "$e")"); done
cat >"$root/fresh/inner.sh" <<EOF
#!/bin/bash
set -u
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
$(printf '%s\n' "${inner_env[@]}")
cd /root/savoir
echo "== fresh: Debian \$(cat /etc/debian_version), \$(dpkg-query -W -f='\${db:Status-Abbrev}\n' | grep -c '^ii') packages before ./dev"

start=\$(date +%s)
./dev serve >/fresh/serve.log 2>&1 &
serve=\$!
served=0
while kill -0 \$serve 2>/dev/null && [ \$(( \$(date +%s) - start )) -lt 1800 ]; do
	if command -v curl >/dev/null &&
	    curl -sk --max-time 5 https://localhost:$port/ -o /fresh/home.html 2>/dev/null; then
		served=1
		break
	fi
	sleep 2
done
t_serve=\$(( \$(date +%s) - start ))
kill -TERM \$serve 2>/dev/null; wait \$serve 2>/dev/null
if [ \$served -eq 1 ] && grep -q 'id="titre-accueil"' /fresh/home.html; then
	echo "== fresh: ./dev serve answered https://localhost:$port/ with the home page after \${t_serve} s"
	serve_ok=1
else
	echo "== fresh: ./dev serve did NOT answer https://localhost:$port/ with the home page (\${t_serve} s)"
	tail -30 /fresh/serve.log
	serve_ok=0
fi

start=\$(date +%s)
./dev test >/fresh/test.log 2>&1
test_rc=\$?
t_test=\$(( \$(date +%s) - start ))
summary=\$(grep -E '^[0-9]+ passed, [0-9]+ failed' /fresh/test.log | tail -1)
echo "== fresh: ./dev test: \${summary:-no summary line} (exit \$test_rc, \${t_test} s)"
test_ok=0
case \$summary in
*" passed, 0 failed"*) [ \$test_rc -eq 0 ] && test_ok=1 ;;
esac
[ \$test_ok -eq 1 ] || grep -E -A12 '^(not ok|FAIL|ERROR)|^---' /fresh/test.log | head -120
echo "== fresh: node \$(node --version 2>/dev/null), chromium \$(chromium --version 2>/dev/null | awk '{print \$2}')"
[ \$serve_ok -eq 1 ] && [ \$test_ok -eq 1 ]
EOF
chmod +x "$root/fresh/inner.sh"

say "running ./dev serve then ./dev test inside (log: $log)"
t0=$(date +%s)
# Private mount and PID namespaces: the mounts and every process started
# inside end with unshare, even on a kill.
unshare --mount --propagation private --pid --fork --kill-child=KILL -- \
    bash -c '
	set -e
	r=$1
	mount -t proc proc "$r/proc"
	mount -t sysfs -o ro sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
	exec timeout -s KILL "$2" chroot "$r" /fresh/inner.sh
    ' fresh "$root" "$limit" >"$log" 2>&1 &
ns_pid=$!
rc=0
wait "$ns_pid" || rc=$?
ns_pid=
dt=$(( $(date +%s) - t0 ))
grep '^== fresh' "$log" | sed 's/^== fresh: /  /' >&2 || true
if [ $rc -eq 0 ]; then
	say "PASS in ${dt} s ($(date -u +%Y-%m-%dT%H:%MZ), commit $commit)"
else
	grep -v '^== fresh' "$log" | tail -60 >&2 || true
	say "FAIL (exit $rc) in ${dt} s; full log: $log"
fi
exit $rc
