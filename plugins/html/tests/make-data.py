#!/usr/bin/env python3
"""
make-data.py - write the web pages the html plugin's tests read.

Run from anywhere: python3 plugins/html/tests/make-data.py
The outputs are committed next to this script (tests/data/), rewritten byte
for byte on each run.  Most are plain UTF-8 pages; the script exists for the
ones that must not be: pages in Windows-1252, with or without a declared
charset, and a page mixing encodings.
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


PAGE = """<!DOCTYPE html>
<html lang="fr-FR">
<head>
<meta charset="utf-8">
<title>Guide de la coopération
  décentralisée</title>
<meta name="author" content="Équipe pédagogique">
<meta name="description" content="Un guide.">
<meta name="keywords" content="coopération, jumelage">
<meta name="dcterms.modified" content="2021-01-01">
<meta name="DC.date" content="2020-05-04">
<link rel="stylesheet" href="style.css">
<script>var x = "script dans la tête";</script>
</head>
<body>
<header><p>Bandeau du site</p><nav><a href="index.html">Accueil</a></nav></header>
<nav><ul><li><a href="../index.html">Menu principal</a></li></ul></nav>
<main>
<article>
<header><h1>Guide de la coopération décentralisée</h1>
<p class="chapo">Chapeau de l'article.</p></header>
<p>Les <strong>collectivités</strong> <em>territoriales</em> peuvent conclure
des conventions (<a href="/doc/cgct/L1115-1">article L1115-1</a>).</p>
<h2 id="cadre" class="x">Le cadre juridique</h2>
<p>Voir <a href="autre.html">l'autre page</a>, <a href="sub/detail.htm?x=1#s">le
détail</a>, <a href="../index.html">l'accueil</a>, <a href="../index.html#haut">encore
l'accueil</a> et <a href="https://www.senat.fr/rap/r12-123.html">le rapport du
Sénat</a>.</p>
<div>Texte libre dans une div<br>sur deux lignes.</div>
<h3>Liste</h3>
<ul><li>Premier</li><li>Second <code>code</code></li></ul>
<table><thead><tr><th>Année</th><th>Montant</th></tr></thead>
<tbody><tr><td>2003</td><td><p>45,4 M€</p></td></tr></tbody></table>
<pre>ligne 1
  ligne 2</pre>
<blockquote><p>Une citation.</p></blockquote>
<p>Liens écartés : <a href="mailto:x@example.org">courriel</a>,
<a href="javascript:alert(1)">script</a>, <a href="#cadre">ancre</a>,
<a href="page.html">soi-même</a>, <a href="../../../../etc/passwd.html">hors du
corpus</a>, <a href="image.png">image</a>.</p>
<aside><p>Encadré latéral</p></aside>
<form><input value="champ"><button>Envoyer</button><p>Dans le formulaire</p></form>
<p hidden>Texte caché</p>
</article>
</main>
<footer><p>Pied de page</p></footer>
</body>
</html>
"""

INJECT = """<html><head><title>Injection</title>
<style>body{background:url(javascript:alert(0))}</style>
<script>alert("tête")</script></head>
<body onload="alert(1)">
<p onclick="alert(2)">Texte <img src=x onerror="alert(3)"> sûr.</p>
<script>document.write("<p>écrit par script</p>")</script>
<p><a href="javascript:alert(4)">lien js</a>
<a href=" JaVaScRiPt:alert(5)">lien js 2</a>
<a href="java&#x09;script:alert(6)">lien tab</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">lien data</a>
<a href="vbscript:msgbox(8)">lien vb</a></p>
<iframe src="javascript:alert(9)"></iframe>
<svg><script>alert(10)</script><text>texte svg</text></svg>
<math><mtext>texte math</mtext></math>
<p style="color:red">Style en ligne</p>
<noscript><p>texte noscript</p></noscript>
<template><p>texte modèle</p></template>
<object data="x.swf"><p>texte objet</p></object>
<p>&lt;script&gt;alert(11)&lt;/script&gt; en texte</p>
<p><a href="http://example.org/?q=&quot;&gt;&lt;script&gt;">lien piégé</a></p>
<!-- <script>alert(12)</script> -->
<div><b onmouseover="alert(13)">Gras</b> et <i>italique</i></div>
<p>Fin.</p>
</body></html>
"""


def main():
    write("site/guide/page.html", PAGE)
    write("inject.html", INJECT)
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
    write("notitle.html", "<html><body><h1>Titre de niveau un</h1>\n"
          "<p>Un paragraphe.</p></body></html>\n")
    write("bare.html", "<p>Juste du texte.</p>\n")
    write("article.html",
          "<html><head><title>Un article</title></head><body>\n"
          "<div class=\"menu\">Menu du site</div>\n"
          "<article><h2>Dans l'article</h2><p>Texte de l'article.</p>"
          "</article>\n<div class=\"pub\">Publicité</div></body></html>\n")
    write("articles.html",
          "<html><head><title>Des articles</title></head><body>\n"
          "<div>Introduction</div>\n"
          "<article><p>Premier article.</p></article>\n"
          "<article><p>Second article.</p></article></body></html>\n")
    write("empty.html", "")
    write("blank.html", "  \n\t\n")


if __name__ == "__main__":
    main()
