#!/usr/bin/env python3
"""
make-data.py - write the html plugin's test pages that are not UTF-8.

Run from anywhere: python3 plugins/html/tests/make-data.py
The other pages of tests/data are plain UTF-8 files, edited as they are;
this script writes only the ones an editor would not keep byte for byte: a
page in Windows-1252 that declares it, and one that mixes Latin-1,
Windows-1252 and UTF-8 bytes without declaring a charset.  The outputs are
committed next to this script (tests/data/), rewritten byte for byte on
each run.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def write(name, text, encoding="utf-8"):
    path = os.path.join(DATA, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text if isinstance(text, bytes) else text.encode(encoding)
    with open(path, "wb") as f:
        f.write(data)


def main():
    write("cp1252.html",
          '<html><head><meta http-equiv="Content-Type" content="text/html; '
          'charset=windows-1252"><title>Été</title></head><body>'
          '<p>L\'été à Chambéry, cœur – fin</p></body></html>\n',
          "cp1252")
    # No charset: Latin-1 é, a Windows-1252 œ, then proper UTF-8.
    write("nocharset.html",
          '<html><head><title>Sans jeu de caractères</title></head><body>\n'
          '<p>Caf'.encode() + b'\xe9, c\x9cur et ' + 'déjà vu</p>\n'
          '</body></html>\n'.encode())


if __name__ == "__main__":
    main()
