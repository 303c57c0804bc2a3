#!/usr/bin/env bash
# offline.sh - the library kept offline in a real browser: offline.mjs
# drives Debian's Chromium through playwright-core against savoird
# --laptop (plain HTTP on 127.0.0.1, a carried index file), which it
# starts, kills and restarts itself.  Here: a scratch copy of the corpus
# (offline.mjs edits one file of it), of www/, a configuration.  Skipped
# only when node or Chromium is truly absent; run.sh checks the locked
# playwright-core against Debian 12's Node.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/lib.sh"
e2e_prereqs

e2e_install "$e2e_src/offline.mjs"
out="$e2e_dir/out-offline"
rm -rf "$out"
mkdir -p "$out"

cp -r "$top_srcdir/corpus" "$T_TMP/corpus"
cp -r "$top_srcdir/www" "$T_TMP/www"
mkdir -p "$T_TMP/carried"
runas=""
if [ "$(id -u)" -eq 0 ]; then
	# Started as root, savoird becomes nobody, who must read the file.
	runas="user = nobody"
	chmod 755 "$T_TMP"
	chmod -R a+rX "$T_TMP"
fi
cat >"$T_TMP/savoir.conf" <<EOC
[server]
workers = 2
www = $T_TMP/www
$runas
EOC

(cd "$e2e_dir" && SAVOIRD="$SAVOIRD" SAVOIR="$SAVOIR" E2E_TMP="$T_TMP" \
    E2E_OUT="$out" timeout 400 node offline.mjs) >"$T_TMP/e2e.out" 2>&1
rc=$?
script_tap <"$T_TMP/e2e.out"
if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
	not_ok "offline.mjs ran to the end (exit $rc)"
fi
plan "$T_N"
finish
