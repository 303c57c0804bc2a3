#!/usr/bin/env bash
# outline.sh - document pages read like their source: every page of the
# shipped library, fetched from the real savoird, has one h1, skips no
# heading level, shows every section heading of its source file as a
# heading, and one Sources block, a long web address shown as its host
# (the whole of it in the link's title); its matching passages are prose, never
# a web address (outline.py does the reading).
. "$(dirname "$0")/lib.sh"

daemon_prereqs curl python3
plan 6

mkdir -p "$T_TMP/db" "$T_TMP/state"
kb="$T_TMP/db/kb.db"
# Besides the library, a note whose matching words sit in a web address,
# a bare list and a reference line as well as in prose (no sources in its
# front matter: its Sources section stays).
mkdir -p "$T_TMP/extra"
cat >"$T_TMP/extra/passages.md" <<'EOF'
---
title: Essai de passages
type: note
id: essais/passages
---

## Ce qu'il faut retenir

Une première phrase sans le mot. La collectivité vote la subvention de l'année par une délibération motivée, après avoir vérifié que le projet respecte les engagements internationaux de la France. Une phrase de plus, qui suit.

- subvention
- subvention, subvention

## Sources

- https://www.example.org/subvention/subvention-2019
- Rapport sur la subvention (2019) : http://example.org/subvention
EOF
"$SAVOIR" --db "$kb" index "$top_srcdir/corpus" "$T_TMP/extra" >"$T_TMP/index.out" 2>&1 ||
	{ echo "Bail out! cannot index the corpus"; cat "$T_TMP/index.out"; exit 1; }
runas_setup
daemon_start "$kb"

"$PY" "$top_srcdir/tests/integration/outline.py" "$base" "$kb" \
    "$top_srcdir/corpus" >"$T_TMP/outline" 2>&1
grep '|' "$T_TMP/outline" >"$T_TMP/problems"
check "every page: one h1, no level skipped, the source's headings, one Sources block, long addresses shown as their host" \
    test ! -s "$T_TMP/problems"
head -40 "$T_TMP/problems" | diag
tail -1 "$T_TMP/outline" | diag
ndocs=$(sqlite3 -batch -noheader "$kb" "SELECT count(*) FROM docs")
check "every document's page was read ($ndocs)" \
    grep -q "^checked $ndocs pages," "$T_TMP/outline"
nheads=$(sed -n 's/^checked [0-9]* pages, \([0-9]*\) source headings.*$/\1/p' "$T_TMP/outline")
check "the sources' headings were found (${nheads:-0}: notes and legal fiches)" \
    test "${nheads:-0}" -ge 400
curl -s "$base/doc/essais/passages?q=subvention" >"$T_TMP/passages.html"
"$PY" - "$T_TMP/passages.html" >"$T_TMP/passages" <<'PYEOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.on, self.items, self.cur = False, [], None
    def handle_starttag(self, tag, attrs):
        if tag == "section" and ("class", "passages") in attrs: self.on = True
        elif self.on and tag == "li": self.cur = ""
    def handle_endtag(self, tag):
        if self.on and tag == "li": self.items.append(self.cur); self.cur = None
        elif tag == "section": self.on = False
    def handle_data(self, d):
        if self.cur is not None: self.cur += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
for i in p.items: print(" ".join(i.split()))
PYEOF
check "the passage is the sentence of prose, whole, from its first word" \
    test "$(wc -l <"$T_TMP/passages")" -eq 1 -a -n "$(grep -x "La collectivité vote la subvention de l'année par une délibération motivée, après avoir vérifié que le projet respecte les engagements internationaux de la France." "$T_TMP/passages")"
diag <"$T_TMP/passages"
npass=$(sed -n 's/^checked .*, \([0-9]*\) passages, .*$/\1/p' "$T_TMP/outline")
check "passages were shown for a word of each title (${npass:-0}), none a web address" \
    test "${npass:-0}" -ge 100
hasnt "... and no passage is a web address or a reference line" "://" "$T_TMP/passages"
finish
