#!/usr/bin/env bash
# mixed.sh - one folder with a file of every format the shipped plugins read
# (Markdown note, legal .txt, partnership .csv, .html, .odt, .docx, .pdf,
# LEGI .json), each holding a made-up word found nowhere else, indexed with
# the real savoir: the counts per type, and each word found in its own
# document and only there.  Then the extractor's limits with real plugins:
# a page that keeps the html plugin busy past --timeout 1, and a note whose
# syntax tree does not fit in --memory 64 (cmark aborts), each reported with
# its path and reason while every other file is indexed.
#
# The files are generated here (Python 3's standard library only), except
# the LEGI code: plugins/legi/tests/data/mini-code.json with a word added.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# skip "reason": one planned test that cannot run here.
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$SAVOIR" ] || skip_all "$SAVOIR is not built"

plan 35

tree="$T_TMP/mixte"
legi_src="$top_srcdir/plugins/legi/tests/data/mini-code.json"
# json FILE EXPR: print a Python expression over the JSON document d.
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

"$SAVOIR" plugins --json >"$T_TMP/plugins.json" 2>/dev/null
have_pdf=$(json "$T_TMP/plugins.json" 'int("pdf" in [p["name"] for p in d])')
sanitizers=0
grep -q '^#define SAVOIR_SANITIZERS 1' "$top_builddir/config.h" 2>/dev/null &&
	sanitizers=1

# --- the mixed folder ---------------------------------------------------------
check "the mixed folder is generated" python3 - "$tree" "$legi_src" \
    "${have_pdf:-0}" <<'PYEOF'
import json, os, sys, zipfile

root, legi_src, want_pdf = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
STAMP = (2026, 1, 1, 0, 0, 0)


def put(rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def zipped(rel, entries):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = (zipfile.ZIP_DEFLATED if deflate
                                  else zipfile.ZIP_STORED)
            z.writestr(info, data.encode("utf-8"))


put("notes/note-mixte.md", """---
title: "Une note du dossier mixte"
type: note
module: "9-tests"
themes: [tests]
sources:
  - titre: "Test"
---

## Une section

La note parle de brumaflex et de coopération.
""")

put("legal/code-mixte.txt", """---
code: "Code général des collectivités territoriales"
court: CGCT
nature: fiche explicative
sources:
  - titre: "Test"
---

Article L1115-1
version: 2021-08-06
titre: Principe général

Les collectivités mènent des actions de quorvendel dans le respect des
engagements internationaux de la France.
""")

put("partenariats/mixte.csv",
    "id,collectivite,type_collectivite,partenaire,pays,annee_debut,annee_fin,"
    "themes,statut,financeurs,montant_eur,description,source,exemple\n"
    "mixte-essai,Ville de Testville,commune,Commune de Partenaire,Sénégal,"
    "2020,,eau;santé,actif,,,\"Un partenariat consacré au tazmirouk des "
    "puits.\",https://example.org/mixte,non\n")

put("web/page.html", """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Une page web</title></head>
<body><nav><a href="autre.html">Menu</a></nav>
<main><h1>Une page web</h1><p>Le velprindo des communes jumelées.</p></main>
</body></html>
""")

ODT = "application/vnd.oasis.opendocument.text"
zipped("bureautique/rapport.odt", [
    ("mimetype", ODT, False),
    ("META-INF/manifest.xml",
     '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
     'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
     'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
     'manifest:media-type="' + ODT + '"/><manifest:file-entry '
     'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
     '</manifest:manifest>\n', True),
    ("content.xml",
     '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
     'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
     'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
     'office:version="1.3"><office:body><office:text>'
     '<text:h text:outline-level="1">Un rapport OpenDocument</text:h>'
     '<text:p>Le rapport décrit le glostrevane des projets.</text:p>'
     '</office:text></office:body></office:document-content>\n', True),
])

zipped("bureautique/memoire.docx", [
    ("[Content_Types].xml",
     '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.'
     'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
     'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
     '<Default Extension="xml" ContentType="application/xml"/><Override '
     'PartName="/word/document.xml" ContentType="application/vnd.'
     'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
     '</Types>\n', True),
    ("_rels/.rels",
     '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://'
     'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
     'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
     'relationships/officeDocument" Target="word/document.xml"/>'
     '</Relationships>\n', True),
    ("word/document.xml",
     '<?xml version="1.0" encoding="UTF-8"?>\n<w:document xmlns:w="http://'
     'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
     '<w:p><w:r><w:t>Un mémoire Word</w:t></w:r></w:p>'
     '<w:p><w:r><w:t>Le mémoire étudie le mirkadoune des régions.</w:t>'
     '</w:r></w:p></w:body></w:document>\n', True),
])

if want_pdf:
    # One page of Helvetica text, with exact xref offsets: poppler reads it
    # as it is, without repairing anything.
    text = (b"BT /F1 12 Tf 72 770 Td (Un guide PDF) Tj 0 -20 Td "
            b"(Le guide explique le snorvaldique des budgets.) Tj ET")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding /WinAnsiEncoding >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text +
            b"\nendstream",
            b"<< /Title (Un guide PDF) >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" %
            (len(objs) + 1))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    put("pdf/guide.pdf", bytes(out))

# The LEGI fixture, with the made-up word in article L1234-1 only.
with open(legi_src, encoding="utf-8") as f:
    code = json.load(f)


def mark(node):
    d = node.get("data", {})
    if node.get("type") == "article" and d.get("num") == "L1234-1":
        d["texte"] = d.get("texte", "") + " Le plumtariote est dû."
        if d.get("texteHtml"):
            d["texteHtml"] += "<p>Le plumtariote est dû.</p>"
        return 1
    return sum(mark(c) for c in node.get("children") or [])


if mark(code) != 1:
    sys.exit("%s: no single article L1234-1 to mark" % legi_src)
put("legi/code-travail.json", json.dumps(code, ensure_ascii=False, indent=1))
PYEOF
nfiles=$(find "$tree" -type f | wc -l)

# The LEGI code alone gives the number of its articles in force (the
# fixture's business, not this test's).
"$SAVOIR" --db "$T_TMP/legi.db" index "$tree/legi" >/dev/null 2>&1
"$SAVOIR" --db "$T_TMP/legi.db" stats --json >"$T_TMP/legi.json" 2>/dev/null
nlegi=$(json "$T_TMP/legi.json" 'd["documents"]')
check "the LEGI code alone yields its articles ($nlegi)" test "${nlegi:-0}" -ge 1

# Expected counts per type, as savoir stats --json reports them.
expect="{'note': 1, 'article': 1, 'partenariat': 1, 'page': 1, 'bureautique': 2, 'article-officiel': ${nlegi:-0}"
[ "$have_pdf" = 1 ] && expect="$expect, 'pdf': 1"
expect="$expect}"

# stats_are DB "description": the per-type counts are the expected ones.
stats_are() {
	"$SAVOIR" --db "$1" stats --json >"$T_TMP/stats.json" 2>&1
	check "$2" python3 -c '
import ast, json, sys
d = json.load(open(sys.argv[1]))
got = {t["type"]: t["documents"] for t in d["types"]}
want = ast.literal_eval(sys.argv[2])
assert got == want, "got %s, want %s" % (got, want)
' "$T_TMP/stats.json" "$expect"
}

# --- indexing it ----------------------------------------------------------------
kb="$T_TMP/mixte.db"
sv() { "$SAVOIR" --db "$kb" "$@"; }
check "savoir index reads the mixed folder" sv index "$tree"
has "every file is read, none fails" \
    "^indexed $nfiles files \($nfiles read, 0 unchanged, 0 removed, 0 failed" "$T_TMP/out"
stats_are "$kb" "savoir stats --json counts each type"
check "the index passes check" sv check
[ "$have_pdf" = 1 ] || echo "# the pdf plugin is not built (configure --without-pdf): no PDF in the folder"

# found WORD ID FORMAT: the word is in one document, ID.
found() {
	sv search --json "$1" >"$T_TMP/hit.json" 2>&1
	check "the word only in the $3 is found there and only there ($2)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = [h["id"] for h in d["hits"]]
assert d["total"] == 1 and ids == [sys.argv[2]], "total %s, hits %s" % (d["total"], ids)
' "$T_TMP/hit.json" "$2"
}
found brumaflex notes/note-mixte "Markdown note"
found quorvendel cgct/L1115-1 "legal text"
found tazmirouk partenariat/mixte-essai "partnership CSV"
found velprindo web/page "HTML page"
found glostrevane bureautique/rapport "ODT"
found mirkadoune bureautique/memoire "DOCX"
if [ "$have_pdf" = 1 ]; then
	found snorvaldique pdf/guide "PDF"
	check "the PDF's page shows its text" sv doc pdf/guide
	has "... after its page marker" '^\[p\..{1,2}1\]$' "$T_TMP/out"
else
	skip "the pdf plugin is not built (configure --without-pdf)"
	skip "the pdf plugin is not built (configure --without-pdf)"
	skip "the pdf plugin is not built (configure --without-pdf)"
fi
found plumtariote ct/L1234-1 "LEGI code"
check "an article reference finds the legal text" sv search --json 'L. 1115-1'
has "... cgct/L1115-1" '"id": "cgct/L1115-1"' "$T_TMP/out"
check "a type filter keeps one format (type:bureautique)" sv search --json 'type:bureautique mémoire'
hasnt "... no other type" '"type": "(note|article|partenariat|page|pdf|article-officiel)"' "$T_TMP/out"

# --- the time limit -------------------------------------------------------------
# 60 MB of entities in one paragraph: libxml2's HTML parser looks each one
# up, which takes seconds of CPU on any machine while memory stays small.
# Its folder sorts first, so every other file is extracted after it.
slow="$T_TMP/lent"
cp -R "$tree" "$slow"
check "a 60 MB page is generated" python3 -c '
import os, sys
os.makedirs(os.path.dirname(sys.argv[1]))
unit = "&diams;&diams;&diams;&diams; "
with open(sys.argv[1], "w") as f:
    f.write("<html><head><title>Page lente</title></head><body><p>")
    f.write(unit * ((60 << 20) // len(unit)))
    f.write("</p></body></html>\n")
' "$slow/a-lent/page-lente.html"
check "savoir index --timeout 1 runs to the end" \
    "$SAVOIR" --db "$T_TMP/lent.db" index --timeout 1 "$slow"
has "the slow page is reported with its path, its plugin and the limit" \
    '^savoir: a-lent/page-lente\.html: plugin html: (timed out after 1\.0 s|CPU limit exceeded \(1 s\))' "$T_TMP/out"
has "... as the one failed file of $((nfiles + 1))" \
    "^indexed $((nfiles + 1)) files \($nfiles read, 0 unchanged, 0 removed, 1 failed" "$T_TMP/out"
stats_are "$T_TMP/lent.db" "every other file is indexed (counts per type)"
check "... and the failure is recorded" \
    test "$(json "$T_TMP/stats.json" 'd["failed"]')" = 1
fails "the slow page has no document" 1 \
    "$SAVOIR" --db "$T_TMP/lent.db" doc a-lent/page-lente
check "a word of a file extracted after it is found" \
    "$SAVOIR" --db "$T_TMP/lent.db" search plumtariote
has "... in its document" 'ct/L1234-1' "$T_TMP/out"

# --- the memory limit -----------------------------------------------------------
# 16 MB of Markdown: cmark's tree needs several times that, and cmark aborts
# when an allocation fails.  Sanitizer builds run the extractor without
# RLIMIT_AS (ASan reserves terabytes of shadow memory): nothing to test.
if [ "$sanitizers" = 1 ]; then
	for _ in 1 2 3 4 5 6; do
		skip "built with --enable-sanitizers: the extractor has no memory limit (RLIMIT_AS)"
	done
else
	big="$T_TMP/gros"
	cp -R "$tree" "$big"
	check "a 16 MB note is generated" python3 -c '
import os, sys
os.makedirs(os.path.dirname(sys.argv[1]))
with open(sys.argv[1], "w") as f:
    f.write("---\ntitle: \"Une note trop grosse\"\ntype: note\nsources:\n"
            "  - titre: test\n---\n\n")
    f.write("Un paragraphe *ordinaire* de la note, sans mot rare.\n\n"
            * 300000)
' "$big/a-gros/grosse-note.md"
	check "savoir index --memory 64 runs to the end" \
	    "$SAVOIR" --db "$T_TMP/gros.db" index --memory 64 "$big"
	has "the big note is reported with its path, its plugin and the limit" \
	    '^savoir: a-gros/grosse-note\.md: plugin notes: .*memory limit 64 MB' "$T_TMP/out"
	has "... as the one failed file of $((nfiles + 1))" \
	    "^indexed $((nfiles + 1)) files \($nfiles read, 0 unchanged, 0 removed, 1 failed" "$T_TMP/out"
	stats_are "$T_TMP/gros.db" "every other file is indexed under --memory 64 (counts per type)"
	fails "the big note has no document" 1 \
	    "$SAVOIR" --db "$T_TMP/gros.db" doc a-gros/grosse-note
fi

finish
