#!/usr/bin/env python3
"""
make-data.py - write the .odt / .docx fixtures of the office plugin's tests.

Run from anywhere: python3 plugins/office/tests/make-data.py
The outputs are committed next to this script (tests/data/); rerunning it
rewrites them byte for byte (fixed timestamps), so a diff shows a real change.

Besides well-formed documents it writes hostile ones: zip bombs (a part that
inflates to many MB of zeros, a part whose header lies about its size, one
that declares 4 GB), billion-laughs and external-entity XML, a truncated zip,
a text file named .docx, an encrypted entry, wrong encodings.
"""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
STAMP = (2024, 1, 1, 0, 0, 0)

ODT_MIME = "application/vnd.oasis.opendocument.text"
NS_ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"')
NS_W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'mc:Ignorable="wps"')
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def write_zip(name, entries):
    """entries: list of (name, bytes or str, compress)."""
    path = os.path.join(DATA, name)
    with zipfile.ZipFile(path, "w") as z:
        for ename, data, compress in entries:
            if isinstance(data, str):
                data = data.encode("utf-8")
            info = zipfile.ZipInfo(ename, STAMP)
            info.compress_type = (zipfile.ZIP_DEFLATED if compress
                                  else zipfile.ZIP_STORED)
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return path


# --- OpenDocument -----------------------------------------------------

def odt_manifest(extra=""):
    return (XML_DECL +
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.3">\n'
            ' <manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="' + ODT_MIME + '"/>\n'
            ' <manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml">' + extra +
            '</manifest:file-entry>\n'
            ' <manifest:file-entry manifest:full-path="styles.xml" '
            'manifest:media-type="text/xml"/>\n'
            ' <manifest:file-entry manifest:full-path="meta.xml" '
            'manifest:media-type="text/xml"/>\n'
            '</manifest:manifest>\n')


ODT_STYLES = (XML_DECL +
              '<office:document-styles ' + NS_ODF + '><office:styles>'
              '<style:style style:name="Standard" style:family="paragraph"/>'
              '<style:style style:name="Heading" style:family="paragraph" '
              'style:parent-style-name="Standard"/>'
              '<style:style style:name="Heading_20_1" '
              'style:display-name="Heading 1" style:family="paragraph" '
              'style:parent-style-name="Heading" '
              'style:default-outline-level="1"/>'
              '<style:style style:name="Title" style:family="paragraph" '
              'style:parent-style-name="Heading"/>'
              '<style:style style:name="Text_20_body" '
              'style:display-name="Text body" style:family="paragraph"/>'
              '</office:styles></office:document-styles>\n')


def odt_meta(fields):
    return (XML_DECL + '<office:document-meta ' + NS_ODF + '><office:meta>' +
            fields + '</office:meta></office:document-meta>\n')


def odt(name, content, meta=None, manifest=None, mimetype=ODT_MIME,
        styles=ODT_STYLES, content_raw=None):
    entries = [("mimetype", mimetype, False),
               ("META-INF/manifest.xml", manifest or odt_manifest(), True),
               ("styles.xml", styles, True)]
    if meta is not None:
        entries.append(("meta.xml", meta, True))
    entries.append(("content.xml", content_raw if content_raw is not None
                    else XML_DECL + '<office:document-content ' + NS_ODF +
                    '>' + content + '</office:document-content>\n', True))
    return write_zip(name, entries)


ODT_BODY = (
    '<office:automatic-styles>'
    '<style:style style:name="P1" style:family="paragraph" '
    'style:parent-style-name="Text_20_body"/>'
    '<style:style style:name="P2" style:family="paragraph" '
    'style:parent-style-name="Title"/>'
    '</office:automatic-styles>'
    '<office:body><office:text>'
    '<text:sequence-decls><text:sequence-decl text:display-outline-level="0" '
    'text:name="Illustration"/></text:sequence-decls>'
    '<text:p text:style-name="P2">Coopération décentralisée au Sahel</text:p>'
    '<text:table-of-content text:name="TOC"><text:index-body>'
    '<text:p>Entrée de sommaire à ignorer 1</text:p>'
    '</text:index-body></text:table-of-content>'
    '<text:h text:outline-level="1">Le cadre juridique</text:h>\n'
    '<text:p text:style-name="P1">La loi <text:span>Thiollière</text:span> '
    'de 2007 autorise les<text:s text:c="3"/>conventions.<text:note '
    'text:id="ftn1" text:note-class="footnote"><text:note-citation>1'
    '</text:note-citation><text:note-body><text:p>Loi n° 2007-147 du '
    '2 février 2007.</text:p></text:note-body></text:note></text:p>\n'
    '<text:p>Première ligne<text:line-break/>seconde ligne'
    '<text:tab/>après tabulation.</text:p>'
    '<text:tracked-changes><text:changed-region text:id="c1">'
    '<text:deletion><text:p>Texte supprimé à ignorer</text:p>'
    '</text:deletion></text:changed-region></text:tracked-changes>'
    '<text:h text:outline-level="2">Les partenaires</text:h>'
    '<text:list><text:list-item><text:p>Ouahigouya</text:p></text:list-item>'
    '<text:list-item><text:p>Chambéry</text:p>'
    '<text:list><text:list-item><text:p>Savoie</text:p></text:list-item>'
    '</text:list></text:list-item></text:list>'
    '<text:section text:name="S1">'
    '<table:table table:name="Budget">'
    '<table:table-column table:number-columns-repeated="3"/>'
    '<table:table-header-rows><table:table-row>'
    '<table:table-cell><text:p>Année</text:p></table:table-cell>'
    '<table:table-cell><text:p>Montant</text:p></table:table-cell>'
    '<table:table-cell table:number-columns-repeated="1020"/>'
    '</table:table-row></table:table-header-rows>'
    '<table:table-row>'
    '<table:table-cell><text:p>2003</text:p></table:table-cell>'
    '<table:table-cell><text:p>45,4 M€</text:p><text:p>(estimé)</text:p>'
    '</table:table-cell>'
    '<table:covered-table-cell/>'
    '</table:table-row>'
    '<table:table-row table:number-rows-repeated="1048570">'
    '<table:table-cell table:number-columns-repeated="1024"/>'
    '</table:table-row>'
    '</table:table>'
    '</text:section>'
    '<text:p>Échappement : a &lt; b &amp; &lt;script&gt;alert(1)'
    '&lt;/script&gt;</text:p>'
    '<text:p><draw:frame draw:name="f1"><svg:title>titre image</svg:title>'
    '<draw:text-box><text:p>Texte dans un cadre.</text:p></draw:text-box>'
    '</draw:frame></text:p>'
    '<text:p/>'
    '</office:text></office:body>')

GOOD_ODT_META = odt_meta(
    '<meta:initial-creator>Marie Dupont</meta:initial-creator>'
    '<dc:creator>Paul Martin</dc:creator>'
    '<meta:creation-date>2019-03-14T10:20:30</meta:creation-date>'
    '<dc:date>2020-01-02T08:00:00.123</dc:date>'
    '<dc:title>Guide   de la\n coopération</dc:title>'
    '<dc:subject>Action extérieure</dc:subject>'
    '<meta:keyword>coopération</meta:keyword>'
    '<meta:keyword>Sahel</meta:keyword>'
    '<dc:description>Un guide pratique.</dc:description>')

# --- Office Open XML --------------------------------------------------

CONTENT_TYPES = (
    XML_DECL +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>\n')


def rels(main="word/document.xml", core="docProps/core.xml"):
    r = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/'
         'package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="' +
         main + '"/>')
    if core:
        r += ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org'
              '/package/2006/relationships/metadata/core-properties" '
              'Target="' + core + '"/>')
    return r + '</Relationships>\n'


def core(fields):
    return (XML_DECL +
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
            fields + '</cp:coreProperties>\n')


def wdoc(body):
    return (XML_DECL + '<w:document ' + NS_W + '><w:body>' + body +
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
            '</w:body></w:document>\n')


def wp(text, style=None, extra=""):
    ppr = ""
    if style or extra:
        ppr = ('<w:pPr>' + ('<w:pStyle w:val="%s"/>' % style if style
                            else "") + extra + '</w:pPr>')
    return '<w:p>' + ppr + '<w:r><w:t>' + text + '</w:t></w:r></w:p>'


# French Word: style ids "Titre1"…, built-in names in English.
DOCX_STYLES = (
    XML_DECL + '<w:styles ' + NS_W + '>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
    '<w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Titre1"><w:name '
    'w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Titre2"><w:name '
    'w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Titre"><w:name w:val="Title"/>'
    '</w:style>'
    '<w:style w:type="paragraph" w:styleId="MonChapitre"><w:name '
    'w:val="Mon chapitre"/><w:basedOn w:val="Titre1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TM1"><w:name w:val="toc 1"/>'
    '</w:style>'
    '<w:style w:type="paragraph" w:styleId="Paragraphedeliste"><w:name '
    'w:val="List Paragraph"/></w:style>'
    '</w:styles>\n')

DOCX_BODY = (
    wp("Rapport sur les jumelages", "Titre") +
    wp("Sommaire 1", "TM1") +
    wp("Introduction", "Titre1") +
    '<w:p><w:r><w:t xml:space="preserve">Les collectivités </w:t></w:r>'
    '<w:r><w:rPr><w:b/></w:rPr><w:t>françaises</w:t></w:r>'
    '<w:del w:id="1" w:author="X"><w:r><w:delText>SUPPRIMÉ</w:delText>'
    '</w:r></w:del>'
    '<w:ins w:id="2" w:author="X"><w:r><w:t xml:space="preserve"> '
    'coopèrent</w:t></w:r></w:ins>'
    '<w:r><w:tab/><w:t>avec</w:t><w:br/><w:t>leurs partenaires.</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText>HYPERLINK "http://x"</w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:hyperlink r:id="rId9"><w:r><w:t xml:space="preserve"> Voir le '
    'site</w:t></w:r></w:hyperlink>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:footnoteReference w:id="1"/></w:r>'
    '</w:p>' +
    wp("Historique", "Titre2") +
    wp("Chapitre personnalisé", "MonChapitre") +
    wp("Niveau de plan direct", None, '<w:outlineLvl w:val="2"/>') +
    wp("Premier point", "Paragraphedeliste",
       '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>') +
    wp("Second point", "Paragraphedeliste",
       '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>') +
    '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="100"/></w:tblGrid>'
    '<w:tr><w:trPr><w:tblHeader/></w:trPr>'
    '<w:tc><w:p><w:r><w:t>Ville</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t>Pays</w:t></w:r></w:p></w:tc></w:tr>'
    '<w:tr><w:tc><w:p><w:r><w:t>Ouahigouya</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t>Burkina</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>Faso</w:t></w:r></w:p></w:tc></w:tr>'
    '<w:sdt><w:sdtPr><w:alias w:val="ligne"/></w:sdtPr><w:sdtContent>'
    '<w:tr><w:tc><w:p><w:r><w:t>Kayes</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t>Mali</w:t></w:r></w:p></w:tc></w:tr>'
    '</w:sdtContent></w:sdt>'
    '</w:tbl>'
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
    '<wps:txbx><w:txbxContent><w:p><w:r><w:t>Encadré unique</w:t></w:r>'
    '</w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r>'
    '<w:t>Encadré unique</w:t></w:r></w:p></w:txbxContent></v:textbox>'
    '</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>'
    '<w:sdt><w:sdtPr/><w:sdtContent>' +
    wp("Paragraphe dans un contrôle de contenu.") +
    '</w:sdtContent></w:sdt>' +
    wp("&lt;img src=x onerror=alert(1)&gt; reste du texte") +
    '<w:p/>')

DOCX_FOOTNOTES = (
    XML_DECL + '<w:footnotes ' + NS_W + '>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
    '</w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
    '<w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t '
    'xml:space="preserve"> Source : rapport du Sénat.</w:t></w:r></w:p>'
    '</w:footnote></w:footnotes>\n')

GOOD_CORE = core(
    '<dc:title>Les jumelages franco-africains</dc:title>'
    '<dc:subject>Coopération</dc:subject>'
    '<dc:creator>Équipe pédagogique</dc:creator>'
    '<cp:keywords>jumelage; Burkina Faso</cp:keywords>'
    '<dc:description>Synthèse.</dc:description>'
    '<cp:lastModifiedBy>Quelqu\'un</cp:lastModifiedBy>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2021-06-15T09:30:00Z'
    '</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2022-01-01T00:00:00Z'
    '</dcterms:modified>')


def docx(name, document, styles=DOCX_STYLES, core_xml=None, footnotes=None,
         rels_xml=None, extra=()):
    entries = [("[Content_Types].xml", CONTENT_TYPES, True),
               ("_rels/.rels", rels_xml or rels(core=("docProps/core.xml"
                                                     if core_xml else None)),
                True)]
    entries.append(("word/document.xml", document, True))
    if styles is not None:
        entries.append(("word/styles.xml", styles, True))
    if footnotes is not None:
        entries.append(("word/footnotes.xml", footnotes, True))
    if core_xml is not None:
        entries.append(("docProps/core.xml", core_xml, True))
    entries.extend(extra)
    return write_zip(name, entries)


# --- hostile zips: patch the headers python wrote ----------------------

def patch_sizes(path, entry, size=None, flag_bits=0):
    """Rewrite the uncompressed size (and OR general-purpose flag bits) of
    one entry, in its local header and in the central directory alike, so
    that the archive stays self-consistent and only the lie remains."""
    data = bytearray(open(path, "rb").read())
    name = entry.encode()
    # (signature, offset of: name length, name, flags, uncompressed size)
    # in local file headers, then in central directory headers.
    headers = ((b"PK\x03\x04", 26, 30, 6, 22),
               (b"PK\x01\x02", 28, 46, 8, 24))
    for sig, at_nlen, at_name, at_flags, at_size in headers:
        off = 0
        while True:
            off = data.find(sig, off)
            if off < 0:
                break
            nlen = struct.unpack_from("<H", data, off + at_nlen)[0]
            if data[off + at_name:off + at_name + nlen] == name:
                if size is not None:
                    struct.pack_into("<I", data, off + at_size, size)
                flags = struct.unpack_from("<H", data, off + at_flags)[0]
                struct.pack_into("<H", data, off + at_flags,
                                 flags | flag_bits)
            off += 4
    open(path, "wb").write(bytes(data))


def main():
    os.makedirs(DATA, exist_ok=True)

    # Well-formed documents.
    odt("good.odt", ODT_BODY, meta=GOOD_ODT_META)
    odt("notitle.odt",
        '<office:body><office:text>'
        '<text:p>Un paragraphe avant tout titre.</text:p>'
        '<text:h text:outline-level="1">Premier titre du document</text:h>'
        '<text:p>Suite.</text:p></office:text></office:body>',
        meta=odt_meta('<dc:creator>Paul Martin</dc:creator>'
                      '<dc:date>2018-11-05T12:00:00</dc:date>'))
    # The first heading repeats the title.
    odt("titled.odt",
        '<office:body><office:text>'
        '<text:h text:outline-level="1">Rapport &amp; annexes</text:h>'
        '<text:p>Texte.</text:p></office:text></office:body>',
        meta=odt_meta('<dc:title>Rapport &amp; annexes</dc:title>'))
    docx("good.docx", wdoc(DOCX_BODY), core_xml=GOOD_CORE,
         footnotes=DOCX_FOOTNOTES)
    # No styles.xml, no core.xml, no heading: the file name is the title;
    # a style id that only looks like a heading style still counts.
    docx("bare.docx", wdoc(wp("Texte sans titre ni métadonnées.") +
                           wp("Un intertitre", "Heading2")), styles=None)
    # Main part found through _rels/.rels, not at the usual place.
    write_zip("moved.docx", [
        ("[Content_Types].xml", CONTENT_TYPES, True),
        ("_rels/.rels", rels(main="/doc/main.xml", core=None), True),
        ("doc/main.xml", wdoc(wp("Partie principale déplacée.")), True)])

    # Encodings: declared Latin-1 is read; undeclared Latin-1 is refused.
    odt("latin1.odt", None, content_raw=(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<office:document-content ' + NS_ODF + '><office:body><office:text>'
        '<text:p>L\'été à Chambéry.</text:p></office:text></office:body>'
        '</office:document-content>\n').encode("latin-1"))
    docx("badenc.docx", (
        XML_DECL + '<w:document ' + NS_W + '><w:body>\n'
        '<w:p><w:r><w:t>Ok</w:t></w:r></w:p>\n'
        '<w:p><w:r><w:t>L\'été</w:t></w:r></w:p>\n'
        '</w:body></w:document>\n').encode("latin-1"))

    # Billion laughs in the main part of each format.
    laughs = ('<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
              "".join(' <!ENTITY lol%d "%s">\n' % (i, ("&lol%s;" % (
                  i - 1 if i > 1 else "")) * 10) for i in range(1, 10)) +
              ']>\n')
    odt("laughs.odt", None, content_raw=(
        XML_DECL + laughs + '<office:document-content ' + NS_ODF +
        '><office:body><office:text><text:p>&lol9;</text:p></office:text>'
        '</office:body></office:document-content>\n'))
    docx("laughs.docx", XML_DECL + laughs + '<w:document ' + NS_W +
         '><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
         '</w:document>\n')
    # An external entity (would read a local file).
    docx("xxe.docx", XML_DECL + '<!DOCTYPE d [<!ENTITY x SYSTEM '
         '"file:///etc/passwd">]>\n<w:document ' + NS_W + '><w:body><w:p>'
         '<w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>\n')

    # Zip bombs.  64 MB of "0" inside a text run: valid XML, so only the
    # ratio check stands between it and the parser.
    zeros = (XML_DECL + '<w:document ' + NS_W + '><w:body><w:p><w:r><w:t>'
             ).encode() + b"0" * (64 << 20) + (
        '</w:t></w:r></w:p></w:body></w:document>\n').encode()
    docx("bomb.docx", zeros)
    # content.xml inflates to 20 MB but its headers say 1000 bytes.
    lying = (XML_DECL + '<office:document-content ' + NS_ODF +
             '><office:body><office:text><text:p>').encode() + \
        b"0" * (20 << 20) + (
        '</text:p></office:text></office:body></office:document-content>\n'
        ).encode()
    p = odt("bomb-lying.odt", None, meta=GOOD_ODT_META, content_raw=lying)
    patch_sizes(p, "content.xml", size=1000)
    # A small part whose headers declare almost 4 GB.
    p = docx("bomb-declared.docx", wdoc(wp("petit")))
    patch_sizes(p, "word/document.xml", size=0xFFFFFFF0)

    # Broken containers.
    good = open(os.path.join(DATA, "good.docx"), "rb").read()
    open(os.path.join(DATA, "truncated.docx"), "wb").write(
        good[:len(good) // 2])
    open(os.path.join(DATA, "notzip.docx"), "wb").write(
        b"Ceci n'est pas un document Word, juste du texte.\n")
    open(os.path.join(DATA, "empty.odt"), "wb").write(b"")
    open(os.path.join(DATA, "ole.docx"), "wb").write(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    # Traditional PKWARE encryption flag on content.xml.
    p = odt("encrypted.odt", ODT_BODY, meta=GOOD_ODT_META)
    patch_sizes(p, "content.xml", flag_bits=0x1)
    # ODF's own encryption: the zip is clear, content.xml is ciphertext.
    odt("odf-password.odt", None, content_raw=bytes(
        (i * 37 + 11) & 0xFF for i in range(600)),
        manifest=odt_manifest(
            '<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
            'manifest:checksum="AAAA"><manifest:algorithm '
            'manifest:algorithm-name="Blowfish CFB" '
            'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
        ))
    # A spreadsheet is an OpenDocument too, but not a text.
    odt("sheet.odt", '<office:body><office:spreadsheet/></office:body>',
        mimetype="application/vnd.oasis.opendocument.spreadsheet")
    # Not well-formed XML: the message names the part and the line.
    odt("malformed.odt", None, content_raw=(
        XML_DECL + '<office:document-content ' + NS_ODF + '>\n'
        '<office:body>\n<office:text>\n<text:p>ouvert</text:h>\n'
        '</office:text></office:body></office:document-content>\n'))


if __name__ == "__main__":
    main()
