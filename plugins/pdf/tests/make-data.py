#!/usr/bin/env python3
"""make-data.py - write the PDF fixtures of the pdf plugin's tests.

The PDFs are written by hand, object by object, with the base-14 Helvetica
font in WinAnsiEncoding (which holds the accented letters of French), so
the generator needs nothing but Python 3.  Only encrypted.pdf needs qpdf
(`apt-get install qpdf`); without it that file is left as it is.  The
results are committed: CI does not need to run this.

    python3 plugins/pdf/tests/make-data.py   (from anywhere)

Files written in plugins/pdf/tests/data/:
  good.pdf        3 pages, Info metadata (UTF-16 title, two authors, dates),
                  an outline with a nested entry and a named destination,
                  a ligature glyph (fi), text to escape (< & >).
  notitle.pdf     1 page, an Info title that is only a Word file name: the
                  title must come from the first line of the page; dot
                  leaders of a table of contents.
  blank.pdf       2 pages and no text at all (a scan without OCR).
  odd.pdf         odd metadata and outline: the title "untitled", a 1970
                  creation date, an author made of separators, an outline
                  entry whose named destination does not exist, one whose
                  title holds markup.
  encrypted.pdf   good.pdf encrypted with a user password (qpdf, AES-128).
  truncated.pdf   the first 700 bytes of good.pdf.
  damaged.pdf     a %PDF- header followed by nothing PDF-like.
  not-a-pdf.pdf   a PNG signature and text, renamed .pdf.
  empty.pdf       0 bytes.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def pdf_string(text):
    """A literal string in WinAnsiEncoding (cp1252 for what we use)."""
    raw = text.encode("cp1252")
    out = bytearray(b"(")
    for b in raw:
        if b in (0x28, 0x29, 0x5C):        # ( ) \
            out += b"\\" + bytes([b])
        elif b < 0x20 or b > 0x7E:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b")")


def pdf_text_string(text):
    """A text string for Info and outlines: UTF-16BE with its BOM."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class Pdf:
    """Objects numbered from 1, written in order with an xref table."""

    def __init__(self):
        self.objs = []

    def reserve(self):
        self.objs.append(None)
        return len(self.objs)

    def set(self, num, body):
        self.objs[num - 1] = body

    def add(self, body):
        num = self.reserve()
        self.set(num, body)
        return num

    def stream(self, data, extra=b""):
        return self.add(b"<< /Length %d%s >>\nstream\n" % (len(data), extra)
                        + data + b"\nendstream")

    def write(self, root, info=None):
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objs):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root %d 0 R" % (len(self.objs) + 1,
                                                       root)
        if info is not None:
            out += b" /Info %d 0 R" % info
        out += b" /ID [<0123456789ABCDEF0123456789ABCDEF> " \
               b"<0123456789ABCDEF0123456789ABCDEF>] >>\n"
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def content(lines):
    """A content stream: (size, text) lines from the top of the page; a
    text of bytes is written as is (glyph codes of the /Differences)."""
    ops = [b"BT", b"72 770 Td"]
    for size, text in lines:
        if text is None:           # a blank line: move down only
            ops.append(b"0 -18 Td")
            continue
        s = text if isinstance(text, bytes) else pdf_string(text)
        ops.append(b"/F1 %d Tf 0 -%d Td %s Tj" % (size, size + 6, s))
    ops.append(b"ET")
    return b"\n".join(ops)


def document(pages, info=None, outline=None, names=None):
    """pages: list of line lists.  outline: list of (title, dest, kids)
    where dest is a page index or a destination name."""
    pdf = Pdf()
    catalog = pdf.reserve()
    pages_obj = pdf.reserve()
    font = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding << /Type /Encoding /BaseEncoding "
                   b"/WinAnsiEncoding /Differences [1 /fi /fl] >> >>")
    page_nums = []
    for lines in pages:
        c = pdf.stream(content(lines)) if lines else None
        p = pdf.reserve()
        body = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >>" % (pages_obj,
                                                              font))
        if c is not None:
            body += b" /Contents %d 0 R" % c
        pdf.set(p, body + b" >>")
        page_nums.append(p)
    pdf.set(pages_obj, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % p for p in page_nums), len(page_nums)))

    def dest(d):
        if isinstance(d, int):
            return b"[%d 0 R /XYZ null null null]" % page_nums[d]
        return pdf_string(d)

    def items(entries, parent):
        nums = [pdf.reserve() for _ in entries]
        for i, (title, d, kids) in enumerate(entries):
            body = b"<< /Title %s /Parent %d 0 R /Dest %s" % (
                pdf_text_string(title), parent, dest(d))
            if i > 0:
                body += b" /Prev %d 0 R" % nums[i - 1]
            if i + 1 < len(nums):
                body += b" /Next %d 0 R" % nums[i + 1]
            if kids:
                first, last = items(kids, nums[i])
                body += b" /First %d 0 R /Last %d 0 R /Count %d" % (
                    first, last, len(kids))
            pdf.set(nums[i], body + b" >>")
        return nums[0], nums[-1]

    cat = b"<< /Type /Catalog /Pages %d 0 R" % pages_obj
    if outline:
        root = pdf.reserve()
        first, last = items(outline, root)
        pdf.set(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R "
                b"/Count %d >>" % (first, last, len(outline)))
        cat += b" /Outlines %d 0 R /PageMode /UseOutlines" % root
    if names:
        kv = b" ".join(pdf_string(k) + b" [%d 0 R /XYZ null null null]" %
                       page_nums[v] for k, v in sorted(names.items()))
        cat += b" /Names << /Dests << /Names [%s] >> >>" % kv
    pdf.set(catalog, cat + b" >>")
    info_obj = None
    if info:
        info_obj = pdf.add(b"<< " + b" ".join(
            b"/%s %s" % (k.encode(), v if isinstance(v, bytes) else
                         pdf_text_string(v)) for k, v in info.items())
            + b" >>")
    return pdf.write(catalog, info_obj)


GOOD_PAGES = [
    [
        (18, "Guide de la coopération décentralisée"),
        (None, None),
        (11, "Ce guide présente l’action extérieure des collectivités "
             "territoriales françaises"),
        (11, "et les outils juridiques dont elles disposent pour agir avec "
             "leurs partenaires"),
        # "en toute con\x01ance" draws the fi ligature glyph.
        (11, b"(\\351trangers, en toute con\\001ance.)"),
        (None, None),
        (11, "Sommaire : introduction, cadre juridique, annexes."),
    ],
    [
        (14, "Le cadre juridique"),
        (None, None),
        (11, "La loi du 6 février 1992 a ouvert la voie aux conventions de "
             "jumelage-coopération"),
        (11, "avec des autorités locales étrangères ; la loi Thiollière de "
             "2007 l’a étendue"),
        (11, "à l’aide humanitaire d’urgence."),
        (None, None),
        (11, "Seuils : < 5 000 € & > 100 € « sic »."),
    ],
    [
        (14, "Annexes"),
        (None, None),
        (11, "Article L1115-1 du CGCT : texte intégral en annexe."),
        (11, "Fin du document."),
    ],
]

GOOD_INFO = {
    "Title": "Guide de la coopération décentralisée",
    "Author": "Équipe pédagogique; Jean Dupont",
    "Subject": "Action extérieure des collectivités",
    "Keywords": "coopération, jumelage, CGCT",
    "Creator": "make-data.py",
    "Producer": "Savoir make-data.py 1.0",
    "CreationDate": b"(D:20191105093000+01'00')",
    "ModDate": b"(D:20200102100000Z)",
}

GOOD_OUTLINE = [
    ("Introduction", 0, None),
    ("Le cadre juridique", 1, [
        ("La loi Thiollière", "thiolliere", None),
    ]),
    ("Annexes", 2, None),
]


def main():
    os.makedirs(DATA, exist_ok=True)

    def put(name, data):
        with open(os.path.join(DATA, name), "wb") as f:
            f.write(data)

    good = document(GOOD_PAGES, GOOD_INFO, GOOD_OUTLINE,
                    {"thiolliere": 1})
    put("good.pdf", good)
    put("notitle.pdf", document([[
        (11, "Rapport d’activité 2021"),
        (11, "Le partenariat avec Ouahigouya se poursuit."),
        (11, "Sommaire . . . . . . . . . . . . . . 2"),
        (11, "Bilan financier........................3"),
        (11, "Trois points... puis la suite."),
    ]], {"Title": "Microsoft Word - brouillon.docx"}))
    put("blank.pdf", document([[], []]))
    put("odd.pdf", document([[
        (11, "Notes de terrain"),
        (11, "Première mission à Ouahigouya."),
    ]], {
        "Title": "untitled",
        "Author": " ; ; ",
        "CreationDate": b"(D:19700101000000Z)",
    }, [
        ("Perdu", "nulle-part", None),
        ("Annexe <1> & \"notes\"", 0, None),
    ]))
    put("truncated.pdf", good[:700])
    put("damaged.pdf", b"%PDF-1.4\nCeci n'est pas un PDF valide.\n")
    put("not-a-pdf.pdf", b"\x89PNG\r\n\x1a\nCeci est une image PNG.\n")
    put("empty.pdf", b"")

    if shutil.which("qpdf") is None:
        print("qpdf not found: encrypted.pdf left as it is",
              file=sys.stderr)
        return
    # AES-128 derives its key from the passwords and the file's ID, which
    # --static-id fixes: the output is the same from run to run (AES-256
    # draws a random key).  Poppler asks for the password either way.
    subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt",
                    "lecteur", "proprietaire", "128", "--use-aes=y", "--",
                    os.path.join(DATA, "good.pdf"),
                    os.path.join(DATA, "encrypted.pdf")], check=True)


if __name__ == "__main__":
    main()
