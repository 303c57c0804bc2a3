#!/usr/bin/env bash
# debqa.sh - the archive's own checks on the packages ./dev deb built:
#   autopkgtest  debian/tests run on the built .debs in a throwaway chroot
#                (autopkgtest-virt-chroot on a fresh copy of the cached
#                Debian 12 root, in private mount and PID namespaces);
#   piuparts     install, remove, purge in a clean chroot, and an upgrade
#                from the previous successful run's .debs (kept in
#                $cache/deb-previous/, served to the chroot as a local apt
#                repository); skipped, and said so, on a first run;
#   reprotest    the release tarball built twice with a varied environment
#                (the variations applied are listed): the .debs must be
#                identical, diffoscope says where they differ if not.
# Each check writes its log under LOGDIR; a summary gives PASS, FAIL or
# SKIP, the time taken and the log of each, and the exit status is 1 when
# one failed.  It only reads DEBDIR and TARBALL.
#
# Usage: debqa.sh DEBDIR TARBALL LOGDIR
#   DEBDIR   the .debs and .changes (make deb's deb/)
#   TARBALL  the release tarball they were built from (make dist's)
#
# Root only (chroots, mounts).  The minimal Debian 12 root is the one
# ./dev fresh caches (debootstrap --variant=minbase from the host's Debian
# mirror, made on first use).  Environment: SAVOIR_DEBQA_SKIP="reprotest
# ..." leaves checks out (reported as SKIP); SAVOIR_FRESH_CACHE as for
# ./dev fresh.
set -uo pipefail

say() { printf '\033[1m== debqa: %s\033[0m\n' "$*" >&2; }
die() { printf 'debqa: %s\n' "$*" >&2; exit 2; }

[ $# -eq 3 ] || die "usage: debqa.sh DEBDIR TARBALL LOGDIR"
debdir=$(cd "$1" && pwd) || die "$1: no such directory"
tarball_src=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
[ -f "$tarball_src" ] || die "$2: no such file"
logdir=$3
mkdir -p "$logdir" && logdir=$(cd "$logdir" && pwd)
[ "$(id -u)" -eq 0 ] || die "needs root (chroots, mounts): run it with sudo"
for t in autopkgtest piuparts reprotest debootstrap unshare dpkg-scanpackages; do
	command -v "$t" >/dev/null || die "$t is missing (./dev deb installs it)"
done

cache=${SAVOIR_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/savoir}
arch=$(dpkg --print-architecture)
base="$cache/debian12-minbase-$arch.tar.gz"
previous="$cache/deb-previous"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/savoir-debqa.XXXXXX")
cleanup() {
	# Mounts live in namespaces that have ended; one left here all the
	# same is detached before anything is removed.
	findmnt -rn -o TARGET 2>/dev/null | grep "^$work/" | sort -r |
	    while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The packages under test: every .deb but the debug symbols.
debs=()
for f in "$debdir"/*.deb; do
	case $f in *-dbgsym_*) ;; *) [ -f "$f" ] && debs+=("$f") ;; esac
done
[ ${#debs[@]} -gt 0 ] || die "no .deb in $debdir"
srcdir=$(find "$debdir" -mindepth 2 -maxdepth 2 -name debian -type d | head -1)
srcdir=${srcdir%/debian}
[ -n "$srcdir" ] || die "no unpacked source tree in $debdir"

# Debian's URI for a suite from the host's apt sources, as ./dev fresh
# finds it.
. "$(dirname "$0")/../fresh/apt.sh"
mirror=$(apt_uri bookworm)
mirror=${mirror:-http://deb.debian.org/debian}

# --- the cached minimal Debian 12 root (shared with ./dev fresh) ---------
mkdir -p "$cache"
if [ ! -s "$base" ]; then
	say "debootstrap --variant=minbase bookworm (cached in $base)"
	boot="$work/boot"
	mkdir -p "$boot"
	debootstrap --variant=minbase bookworm "$boot/root" "$mirror" \
	    >"$cache/debootstrap.log" 2>&1 ||
	    { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
	    >"$boot/root/etc/hosts"
	echo fresh-debian12 >"$boot/root/etc/hostname"
	rm -rf "$boot/root/var/cache/apt/archives/"*.deb
	tar -C "$boot/root" -czf "$base.tmp" .
	mv "$base.tmp" "$base"
	rm -rf "$boot"
fi

names=() results=() times=() logs=() notes=()
# record NAME RESULT SECONDS LOG NOTE
record() {
	names+=("$1"); results+=("$2"); times+=("$3"); logs+=("$4"); notes+=("$5")
}
skipped() { case " ${SAVOIR_DEBQA_SKIP:-} " in *" $1 "*) return 0 ;; esac; return 1; }

# --- autopkgtest -----------------------------------------------------------
# autopkgtest-virt-chroot on a fresh copy of the root: nothing to revert,
# the copy goes afterwards.  /proc, /dev and /sys are mounted in a private
# mount namespace, so they go with it whatever happens.
run_autopkgtest() {
	local root="$work/autopkgtest-root" log="$logdir/autopkgtest.log" start rc
	start=$(date +%s)
	mkdir -p "$root"
	tar -C "$root" -xzf "$base"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
	rm -rf "$logdir/autopkgtest.out"
	unshare --mount --pid --fork --propagation private bash -c '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sysfs "$root/sys"
		mount -t tmpfs tmpfs "$root/tmp"
		exec autopkgtest "$@" -- chroot "$root"
	    ' debqa "$root" --output-dir "$logdir/autopkgtest.out" \
	    "${debs[@]}" "$srcdir/" >"$log" 2>&1
	rc=$?
	# 0: all passed; 2: some skipped, none failed.
	local summary
	summary=$(tr -s ' ' <"$logdir/autopkgtest.out/summary" 2>/dev/null |
	    paste -sd ';' | sed 's/;/; /g')
	case $rc in
	0|2) record autopkgtest PASS $(($(date +%s) - start)) "$log" "$summary" ;;
	*)   record autopkgtest FAIL $(($(date +%s) - start)) "$log" "exit $rc; $summary" ;;
	esac
	rm -rf --one-file-system "$root"
}

# --- piuparts ----------------------------------------------------------------
# One run: install, remove, purge, then (when there are previous .debs) the
# previous packages installed with apt from a local repository, upgraded
# to these, removed and purged.
run_piuparts() {
	local log="$logdir/piuparts.log" start rc args=() prevrepo="$work/previous"
	local up
	start=$(date +%s)
	rm -f "$log"
	if ls "$previous"/*.deb >/dev/null 2>&1; then
		mkdir -p "$prevrepo"
		cp "$previous"/*.deb "$prevrepo/"
		(cd "$prevrepo" && dpkg-scanpackages --multiversion . >Packages 2>/dev/null)
		args+=(--bindmount="$prevrepo"
		    --extra-repo="deb [trusted=yes] file://$prevrepo ./")
	fi
	piuparts --basetgz="$base" --mirror="$mirror main" -d bookworm \
	    --log-file="$log" "${args[@]}" "${debs[@]}" >"$log.out" 2>&1
	rc=$?
	[ -s "$log" ] || mv "$log.out" "$log"
	rm -f "$log.out"
	if grep -q 'PASS: Installation and purging test' "$log"; then
		record "piuparts install/remove/purge" PASS $(($(date +%s) - start)) "$log" ""
	else
		record "piuparts install/remove/purge" FAIL $(($(date +%s) - start)) "$log" \
		    "$(grep -m1 -E 'ERROR|FAIL' "$log" | cut -c1-160)"
	fi
	if [ ${#args[@]} -eq 0 ]; then
		record "piuparts upgrade" SKIP - "$log" \
		    "no previous build in $previous (the first run keeps this one's)"
	elif grep -q 'PASS: Installation, upgrade and purging tests' "$log"; then
		up="from $previous ($(cd "$previous" && ls *.deb | wc -l) packages"
		# Byte for byte the same packages: apt had nothing to upgrade.
		if (cd "$previous" && sha256sum *.deb) |
		    (cd "$debdir" && sha256sum --quiet -c -) >/dev/null 2>&1; then
			up="$up, identical to these: nothing was upgraded)"
		else
			up="$up, $(grep -c '^  Unpacking .* over ' "$log") unpacked over them)"
		fi
		record "piuparts upgrade" PASS - "$log" "$up (in the run above)"
	else
		record "piuparts upgrade" FAIL - "$log" \
		    "$(grep -m1 -E 'ERROR|FAIL|Can.t test' "$log" | cut -c1-160)"
	fi
	[ $rc -eq 0 ] || [ "${results[-1]}${results[-2]}" != PASSPASS ] ||
	    results[-1]=FAIL

	# savoir alone: the postinst's other path (an empty index, no
	# corpus), and a purge with no corpus ever installed.
	log="$logdir/piuparts-savoir-alone.log"
	start=$(date +%s)
	rm -f "$log"
	piuparts --basetgz="$base" --mirror="$mirror main" -d bookworm \
	    --log-file="$log" "$debdir"/savoir_*.deb >/dev/null 2>&1
	if grep -q 'PASS: Installation and purging test' "$log"; then
		record "piuparts savoir alone" PASS $(($(date +%s) - start)) "$log" ""
	else
		record "piuparts savoir alone" FAIL $(($(date +%s) - start)) "$log" \
		    "$(grep -m1 -E 'ERROR|FAIL' "$log" | cut -c1-160)"
	fi
}

# --- reprotest -----------------------------------------------------------------
# The variations: all of reprotest's that work here (fileordering needs
# FUSE for disorderfs).
run_reprotest() {
	local log="$logdir/reprotest.log" start rc src="$work/reprotest" vary
	local applied
	start=$(date +%s)
	vary="+all"
	if [ ! -e /dev/fuse ] || ! command -v disorderfs >/dev/null; then
		vary="$vary,-fileordering"
	fi
	# user_group (the second build as another user) goes through
	# "sudo -h localhost", which bookworm's sudo 1.9 refuses
	# ("a remote host may only be specified when listing privileges").
	vary="$vary,-user_group"
	mkdir -p "$src"
	tar -C "$src" -xzf "$tarball_src"
	local top
	top=$(find "$src" -mindepth 1 -maxdepth 1 -type d | head -1)
	rm -rf "$logdir/reprotest.out"
	(cd "$top" && reprotest --verbosity 1 --variations="$vary" \
	    --min-cpus="$(nproc)" --store-dir="$logdir/reprotest.out" \
	    --diffoscope-arg=--text="$logdir/reprotest.diff.txt" \
	    -c 'DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b' \
	    . '../*.deb') >"$log" 2>&1
	rc=$?
	# What the second build varied, and how (reprotest's own words).
	applied=$(sed -n 's/^INFO:reprotest:build "experiment-1": //p' "$log" |
	    tr ',' '\n' | sed -n 's/^ *vary //p' | paste -sd ',' | sed 's/,/, /g')
	applied="varied: ${applied:-?}"
	local how ignored
	how=$(sed -n '/^INFO:reprotest:build "experiment-1"/,$p' "$log" |
	    sed -n 's/^INFO:reprotest.build:\(BUILD_PATH\|FAKETIME\|LOCALE\|TIMEZONE\|UMASK\|HOME\|DOMAIN_HOST\|DISORDERFS\|KERNEL\|NUM_CPUS\) variation: //p' |
	    paste -sd ';' | sed 's/;/; /g')
	ignored=$(sed -n 's/^WARNING:reprotest.build:IGNORING \([a-z_]*\) variation.*/\1/p' "$log" |
	    paste -sd ' ')
	[ -n "$how" ] && applied="$applied (${how})"
	case $vary in *-fileordering*) ignored="$ignored fileordering" ;; esac
	case $vary in *-user_group*) ignored="$ignored user_group (sudo -h)" ;; esac
	ignored=$(echo $ignored)
	[ -n "$ignored" ] && applied="$applied; not varied here: $ignored"
	if [ $rc -eq 0 ] && grep -q -i 'reproduc' "$log"; then
		record reprotest PASS $(($(date +%s) - start)) "$log" "$applied"
	else
		record reprotest FAIL $(($(date +%s) - start)) "$log" \
		    "exit $rc; $applied; diff: $logdir/reprotest.diff.txt"
	fi
	rm -rf --one-file-system "$src"
}

for check in autopkgtest piuparts reprotest; do
	if skipped "$check"; then
		record "$check" SKIP 0 - "SAVOIR_DEBQA_SKIP"
		continue
	fi
	say "$check (log: $logdir/$check.log)"
	"run_$check"
done

# --- summary ---------------------------------------------------------------------
status=0
for i in "${!names[@]}"; do
	[ "${results[$i]}" = FAIL ] && status=1
done
{
	echo "== deb QA summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs)"
	for i in "${!names[@]}"; do
		t=${times[$i]}
		[ "$t" = - ] || t="${t}s"
		printf '%-30s %-4s %6s  %s\n' "${names[$i]}" "${results[$i]}" \
		    "$t" "${logs[$i]}"
		if [ -n "${notes[$i]}" ]; then
			printf '%-30s %s\n' "" "${notes[$i]}"
		fi
	done
} | tee "$logdir/summary.txt"

# The next run's upgrade test starts from these packages.
if [ $status -eq 0 ] && [ -z "${SAVOIR_DEBQA_SKIP:-}" ]; then
	rm -rf "$previous.tmp"
	mkdir -p "$previous.tmp"
	cp "${debs[@]}" "$previous.tmp/"
	rm -rf "$previous"
	mv "$previous.tmp" "$previous"
	echo "kept these packages in $previous for the next run's upgrade test"
fi
exit $status
