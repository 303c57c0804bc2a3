# apt.sh - sourced by fresh.sh and tests/debqa/debqa.sh: where the host
# gets Debian from, so that a root made from scratch uses the same mirror.

# apt_uri SUITE: the URI of the first enabled source of SUITE in the
# host's apt sources (one-line or deb822); empty when the host has none.
apt_uri() {
	local suite=$1
	{
		grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		    awk -v s="$suite" '{ u = ""; for (i = 2; i <= NF; i++) {
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; continue }
			if (u == "") { u = $i; continue }
			if ($i == s) { print u; exit } break } }'
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
			{ u = ""; ok = 0; en = 1
			  for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
				if ($i ~ /^Suites:/) { n = split($i, a, /[ \t]+/); for (j = 2; j <= n; j++) if (a[j] == s) ok = 1 }
				if ($i ~ /^Enabled:[ \t]*no/) en = 0 }
			  if (ok && en && u != "") { print u; exit } }' "$f"
		done
	} 2>/dev/null | head -1
}
