/*
 * test_office.c - the office plugin, loaded with dlopen from $SAVOIR_PLUGINS
 * as the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits and counts every misuse
 * of the ABI.  The fixtures in tests/data are written by tests/make-data.py
 * (well-formed documents and hostile ones: zip bombs, billion laughs, broken
 * archives); archives only this file needs (thousands of entries, a part of
 * many MB) are written here, stored without compression.
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	return fakehost_load("office", "office");
}

/* --- a stored (uncompressed) zip writer, for archives made here ------ */

static uint32_t crc_table[256];

static uint32_t
crc32_of(const void *data, size_t n)
{
	const unsigned char	*p = data;
	uint32_t		 c = 0xFFFFFFFFu;
	size_t			 i;
	int			 k;

	if (crc_table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
			crc_table[i] = c;
		}
		c = 0xFFFFFFFFu;
	}
	for (i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

struct tzip {
	struct buf	 out;
	struct buf	 cd;
	unsigned	 n;
};

static void
le16(struct buf *b, unsigned v)
{
	buf_addc(b, (char)(v & 0xFF));
	buf_addc(b, (char)((v >> 8) & 0xFF));
}

static void
le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xFFFF);
	le16(b, v >> 16);
}

/* The fields a local header and its central directory entry share, from
 * the flags to the extra field's length: stored, dated 1980-01-01. */
static void
tzip_fields(struct buf *b, uint32_t crc, size_t len, size_t nlen)
{
	le16(b, 0);		/* flags */
	le16(b, 0);		/* stored */
	le16(b, 0);
	le16(b, 0x21);		/* 1980-01-01 */
	le32(b, crc);
	le32(b, (uint32_t)len);
	le32(b, (uint32_t)len);
	le16(b, (unsigned)nlen);
	le16(b, 0);		/* no extra field */
}

static void
tzip_add(struct tzip *z, const char *name, const char *data, size_t len)
{
	uint32_t	 crc = crc32_of(data, len), off = (uint32_t)z->out.len;
	size_t		 nlen = strlen(name);

	le32(&z->out, 0x04034b50);
	le16(&z->out, 20);
	tzip_fields(&z->out, crc, len, nlen);
	buf_add(&z->out, name, nlen);
	buf_add(&z->out, data, len);

	le32(&z->cd, 0x02014b50);
	le16(&z->cd, 20);
	le16(&z->cd, 20);
	tzip_fields(&z->cd, crc, len, nlen);
	le16(&z->cd, 0);		/* no comment */
	le16(&z->cd, 0);		/* disk 0 */
	le16(&z->cd, 0);		/* no attributes */
	le32(&z->cd, 0);
	le32(&z->cd, off);
	buf_add(&z->cd, name, nlen);
	z->n++;
}

/* Finish the archive; returns its bytes (caller frees), *len its size. */
static char *
tzip_finish(struct tzip *z, size_t *len)
{
	uint32_t	 cdoff = (uint32_t)z->out.len;

	buf_add(&z->out, z->cd.data, z->cd.len);
	le32(&z->out, 0x06054b50);
	le16(&z->out, 0);
	le16(&z->out, 0);
	le16(&z->out, z->n);
	le16(&z->out, z->n);
	le32(&z->out, (uint32_t)z->cd.len);
	le32(&z->out, cdoff);
	le16(&z->out, 0);
	buf_free(&z->cd);
	*len = z->out.len;
	return buf_steal(&z->out);
}

#define T_CT	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas." \
		"openxmlformats.org/package/2006/content-types\"/>"
#define T_DOC	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " \
		"xmlns:w=\"http://schemas.openxmlformats.org/" \
		"wordprocessingml/2006/main\"><w:body>"
#define T_END	"</w:body></w:document>"

/* A .docx of [Content_Types].xml and a word/document.xml. */
static char *
tzip_docx(const char *document, size_t doclen, size_t *len)
{
	struct tzip	 z;

	memset(&z, 0, sizeof z);
	tzip_add(&z, "[Content_Types].xml", T_CT, strlen(T_CT));
	tzip_add(&z, "word/document.xml", document, doclen);
	return tzip_finish(&z, len);
}

/* A .docx made here: a word/document.xml of T_DOC, what the test writes
 * into doc, then T_END. */
struct tdocx {
	struct buf	 doc;
	char		*zip;
	size_t		 len;
};

static void
tdocx_begin(struct tdocx *x)
{
	buf_init(&x->doc);
	buf_adds(&x->doc, T_DOC);
	x->zip = NULL;
}

static void
tdocx_end(struct tdocx *x)
{
	buf_adds(&x->doc, T_END);
	x->zip = tzip_docx(x->doc.data, x->doc.len, &x->len);
}

static void
tdocx_free(struct tdocx *x)
{
	free(x->zip);
	buf_free(&x->doc);
}

/* Add the .docx to out (a run_made input), then free it. */
static void
tdocx_move(struct tdocx *x, struct buf *out)
{
	tdocx_end(x);
	buf_add(out, x->zip, x->len);
	tdocx_free(x);
}

/* --- the tests ------------------------------------------------------- */

static void
t_descriptor(void **st)
{
	expect_descriptor("office", ".odt", ".docx", NULL);
	expect_one_type("bureautique", "Document bureautique",
	    "Documents bureautiques", "annee=Année (year); auteur=Auteur "
	    "(keyword)");
}

static void
t_probe(void **st)
{
	assert_int_equal(probe_file("good.odt", NULL), 100);
	assert_int_equal(probe_file("good.docx", NULL), 100);
	assert_int_equal(probe_file("good.docx", "GOOD.DOCX"), 100);
	/* Ours by name only: extract will say what is wrong. */
	assert_int_equal(probe_file("notzip.docx", NULL), 10);
	assert_int_equal(probe_file("good.docx", "renamed.odt"), 10);
	assert_int_equal(probe_file("good.odt", "x.txt"), 0);
}

static void
t_good_odt(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*body, *html;

	d = run_doc(s, "good.odt", 0, 0);
	expect_doc(d, "office/good", "bureautique", "Guide de la coopération");

	/* text:h, and a paragraph whose automatic style derives from Title;
	 * the table of contents is not read. */
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Coopération décentralisée au Sahel\nLe cadre juridique\n"
	    "Les partenaires");
	body = d->text[SAVOIR_COL_BODY].data;
	assert_string_equal(body,
	    "La loi Thiollière de 2007 autorise les conventions.\n"
	    "Première ligne\nseconde ligne après tabulation.\n"
	    "Ouahigouya\nChambéry\nSavoie\n"
	    "Année | Montant\n"
	    "2003 | 45,4 M€ (estimé)\n"
	    "Échappement : a < b & <script>alert(1)</script>\n"
	    "Texte dans un cadre.\n"
	    "[1] Loi n° 2007-147 du 2 février 2007.");
	expect_not_in(body, "sommaire", "supprimé", "titre image", NULL);

	html = d->html;
	expect_in(html,
	    "<h2>Coopération décentralisée au Sahel</h2>\n"
	    "<h2>Le cadre juridique</h2>\n",
	    "<p>Première ligne<br>seconde ligne après tabulation.</p>",
	    "<h3>Les partenaires</h3>\n<ul>\n<li>Ouahigouya</li>\n"
	    "<li>Chambéry</li>\n<li>Savoie</li>\n</ul>",
	    "<table>\n<tr><th>Année</th><th>Montant</th></tr>\n"
	    "<tr><td>2003</td><td>45,4 M€ (estimé)</td></tr>\n</table>",
	    "<p>Échappement : a &lt; b &amp; "
	    "&lt;script&gt;alert(1)&lt;/script&gt;</p>",
	    "<h2>Notes</h2>\n<p>[1] Loi n° 2007-147 du 2 février 2007.</p>",
	    NULL);
	expect_not_in(html, "<script", NULL);

	expect_facets(d, "annee=2019; auteur=Marie Dupont");
	assert_int_equal(d->meta.n, 7);
	expect_kv(&d->meta, 0, "titre", "Titre", "Guide de la coopération");
	expect_kv(&d->meta, 1, NULL, "Auteur", "Marie Dupont");
	expect_kv(&d->meta, 2, NULL, "Date", "14 mars 2019");
	expect_kv(&d->meta, 3, NULL, "Sujet", "Action extérieure");
	expect_kv(&d->meta, 4, NULL, "Mots-clés", "coopération, Sahel");
	expect_kv(&d->meta, 5, NULL, "Description", "Un guide pratique.");
	expect_kv(&d->meta, 6, NULL, "Format", NULL);
}

static void
t_good_docx(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*html;

	d = run_doc(s, "good.docx", 0, 0);
	expect_doc(d, "office/good", NULL, "Les jumelages franco-africains");
	/* Style ids in French, names in English; basedOn chains; a direct
	 * outline level; the table-of-contents entry is dropped. */
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Rapport sur les jumelages\nIntroduction\nHistorique\n"
	    "Chapitre personnalisé\nNiveau de plan direct");
	/* Deleted text and field codes are not text; the text box is read
	 * once (not its fallback copy); cells join with " | ". */
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Les collectivités françaises coopèrent avec\n"
	    "leurs partenaires. Voir le site\n"
	    "Premier point\nSecond point\n"
	    "Ville | Pays\nOuahigouya | Burkina Faso\nKayes | Mali\n"
	    "Encadré unique\n"
	    "Paragraphe dans un contrôle de contenu.\n"
	    "<img src=x onerror=alert(1)> reste du texte\n"
	    "[1] Source : rapport du Sénat.");

	html = d->html;
	expect_in(html, "<h2>Rapport sur les jumelages</h2>\n"
	    "<h2>Introduction</h2>\n<p>Les collectivités françaises "
	    "coopèrent avec<br>leurs partenaires. Voir le site</p>\n"
	    "<h3>Historique</h3>\n<h2>Chapitre personnalisé</h2>\n"
	    "<h4>Niveau de plan direct</h4>\n<ul>\n<li>Premier point</li>\n"
	    "<li>Second point</li>\n</ul>\n"
	    "<table>\n<tr><th>Ville</th><th>Pays</th></tr>\n",
	    "<p>&lt;img src=x onerror=alert(1)&gt; reste du texte</p>",
	    "<h2>Notes</h2>\n<p>[1] Source : rapport du Sénat.</p>", NULL);
	expect_not_in(html, "<img", NULL);

	assert_string_equal(facet(d, "annee", 0), "2021");
	assert_string_equal(facet(d, "auteur", 0), "Équipe pédagogique");
	assert_string_equal(meta(d, "date", NULL), "15 juin 2021");
	assert_string_equal(meta(d, "sujet", NULL), "Coopération");
	assert_string_equal(meta(d, "mots_cles", NULL),
	    "jumelage; Burkina Faso");
	assert_string_equal(meta(d, "description", NULL), "Synthèse.");
	assert_string_equal(meta(d, "format", NULL), "Word (.docx)");
}

static void
t_title_fallbacks(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	/* No dc:title: the first heading; dc:creator is then the author. */
	d = run_doc(s, "notitle.odt", 0, -1);
	expect_doc(d, NULL, NULL, "Premier titre du document");
	assert_string_equal(facet(d, "auteur", 0), "Paul Martin");
	assert_string_equal(facet(d, "annee", 0), "2018");
	assert_string_equal(meta(d, "date", NULL), "5 novembre 2018");
	assert_null(meta(d, "titre", NULL));
	sink_clear(s);

	/* No metadata, no styles.xml: a style id that names a heading level
	 * still makes a heading, and the title. */
	d = run_doc(s, "bare.docx", 0, -1);
	expect_doc(d, NULL, NULL, "Un intertitre");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data, "Un intertitre");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Texte sans titre ni métadonnées.");
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 1);
	assert_string_equal(d->html, "<p>Texte sans titre ni "
	    "métadonnées.</p>\n<h3>Un intertitre</h3>\n");
	sink_clear(s);

	/* A first heading that repeats the title is not shown twice. */
	d = run_doc(s, "titled.odt", 0, -1);
	expect_doc(d, NULL, NULL, "Rapport & annexes");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Rapport & annexes");
	assert_string_equal(d->html, "<p>Texte.</p>\n");
	sink_clear(s);

	/* The main part is wherever _rels/.rels says. */
	d = run_doc(s, "moved.docx", 0, -1);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Partie principale déplacée.");
}

static void
t_encodings(void **st)
{
	struct savoir_sink	*s = *st;

	/* A declared encoding is honoured. */
	assert_string_equal(run_doc(s, "latin1.odt", 0, -1)->
	    text[SAVOIR_COL_BODY].data, "L'été à Chambéry.");
	sink_clear(s);
	/* Latin-1 bytes in a part that says UTF-8: refused, with where. */
	expect_error("badenc.docx", "word/document.xml line 4: not "
	    "well-formed XML: Input is not proper UTF-8");
	expect_error("malformed.odt", "content.xml line 5: not well-formed "
	    "XML: Opening and ending tag mismatch");
}

static void
t_entities(void **st)
{
	struct savoir_sink	*s = *st;

	/* Refused at the DOCTYPE, before any entity is declared. */
	expect_error("laughs.odt", "content.xml line 2: a DOCTYPE "
	    "declaration is refused");
	expect_error("laughs.docx", "word/document.xml line 2: a DOCTYPE "
	    "declaration is refused");
	expect_error("xxe.docx", "word/document.xml line 2: a DOCTYPE");
	assert_int_equal(run(s, "xxe.docx", 0), -1);
	assert_null(strstr(s->f.error, "root:"));
}

static void
t_zip_bombs(void **st)
{
	/* 64 MB of zeros in 65 kB: refused from the header. */
	expect_error("bomb.docx", "zip bomb: word/document.xml would expand "
	    "to 65 MB (ratio 1:1024;");
	/* The header says 1000 bytes, the data inflates to 20 MB: the bytes
	 * are counted, the header is not believed. */
	expect_error("bomb-lying.odt", "zip bomb: content.xml inflates past "
	    "the 1000 bytes its header declares");
	expect_error("bomb-declared.docx", "zip bomb: word/document.xml "
	    "would expand to 4096 MB");
}

static void
t_many_entries(void **st)
{
	struct savoir_sink	*s = *st;
	struct tzip		 z;
	char			*zip, name[32];
	size_t			 len;
	int			 i;

	memset(&z, 0, sizeof z);
	tzip_add(&z, "[Content_Types].xml", T_CT, strlen(T_CT));
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "x/%d", i);
		tzip_add(&z, name, "", 0);
	}
	zip = tzip_finish(&z, &len);
	assert_int_equal(run_mem(s, "many.docx", zip, len, 0), -1);
	assert_int_equal(s->misuse, 0);
	assert_string_equal(s->f.error, "zip bomb: the archive holds 10001 "
	    "entries (the limit is 10000)");
	free(zip);
}

static void
t_broken(void **st)
{
	expect_error("truncated.docx", "the zip archive is truncated or "
	    "damaged");
	expect_error("notzip.docx", "not a zip archive (an .odt or .docx file "
	    "is one): it starts with \"Ceci n'est pas u\"");
	expect_error("empty.odt", "the file is empty");
	expect_error("ole.docx", "an OLE compound file");
	expect_error("encrypted.odt", "content.xml is encrypted: "
	    "password-protected");
	expect_error("odf-password.odt", "content.xml is encrypted: the "
	    "document is password-protected");
	expect_error("sheet.odt", "\"application/vnd.oasis.opendocument."
	    "spreadsheet\": an OpenDocument file but not a text");
}

static void
t_depth(void **st)
{
	struct tdocx	 x;
	int		 i;

	/* Deeper than libxml2 allows without XML_PARSE_HUGE: refused, and
	 * no walker recursion can run away. */
	tdocx_begin(&x);
	for (i = 0; i < 300; i++)
		buf_adds(&x.doc, "<w:sdt><w:sdtContent>");
	for (i = 0; i < 300; i++)
		buf_adds(&x.doc, "</w:sdtContent></w:sdt>");
	tdocx_end(&x);
	expect_error_mem("deep.docx", x.zip, x.len, "word/document.xml line 1: "
	    "not well-formed XML: Excessive depth");
	tdocx_free(&x);
}

/*
 * A part of many blocks is streamed: each paragraph is read, then freed;
 * the work is linear in the part.
 */
static void
many_docx(struct buf *out)
{
	struct tdocx	 x;
	int		 i;

	tdocx_begin(&x);
	for (i = 0; i < 20000; i++)
		buf_printf(&x.doc, "<w:p><w:r><w:t>Paragraphe %d : coopération "
		    "décentralisée et jumelages.</w:t></w:r></w:p>\n", i);
	tdocx_move(&x, out);
}

static void
t_many(void **st)
{
	const struct xdoc	*d = run_made(*st, "many.docx", many_docx, 0);

	assert_true(strncmp(d->text[SAVOIR_COL_BODY].data, "Paragraphe 0 : "
	    "coopération décentralisée et jumelages.\nParagraphe 1 :", 56) ==
	    0);
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "\nParagraphe 19999 : coopération décentralisée et jumelages."));
	assert_non_null(strstr(d->html, "<p>Paragraphe 19999 : coopération "
	    "décentralisée et jumelages.</p>\n"));
}

static void
large_docx(struct buf *out)
{
	struct tdocx	 x;

	tdocx_begin(&x);
	buf_adds(&x.doc, "<w:p><w:r><w:t>Début.</w:t></w:r></w:p><w:p>");
	fh_runs(&x.doc, 16, "<w:r><w:t>", "été et ", 1 << 20, "</w:t></w:r>");
	buf_adds(&x.doc, "</w:p>");
	tdocx_move(&x, out);
}

/* More text than the host takes: cut short of it, with a warning. */
static void
t_large(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_made(s, "large.docx", large_docx, -1);

	expect_cut(s, d);
	assert_true(strncmp(d->text[SAVOIR_COL_BODY].data, "Début.\nété et ",
	    17) == 0);
	/* The block that crossed the limit is not half written. */
	assert_string_equal(d->html, "<p>Début.</p>\n");
}

static void
t_no_text(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	struct tdocx		 x;

	tdocx_begin(&x);
	buf_adds(&x.doc, "<w:p/>");
	tdocx_end(&x);
	d = run_mem_doc(s, "dir/vide.docx", x.zip, x.len, 0, -1);
	expect_warning(s, "the document has no text", 0);
	expect_doc(d, "dir/vide", NULL, "vide.docx");
	assert_null(d->html);
	tdocx_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		FH_TEST(t_good_odt),
		FH_TEST(t_good_docx),
		FH_TEST(t_title_fallbacks),
		FH_TEST(t_encodings),
		FH_TEST(t_entities),
		cmocka_unit_test(t_zip_bombs),
		FH_TEST(t_many_entries),
		cmocka_unit_test(t_broken),
		cmocka_unit_test(t_depth),
		FH_TEST(t_many),
		FH_TEST(t_large),
		FH_TEST(t_no_text),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
