#!/usr/bin/env bash
# debian.sh - the Debian packages as an administrator meets them: build them
# from a copy of the source tree (dpkg-buildpackage), lintian, install them
# on this machine with apt, then check the service user, owners and modes,
# the installed configuration (savoird -n), the daemon run exactly as
# savoir.service runs it answering a search over TLS, a reinstall that
# changes nothing, the corpus trigger, the documented backup, the
# autopkgtests, "apt remove" that keeps configuration and data, and "apt
# purge" that leaves nothing behind.
#
# Root only (CI runs it on a throwaway machine): it installs and purges
# packages.  It never touches a machine where savoir is already installed.
# It takes 4 to 6 minutes: the package build (1.5 to 2.5), lintian (under
# one), then apt installing, removing and purging a few times.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

if [ -n "${DEB_HOST_ARCH:-}${DEB_BUILD_ARCH:-}${DH_INTERNAL_OPTIONS:-}" ]; then
	skip_all "inside a Debian package build (this test builds the packages)"
fi
[ "$(id -u)" -eq 0 ] ||
	skip_all "needs root: it installs and purges the savoir packages"
[ -f /etc/debian_version ] && command -v apt-get >/dev/null ||
	skip_all "not a Debian system"
for tool in dpkg-buildpackage dh autoreconf lintian curl openssl python3 sqlite3 setpriv \
    runuser make cc pkg-config; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "$tool is not installed (./dev deps installs it)"
done

# One run at a time on a machine: two would install over each other.
LOCK=/run/lock/savoir-debian-test.lock
[ -d /run/lock ] || LOCK=/tmp/savoir-debian-test.lock
exec 9>"$LOCK"
flock -w 1200 9 || skip_all "another debian.sh run holds $LOCK"

PKGS="savoir savoir-corpus savoir-plugin-pdf savoir-plugin-dev"
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -qv 'not-installed'; then
		skip_all "package $p is installed here: this test would purge it"
	fi
done

plan 87

chmod 0755 "$T_TMP"		# the savoir user reads a test file here
export DEBIAN_FRONTEND=noninteractive
unset MAKEFLAGS MFLAGS MAKELEVEL SAVOIR_DB SAVOIR_PLUGINS
APT="apt-get -y -q --no-install-recommends -o DPkg::Lock::Timeout=600"
DPID=
INSTALLED=

# Purge whichever of the packages dpkg still knows (installed or only
# configured): apt refuses names it cannot find at all.
purge_all() {
	local p known=
	for p in $PKGS; do
		dpkg-query -W "$p" >/dev/null 2>&1 && known="$known $p"
	done
	[ -z "$known" ] && return 0
	# shellcheck disable=SC2086
	$APT purge $known
}

cleanup() {
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	if [ -n "$INSTALLED" ]; then
		purge_all >/dev/null 2>&1
	fi
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# mode "description" "owner:group octal" path
mode() {
	local got
	got=$(stat -c '%U:%G %a' "$3" 2>&1)
	if [ "$got" = "$2" ]; then ok "$1"; else not_ok "$1 ($3 is $got, wanted $2)"; fi
}

# --- build ------------------------------------------------------------------
ver=$(sed -n 's/^AC_INIT(\[savoir\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
out="$T_TMP/build"
src="$out/savoir-$ver"
mkdir -p "$src"
if command -v git >/dev/null && git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	# The working tree as it is, without anything git ignores (build
	# directories, generated autotools files).
	(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
	    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
	# The generated files a release tarball carries (debian/copyright
	# names them): the source package is then the one make dist makes.
	(cd "$src" && autoreconf -fi) >"$T_TMP/autoreconf.log" 2>&1 ||
		{ echo "Bail out! autoreconf failed"; diag <"$T_TMP/autoreconf.log"; exit 1; }
else
	# A release tree (make dist, distcheck): all but its build directories.
	(cd "$top_srcdir" && tar --exclude=./_build --exclude='./_build-*' \
	    --exclude=./_inst --exclude=./autom4te.cache -cf - .) | tar -xf - -C "$src"
fi
chmod -R u+w "$src"
echo "# building the packages in $out (takes a few minutes)"
start=$(date +%s)
# Niced: make check runs timing-sensitive tests beside this one.
if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    DEB_BUILD_PROFILES=nocheck nice -n 10 dpkg-buildpackage -us -uc) \
    >"$T_TMP/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc builds ($(($(date +%s) - start)) s)"
else
	not_ok "dpkg-buildpackage -us -uc builds"
	tail -40 "$T_TMP/build.log" | diag
	echo "Bail out! no packages to test"
	exit 1
fi
arch=$(dpkg --print-architecture)
deb() { echo "$out/${1}_${ver}_${2:-$arch}.deb"; }
check "the four packages are built" test -f "$(deb savoir)" -a \
	-f "$(deb savoir-plugin-pdf)" -a -f "$(deb savoir-plugin-dev)" -a \
	-f "$(deb savoir-corpus all)"
check "debian/changelog has configure.ac's version ($ver)" test \
	"$(cd "$src" && dpkg-parsechangelog -SVersion)" = "$ver"

nice -n 10 lintian --fail-on error,warning --display-info \
	"$out/savoir_${ver}_${arch}.changes" >"$T_TMP/lintian.out" 2>&1
status=$?
grep -v '^running with root' "$T_TMP/lintian.out" >"$T_TMP/lintian" || true
if [ $status -eq 0 ] && ! grep -qE '^[EW]: ' "$T_TMP/lintian"; then
	ok "lintian: no error, no warning (source and binaries)"
	grep -E '^[IP]: ' "$T_TMP/lintian" | diag
else
	not_ok "lintian: no error, no warning (source and binaries)"
	diag <"$T_TMP/lintian"
fi

dpkg-deb -c "$(deb savoir)" | awk '{ print $NF }' | sed 's#^\./#/#' >"$T_TMP/files"
has "savoir ships the daemon" '^/usr/sbin/savoird$' "$T_TMP/files"
has "savoir ships the systemd unit" '^/lib/systemd/system/savoir.service$' "$T_TMP/files"
hasnt "savoir does not ship the PDF plugin" '/pdf\.so$' "$T_TMP/files"
# All but the script that makes the map's shapes (it stays with the
# sources: Makefile.am's install-data-local).
(cd "$top_srcdir" && find www -type f ! -name '.*' ! -path www/carte/make-map.py |
    sed 's#^#/usr/share/savoir/#' | sort) >"$T_TMP/www"
grep '^/usr/share/savoir/www/' "$T_TMP/files" | sort | comm -23 "$T_TMP/www" - >"$T_TMP/www.missing"
check "every file of www/ is in savoir" test ! -s "$T_TMP/www.missing"
diag <"$T_TMP/www.missing"
dpkg-deb -c "$(deb savoir-plugin-pdf)" >"$T_TMP/pdf"
has "savoir-plugin-pdf ships the PDF plugin" 'savoir/plugins/pdf\.so$' "$T_TMP/pdf"
dpkg-deb -c "$(deb savoir-plugin-dev)" >"$T_TMP/dev"
has "savoir-plugin-dev ships plugin.h, the .pc and savoir-plugin(7)" \
	'include/savoir/plugin\.h' "$T_TMP/dev"
check "... all three" test "$(grep -cE 'include/savoir/plugin\.h$|pkgconfig/savoir-plugin\.pc$|man7/savoir-plugin\.7\.gz$' "$T_TMP/dev")" -eq 3

# --- install ------------------------------------------------------------------
INSTALLED=1
# shellcheck disable=SC2086
check "apt installs the four packages" $APT install "$(deb savoir)" \
	"$(deb savoir-corpus all)" "$(deb savoir-plugin-pdf)" "$(deb savoir-plugin-dev)"
cp "$T_TMP/out" "$T_TMP/install.out"
grep -E '^(savoir|savoird):|indexed ' "$T_TMP/install.out" | diag

pw=$(getent passwd savoir)
check "the savoir user exists" test -n "$pw"
IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
check "it is a system user (uid $uid)" test "${uid:-1000}" -lt 1000
check "its home is /var/lib/savoir and it has no login shell" \
	test "$home:$shell" = /var/lib/savoir:/usr/sbin/nologin
check "its group is savoir" test "$(getent group "${gid:-x}" | cut -d: -f1)" = savoir

mode "/etc/savoir is root:savoir 0750" "root:savoir 750" /etc/savoir
check "... through dpkg-statoverride" dpkg-statoverride --list /etc/savoir
mode "savoir.conf is root:root 0644" "root:root 644" /etc/savoir/savoir.conf
check "savoir.conf is a conffile" sh -c \
	"dpkg-query -W -f='\${Conffiles}' savoir | grep -q ' /etc/savoir/savoir.conf '"
mode "/var/lib/savoir is savoir:savoir 0750" "savoir:savoir 750" /var/lib/savoir
mode "the index belongs to savoir" "savoir:savoir 644" /var/lib/savoir/savoir.db
mode "the self-signed key is savoir's, 0600" "savoir:savoir 600" /var/lib/savoir/selfsigned.key
mode "the self-signed certificate is savoir's" "savoir:savoir 644" /var/lib/savoir/selfsigned.crt
mode "savoird is root:root 0755" "root:root 755" /usr/sbin/savoird
plugindir=$(pkg-config --variable=plugindir savoir-plugin)
check "plugins are root:root 0644 in $plugindir" sh -c \
	"test -n \"\$(ls $plugindir/*.so)\" && ! find $plugindir -name '*.so' ! -perm 0644 | grep . ; ! find $plugindir ! -user root | grep ."
check "savoir plugins (installed, as a user) loads the PDF plugin" \
	runuser -u nobody -- savoir plugins
has "... pdf is listed" '^pdf ' "$T_TMP/out"

sv() { runuser -u savoir -- savoir --db /var/lib/savoir/savoir.db "$@"; }
check "the corpus was indexed into /var/lib/savoir/savoir.db" sv stats
ndocs=$(sed -n 's/^documents *\([0-9]*\) .*/\1/p' "$T_TMP/out")
check "... with its documents ($ndocs)" test "${ndocs:-0}" -ge 100
check "the index passes savoir check" sv check

check "savoird -n accepts the installed configuration" \
	runuser -u savoir -- savoird -n -c /etc/savoir/savoir.conf
has "... and the generated certificate" 'certificate CN=' "$T_TMP/out"

# --- the daemon, started as the unit starts it --------------------------------
unit=/lib/systemd/system/savoir.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
check "ExecStart runs savoird in the foreground on the installed config" \
	test "$exec_start" = "/usr/sbin/savoird -f -c /etc/savoir/savoir.conf"
if python3 -c '
import socket
for port in (443, 80):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.close()' 2>/dev/null; then
	echo "# ports 443 and 80 are free: running ExecStart as is"
else
	echo "# port 443 or 80 is taken here: the same command on a copy of the"
	echo "# installed configuration that listens on free loopback ports"
	sed -e 's/^listen *=.*/listen = 127.0.0.1:0/' \
	    -e 's/^redirect_listen *=.*/redirect_listen = 127.0.0.1:0/' \
	    /etc/savoir/savoir.conf >"$T_TMP/savoir.conf"
	chmod 0644 "$T_TMP/savoir.conf"
	exec_start=${exec_start/\/etc\/savoir\/savoir.conf/$T_TMP/savoir.conf}
fi
# As systemd would: user savoir, only CAP_NET_BIND_SERVICE (ambient), no
# new privileges, a clean environment, in /.
# shellcheck disable=SC2086
(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    setpriv --reuid=savoir --regid=savoir --init-groups \
    --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service \
    --bounding-set=-all,+net_bind_service --no-new-privs \
    $exec_start) >"$T_TMP/savoird.out" 2>"$T_TMP/savoird.log" &
DPID=$!
port=
for _ in $(seq 1 150); do
	port=$(sed -n 's#.*serving https://[^ ]*:\([0-9]*\)/.*#\1#p' "$T_TMP/savoird.log" | head -1)
	[ -n "$port" ] && break
	kill -0 "$DPID" 2>/dev/null || break
	sleep 0.2
done
rport=$(sed -n 's#.*redirecting http://[^ ]*:\([0-9]*\)/.*#\1#p' "$T_TMP/savoird.log" | head -1)
if [ -n "$port" ]; then
	ok "savoird starts as the unit starts it (https on $port)"
else
	not_ok "savoird starts as the unit starts it"
	diag <"$T_TMP/savoird.log"
fi
status=$(cat "/proc/$DPID/status" 2>/dev/null)
check "it runs as savoir" test "$(awk '/^Uid:/ { print $2 ":" $3 ":" $4 }' <<<"$status")" \
	= "$uid:$uid:$uid"
check "its only capability is CAP_NET_BIND_SERVICE" test \
	"$(awk '/^CapEff:/ { print $2 }' <<<"$status")" = 0000000000000400
check "it cannot gain privileges (no_new_privs)" test \
	"$(awk '/^NoNewPrivs:/ { print $2 }' <<<"$status")" = 1

url="https://127.0.0.1:${port:-1}"
curl -sSk --max-time 20 "$url/api/search?q=L1115-1" >"$T_TMP/search.json" 2>&1
check "a search over TLS ranks the article L1115-1 first" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hits"][0]["id"] == "cgct/L1115-1", d["hits"][:1]' "$T_TMP/search.json"
curl -sSk --max-time 20 "$url/api/search?q=AECT" >"$T_TMP/syn.json" 2>&1
check "the installed configuration searches with the course's synonyms" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any("AECT » est aussi cherché sous" in n for n in d["notices"]), d["notices"]' "$T_TMP/syn.json"
check "the results page answers" sh -c "curl -sSfk --max-time 20 \
	'$url/recherche?q=coop%C3%A9ration+d%C3%A9centralis%C3%A9e' | grep -q 'href=\"/doc/'"
check "the web interface's static files are served" \
	curl -sSfk --max-time 20 -o /dev/null "$url/static/savoir.css"
curl -s --max-time 20 -o /dev/null -w '%{http_code} %{redirect_url}' \
	"http://127.0.0.1:${rport:-1}/recherche" >"$T_TMP/redirect" 2>&1
has "port 80 redirects to https" '^30[18] https://' "$T_TMP/redirect"
echo | openssl s_client -connect "127.0.0.1:${port:-1}" 2>/dev/null |
	openssl x509 -noout -fingerprint -sha256 >"$T_TMP/fp.served" 2>&1
openssl x509 -noout -fingerprint -sha256 -in /var/lib/savoir/selfsigned.crt \
	>"$T_TMP/fp.file" 2>&1
check "it serves the certificate generated in /var/lib/savoir" \
	cmp -s "$T_TMP/fp.served" "$T_TMP/fp.file"

# The backup the administrator's guide documents, while the server runs.
check "sqlite3 .backup copies the live index" \
	sqlite3 /var/lib/savoir/savoir.db ".backup '$T_TMP/backup.db'"
check "the copy passes savoir check" savoir --db "$T_TMP/backup.db" check
check "VACUUM INTO copies the live index" \
	sqlite3 /var/lib/savoir/savoir.db "VACUUM INTO '$T_TMP/vacuum.db'"
check "that copy passes savoir check" savoir --db "$T_TMP/vacuum.db" check
mode "the live index still belongs to savoir" "savoir:savoir 644" /var/lib/savoir/savoir.db

kill -HUP "$DPID" 2>/dev/null		# ExecReload
sleep 1
check "after SIGHUP (ExecReload) it still answers" \
	curl -sSfk --max-time 20 -o /dev/null "$url/healthz"
has "... having reloaded" 'reloaded' "$T_TMP/savoird.log"
kill -TERM "$DPID" 2>/dev/null
rc=0
wait "$DPID" || rc=$?
DPID=
check "SIGTERM stops it cleanly" test "$rc" -eq 0

# --- systemd -------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts the unit" systemd-analyze verify "$unit"
	systemd-analyze security --offline=yes "$unit" >"$T_TMP/security" 2>&1
	score=$(sed -n 's/.*Overall exposure level for savoir.service: \([0-9.]*\).*/\1/p' "$T_TMP/security")
	check "systemd-analyze security rates the unit 2.0 or less (${score:-?})" \
		python3 -c "import sys; sys.exit(not float('${score:-99}') <= 2.0)"
	[ -n "$score" ] || diag <"$T_TMP/security"
else
	T_N=$((T_N + 1)); echo "ok $T_N - systemd-analyze verify # SKIP systemd is not installed"
	T_N=$((T_N + 1)); echo "ok $T_N - systemd-analyze security # SKIP systemd is not installed"
fi
if [ -d /run/systemd/system ]; then
	check "savoir.service is enabled" systemctl is-enabled --quiet savoir.service
	check "savoir.service is active" systemctl is-active --quiet savoir.service
	check "systemctl reload savoir works" systemctl reload savoir.service
	sleep 1
	check "... and it is still active" systemctl is-active --quiet savoir.service
else
	for t in "savoir.service is enabled" "savoir.service is active" \
	    "systemctl reload savoir works" "... and it is still active"; do
		T_N=$((T_N + 1))
		echo "ok $T_N - $t # SKIP PID 1 is $(ps -p 1 -o comm=), not systemd"
	done
fi

# --- the autopkgtests, run here -------------------------------------------------
mkdir -p "$T_TMP/apt1" "$T_TMP/apt2"
check "autopkgtest service passes" env AUTOPKGTEST_TMP="$T_TMP/apt1" \
	sh "$src/debian/tests/service"
check "autopkgtest plugin-sdk passes" env AUTOPKGTEST_TMP="$T_TMP/apt2" \
	sh "$src/debian/tests/plugin-sdk"

# --- savoir passwd: the access file ---------------------------------------------
check "savoir passwd adds a user" sh -c "printf 'un mot de passe\n' | savoir passwd agent"
mode "the access file is root:savoir 0640" "root:savoir 640" /etc/savoir/users

# --- maintainer scripts run again -----------------------------------------------
fp=$(cat "$T_TMP/fp.file")
check "apt reinstalls savoir" $APT install --reinstall "$(deb savoir)"
mode "... /etc/savoir unchanged" "root:savoir 750" /etc/savoir
mode "... /var/lib/savoir unchanged" "savoir:savoir 750" /var/lib/savoir
check "... the certificate is kept" test \
	"$(openssl x509 -noout -fingerprint -sha256 -in /var/lib/savoir/selfsigned.crt)" = "$fp"
sv stats >"$T_TMP/stats" 2>&1
check "... the index still has its $ndocs documents" \
	grep -qE "^documents +${ndocs:-x} " "$T_TMP/stats"
check "... and the access file its user" grep -q '^agent:' /etc/savoir/users

check "apt removes savoir-corpus" $APT remove savoir-corpus
sv stats >"$T_TMP/stats" 2>&1
check "the trigger removed the corpus from the index" \
	grep -qE '^documents +0 ' "$T_TMP/stats"
check "... and left no corpus directory" test ! -e /usr/share/savoir/corpus
check "savoird -n accepts the configuration without the corpus" \
	runuser -u savoir -- savoird -n -c /etc/savoir/savoir.conf
hasnt "... and says nothing of the synonyms file savoir-corpus took away" \
	'synonym|does not exist' "$T_TMP/out"
check "apt installs savoir-corpus again" $APT install "$(deb savoir-corpus all)"
sv stats >"$T_TMP/stats" 2>&1
check "the trigger indexed it again" grep -qE "^documents +${ndocs:-x} " "$T_TMP/stats"

# --- remove keeps, purge removes ------------------------------------------------
# shellcheck disable=SC2086
check "apt remove" $APT remove $PKGS
check "remove keeps savoir.conf" test -f /etc/savoir/savoir.conf
check "remove keeps the index" test -f /var/lib/savoir/savoir.db
check "remove keeps the savoir user" getent passwd savoir
check "remove takes the programs" test ! -e /usr/sbin/savoird
check "apt purge" purge_all
INSTALLED=
check "purge removes the savoir user" sh -c '! getent passwd savoir'
check "purge removes the savoir group" sh -c '! getent group savoir'
check "purge removes /etc/savoir" test ! -e /etc/savoir
check "purge removes /var/lib/savoir" test ! -e /var/lib/savoir
check "purge removes the statoverride" sh -c '! dpkg-statoverride --list /etc/savoir'
leftover=$( (ls -d /etc/savoir* /var/lib/savoir* /usr/share/savoir \
	/usr/share/doc/savoir* /usr/lib/*/savoir /usr/include/savoir \
	/usr/lib/*/pkgconfig/savoir-plugin.pc /lib/systemd/system/savoir.service \
	/etc/systemd/system/*/savoir.service /var/lib/dpkg/info/savoir* \
	/var/lib/systemd/deb-systemd-helper-enabled/*savoir* 2>/dev/null
	find /etc /var /usr /lib /run -xdev -uid "${uid:-x}" 2>/dev/null) | head -20)
if [ -z "$leftover" ]; then
	ok "purge leaves nothing behind (no file of the packages, none of uid $uid)"
else
	not_ok "purge leaves nothing behind"
	echo "$leftover" | diag
fi

finish
