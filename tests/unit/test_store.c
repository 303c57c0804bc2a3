/*
 * test_store.c - the index file: creation, refusal of foreign or newer
 * files, replacing a file's documents, unchanged documents kept as they
 * were, the change feed, integrity checks, and the read functions of
 * store_read.c (facet counts too): whole answers, or an error, never a
 * short list.
 */
#include "config.h"

#include "teststore.h"

/* A document that has a facet, a link and a meta field. */
static struct xdoc *
mkdoc(const char *id, const char *type, const char *title, const char *body)
{
	struct xdoc	*d = t_mkdoc(id, type, title, body);

	kvlist_add(&d->facets, "pays", NULL, "Sénégal");
	kvlist_add(&d->links, "cgct/L1115-1", "L1115-1", "cite");
	kvlist_add(&d->meta, "auteur", "Auteur", "Moi");
	return d;
}

/* Write mkdoc(id, type, title, body) as the one document of path. */
static void
put1(struct store *st, const char *path, const char *id, const char *type,
    const char *title, const char *body)
{
	struct xdoc	*d = mkdoc(id, type, title, body);

	t_put(st, path, &d, 1);
	xdoc_free(d);
}

/* store_open must refuse the file at path, saying want; frees path. */
static void
refused(char *path, const char *want)
{
	char	*cause = NULL;

	assert_null(store_open(path, STORE_CREATE, &cause));
	if (cause == NULL || strstr(cause, want) == NULL)
		fail_msg("%s: \"%s\", not \"%s\"", path, cause, want);
	free(cause);
	free(path);
}

static void
t_create_and_reopen(void **state)
{
	struct store	*st;
	char		*dir, *path, *cause = NULL;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	assert_null(store_open(path, STORE_RDONLY, &cause));
	assert_non_null(strstr(cause, "create it with savoir index"));
	free(cause);
	cause = NULL;
	st = store_open(path, STORE_CREATE, &cause);
	assert_non_null(st);
	assert_int_equal(scalar(st, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(scalar(st, "PRAGMA application_id"),
	    STORE_APPLICATION_ID);
	store_close(st);
	st = store_open(path, STORE_RDONLY, &cause);
	assert_non_null(st);
	store_close(st);
	free(path);
	t_rmdtemp(dir);
}

static void
t_refuse_foreign(void **state)
{
	struct store	*st;
	sqlite3		*db;
	char		*dir, *path, *cause = NULL;

	(void)state;
	dir = t_mkdtemp();
	t_writes(dir, "text.db", "this is not a database at all, just text.");
	refused(xsprintf("%s/text.db", dir), "not a Savoir index");

	path = xsprintf("%s/other.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", 0, 0, 0), 0);
	sqlite3_close(db);
	refused(path, "application_id");

	path = xsprintf("%s/newer.db", dir);
	st = store_open(path, STORE_CREATE, &cause);
	assert_non_null(st);
	assert_int_equal(sqlite3_exec(store_db(st), "PRAGMA user_version = 7",
	    0, 0, 0), 0);
	store_close(st);
	refused(path, "newer Savoir");
	t_rmdtemp(dir);
}

static void
t_put_replace_keep(void **state)
{
	struct scratch	*sc = *state;
	struct store	*st = sc->st;
	struct xdoc	*docs[3];
	struct buf	 out;
	int64_t		 seq_a, seq_b, rowid_a;

	docs[0] = mkdoc("t/a", "note", "Alpha", "coopération décentralisée");
	docs[1] = mkdoc("t/b", "note", "Beta", "jumelage");
	t_put(st, "f.md", docs, 2);
	xdoc_free(docs[0]);
	xdoc_free(docs[1]);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs"), 2);
	assert_int_equal(scalar(st, "SELECT count(*) FROM fts"), 2);
	assert_int_equal(scalar(st, "SELECT count(*) FROM facets WHERE "
	    "key = 'type'"), 2);
	assert_int_equal(scalar(st, "SELECT count(*) FROM facets WHERE "
	    "key = 'pays' AND norm = 'senegal'"), 2);
	seq_a = scalar(st, "SELECT seq FROM docs WHERE id = 't/a'");
	rowid_a = scalar(st, "SELECT rowid FROM docs WHERE id = 't/a'");
	seq_b = scalar(st, "SELECT seq FROM docs WHERE id = 't/b'");

	/* a unchanged, b changed, c new. */
	docs[0] = mkdoc("t/a", "note", "Alpha", "coopération décentralisée");
	docs[1] = mkdoc("t/b", "note", "Beta", "jumelage franco-allemand");
	docs[2] = mkdoc("t/c", "cas", "Gamma", "eau");
	t_put(st, "f.md", docs, 3);
	assert_int_equal(scalar(st, "SELECT seq FROM docs WHERE id = 't/a'"),
	    seq_a);
	assert_int_equal(scalar(st, "SELECT rowid FROM docs WHERE id = 't/a'"),
	    rowid_a);
	assert_true(scalar(st, "SELECT seq FROM docs WHERE id = 't/b'") >
	    seq_b);
	assert_int_equal(scalar(st, "SELECT count(*) FROM fts WHERE fts "
	    "MATCH 'allemand'"), 1);

	/* Dropping b from the file deletes it and logs the deletion. */
	t_put(st, "f.md", docs, 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM changes WHERE doc = "
	    "'t/b' AND op = 'del'"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM fts"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM facets"), 2);
	assert_int_equal(scalar(st, "SELECT count(*) FROM links"), 1);

	/* Another file may not steal an id: its document of the same id
	 * is kept beside, as id@plugin ("doublon" when none is named). */
	t_put(st, "g.md", docs, 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs d JOIN sources "
	    "s ON s.id = d.source WHERE d.id = 't/a' AND s.path = 'f.md'"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs d JOIN sources "
	    "s ON s.id = d.source WHERE d.id = 't/a@doublon' AND s.path = "
	    "'g.md'"), 1);
	/* Again, unchanged: it keeps its row. */
	rowid_a = scalar(st, "SELECT rowid FROM docs WHERE id = 't/a@doublon'");
	t_put(st, "g.md", docs, 1);
	assert_int_equal(scalar(st, "SELECT rowid FROM docs WHERE id = "
	    "'t/a@doublon'"), rowid_a);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs"), 2);

	buf_init(&out);
	assert_int_equal(store_check(st, &out), 0);
	buf_free(&out);

	/* Deleting the source deletes its documents. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_delete_source(st, scalar(st, "SELECT id FROM "
	    "sources WHERE path = 'f.md'")), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM docs WHERE id = "
	    "'t/a@doublon'"), 1);
	assert_int_equal(scalar(st, "SELECT count(*) FROM fts"), 1);
	/* b and c (dropped from the file), then a: one 'del' each. */
	assert_int_equal(scalar(st, "SELECT count(*) FROM changes WHERE op = "
	    "'del'"), 3);
	xdoc_free(docs[0]);
	xdoc_free(docs[1]);
	xdoc_free(docs[2]);
}

static void
t_check_finds_damage(void **state)
{
	struct scratch	*sc = *state;
	struct store	*st = sc->st;
	struct buf	 out;

	put1(st, "f.md", "t/a", "note", "Alpha", "texte");
	/* A document the full-text index forgot (its text is still there:
	 * the index reads it from docs). */
	assert_int_equal(sqlite3_exec(store_db(st), "INSERT INTO fts (fts, "
	    "rowid, title, headings, body) SELECT 'delete', rowid, title, "
	    "headings, body FROM fts_text", 0, 0, 0), 0);
	buf_init(&out);
	assert_true(store_check(st, &out) > 0);
	assert_non_null(strstr(out.data, "fts5:"));
	buf_free(&out);
	/* A document without postings. */
	assert_int_equal(sqlite3_exec(store_db(st), "DELETE FROM pseg", 0, 0,
	    0), 0);
	buf_init(&out);
	assert_true(store_check(st, &out) > 0);
	assert_non_null(strstr(out.data, "has no postings"));
	buf_free(&out);
}

/* The read functions of store_read.c on a small index. */
static void
t_read_functions(void **state)
{
	struct scratch		*sc = *state;
	struct store		*st = sc->st;
	struct store_doc	*doc;
	struct store_link	*l;
	struct store_type	*t;
	struct store_stats	 ss;
	struct store_feed	 f;
	char			*label, *cause = NULL;
	size_t			 n;

	put1(st, "a.md", "t/a", "note", "Alpha", "coopération décentralisée");
	/* The target of the notes' links (its own link to itself is not
	 * kept). */
	put1(st, "b.md", "cgct/L1115-1", "article", "Article L1115-1", "texte");
	put1(st, "c.md", "t/b", "note", "Beta", "jumelage");

	assert_int_equal(store_doc(st, "t/a", STORE_DOC_TEXT, &doc, &cause),
	    1);
	assert_string_equal(doc->id, "t/a");
	assert_string_equal(doc->type, "note");
	assert_string_equal(doc->type_label, "note");	/* undeclared */
	assert_string_equal(doc->title, "Alpha");
	assert_string_equal(doc->source, "a.md");
	assert_string_equal(doc->html, "<p>x</p>");
	assert_non_null(strstr(doc->text, "décentralisée"));
	assert_non_null(strstr(doc->meta, "Moi"));
	assert_true(doc->seq > 0);

	assert_int_equal(store_links(st, doc->rowid, &l, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].id, "cgct/L1115-1");
	assert_string_equal(l[0].title, "Article L1115-1");
	assert_string_equal(l[0].rel, "cite");
	assert_int_equal(l[0].exists, 1);
	store_links_free(l, n);
	store_doc_free(doc);
	assert_int_equal(store_doc(st, "t/none", 0, &doc, &cause), 0);
	assert_null(doc);

	assert_int_equal(store_cited_by(st, "cgct/L1115-1", 0, 0, &l, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].id, "t/a");	/* by type, then title */
	assert_string_equal(l[0].type, "note");
	assert_string_equal(l[1].id, "t/b");
	store_links_free(l, n);
	assert_int_equal(store_cited_by(st, "cgct/L1115-1", 1, 1, &l, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	store_links_free(l, n);

	assert_int_equal(store_types(st, 1, &t, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].name, "article");
	assert_int_equal(t[0].count, 1);
	assert_string_equal(t[1].facets, "[]");
	store_types_free(t, n);
	assert_int_equal(store_type_counts(st, 0, &t, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[1].name, "note");
	store_types_free(t, n);
	assert_int_equal(store_type_counts(st, 1, &t, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].name, "note");
	assert_int_equal(t[0].count, 2);
	store_types_free(t, n);
	assert_int_equal(store_type_label(st, "note", &label, &cause), 0);
	assert_null(label);

	assert_int_equal(store_stats(st, &ss, &cause), 0);
	assert_int_equal(ss.docs, 3);
	assert_int_equal(ss.sources, 3);
	assert_int_equal(ss.failed, 0);
	assert_int_equal(ss.links, 2);

	assert_int_equal(store_changes(st, 0, 1, &f, &cause), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.more, 1);
	assert_string_equal(f.v[0].id, "t/a");
	assert_string_equal(f.v[0].op, "put");
	assert_int_equal(f.last, 3);
	store_feed_clear(&f);
	assert_int_equal(store_changes(st, 1, 10, &f, &cause), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.more, 0);
	assert_int_equal(f.v[0].seq, 2);
	assert_string_equal(f.v[1].id, "t/b");
	store_feed_clear(&f);

	/* Every _free takes NULL. */
	store_doc_free(NULL);
	store_links_free(NULL, 0);
	store_types_free(NULL, 0);
	store_feed_clear(NULL);
}

/*
 * A read that fails after some rows is an error, not a short list: the
 * change feed stopped part way (here by a deadline already past, as
 * SQLITE_BUSY or a corrupt page would stop it), then a table gone.
 */
static void
t_read_errors(void **state)
{
	struct scratch		*sc = *state;
	struct store		*st = sc->st;
	struct store_doc	*doc;
	struct store_feed	 f;
	char			*cause = NULL;

	put1(st, "a.md", "t/a", "note", "Alpha", "texte");
	assert_int_equal(sqlite3_exec(store_db(st), "WITH RECURSIVE c(i) AS "
	    "(SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000) "
	    "INSERT INTO changes (doc, op, at) SELECT 't/x' || i, 'put', 0 "
	    "FROM c", 0, 0, 0), SQLITE_OK);
	assert_int_equal(store_changes(st, 0, 1000, &f, &cause), 0);
	assert_int_equal(f.n, 1000);
	store_feed_clear(&f);

	store_deadline(st, 1);
	assert_int_equal(store_changes(st, 0, 1000, &f, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(f.n, 0);
	assert_null(f.v);
	free(cause);
	cause = NULL;
	store_deadline(st, 0);
	assert_int_equal(store_changes(st, 0, 1000, &f, &cause), 0);
	assert_int_equal(f.n, 1000);
	store_feed_clear(&f);

	assert_int_equal(sqlite3_exec(store_db(st), "DROP TABLE changes", 0,
	    0, 0), SQLITE_OK);
	assert_int_equal(store_changes(st, 0, 10, &f, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(sqlite3_exec(store_db(st), "DROP TABLE types", 0,
	    0, 0), SQLITE_OK);
	assert_int_equal(store_doc(st, "t/a", 0, &doc, &cause), -1);
	assert_null(doc);
	assert_non_null(cause);
	free(cause);
}

/*
 * store_facet_counts: every value of a key on one type's documents, not a
 * search's top 30; spellings that fold alike counted together; other
 * types and keys left out; an error when the table is gone.
 */
static void
t_facet_counts(void **state)
{
	struct scratch		*sc = *state;
	struct store		*st = sc->st;
	struct facet_count	*fc;
	struct xdoc		*d[41];
	char			*id, *v, *cause = NULL;
	size_t			 i, n;

	/* 40 partnerships, theme-0 .. theme-39; the first 5 hold a second
	 * theme, the first 3 « Sénégal », the next 2 « SENEGAL ». */
	for (i = 0; i < 40; i++) {
		id = xsprintf("p/%zu", i);
		d[i] = t_mkdoc(id, "partenariat", id, "texte");
		free(id);
		v = xsprintf("theme-%02zu", i);
		kvlist_add(&d[i]->facets, "theme", NULL, v);
		free(v);
		if (i < 5)
			kvlist_add(&d[i]->facets, "theme", NULL, "eau");
		if (i < 5)
			kvlist_add(&d[i]->facets, "pays", NULL, i < 3 ?
			    "Sénégal" : "SENEGAL");
	}
	d[40] = t_mkdoc("n/1", "note", "Note", "texte");
	kvlist_add(&d[40]->facets, "theme", NULL, "eau");
	kvlist_add(&d[40]->facets, "pays", NULL, "Mali");
	t_put(st, "p.csv", d, 41);
	for (i = 0; i < 41; i++)
		xdoc_free(d[i]);

	assert_int_equal(store_facet_counts(st, "partenariat", "theme", &fc,
	    &n, &cause), 0);
	assert_int_equal(n, 41);
	assert_string_equal(fc[0].key, "theme");
	assert_string_equal(fc[0].value, "eau");
	assert_int_equal(fc[0].count, 5);	/* not the note's */
	assert_string_equal(fc[1].value, "theme-00");
	assert_string_equal(fc[40].value, "theme-39");
	assert_int_equal(fc[40].count, 1);
	store_facet_counts_free(fc, n);

	assert_int_equal(store_facet_counts(st, "partenariat", "pays", &fc,
	    &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(fc[0].count, 5);
	store_facet_counts_free(fc, n);

	assert_int_equal(store_facet_counts(st, "cas", "pays", &fc, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
	assert_null(fc);

	assert_int_equal(sqlite3_exec(store_db(st), "DROP VIEW facets", 0,
	    0, 0), SQLITE_OK);
	assert_int_equal(store_facet_counts(st, "partenariat", "theme", &fc,
	    &n, &cause), -1);
	assert_non_null(cause);
	assert_null(fc);
	assert_int_equal(n, 0);
	free(cause);
	store_facet_counts_free(NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_create_and_reopen),
		cmocka_unit_test(t_refuse_foreign),
		cmocka_unit_test_setup_teardown(t_put_replace_keep,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(t_check_finds_damage,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(t_read_functions,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(t_read_errors,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(t_facet_counts,
		    scratch_setup, scratch_teardown),
	};

	log_init("test_store", SAVOIR_LOG_ERROR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
