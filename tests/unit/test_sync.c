/*
 * test_sync.c - store_sync.c, both ends on real index files: a page of the
 * feed with content carries documents whole (text, facets, links, meta,
 * hash, weight) and applied on a follower gives the same documents, found
 * by search; the byte budget cuts pages; a page that does not follow the
 * last applied one, or a malformed one, changes nothing; a local document
 * is never replaced by a synced one, and replaces one; a new epoch starts
 * a full pass whose end drops what the origin no longer has.
 */
#include "config.h"

#include <jansson.h>

#include "teststore.h"

#define ORIGIN	"https://a.example:8443"

struct pair {
	struct scratch	 a, b;		/* origin, follower */
};

static void
open_scratch(struct scratch *sc)
{
	char	*cause = NULL;

	sc->dir = t_mkdtemp();
	snprintf(sc->path, sizeof sc->path, "%s/kb.db", sc->dir);
	if ((sc->st = store_open(sc->path, STORE_CREATE, &cause)) == NULL)
		fail_msg("store_open: %s", cause);
}

static int
pair_setup(void **state)
{
	struct pair	*p = calloc(1, sizeof *p);

	if (p == NULL)
		abort();
	open_scratch(&p->a);
	open_scratch(&p->b);
	*state = p;
	return 0;
}

static int
pair_teardown(void **state)
{
	struct pair	*p = *state;

	store_close(p->a.st);
	store_close(p->b.st);
	t_rmdtemp(p->a.dir);
	t_rmdtemp(p->b.dir);
	free(p);
	return 0;
}

static void
put_doc(struct store *st, const char *path, const char *id, const char *body,
    double weight)
{
	struct xdoc	*d = t_mkdoc(id, "note", id, body);

	kvlist_add(&d->facets, "pays", NULL, "Sénégal");
	kvlist_add(&d->links, "cgct/L1115-1", "L1115-1", "cite");
	kvlist_add(&d->meta, "auteur", "Auteur", "Moi");
	d->weight = weight;
	t_put(st, path, &d, 1);
	xdoc_free(d);
}

static json_t *
page(struct store *st, int64_t since, int64_t limit, size_t budget)
{
	json_t	*j = NULL;
	char	*cause = NULL;

	if (store_sync_page(st, since, limit, budget, &j, &cause) != 0)
		fail_msg("store_sync_page: %s", cause);
	return j;
}

static int
apply(struct store *st, json_t *j, struct store_sync_stats *stats)
{
	char	*cause = NULL;
	int	 rc;

	rc = store_sync_apply(st, ORIGIN, "a.example:8443", j, stats, &cause);
	free(cause);
	return rc;
}

static char *
ids_hashes(struct store *st, int synced_only)
{
	return scalar_text(st, synced_only ? "SELECT group_concat(id || ' ' "
	    "|| hash, ',') FROM (SELECT d.id, d.hash FROM docs d JOIN sources "
	    "s ON s.id = d.source WHERE s.plugin = 'savoir-sync' ORDER BY "
	    "d.id)" : "SELECT group_concat(id || ' ' || hash, ',') FROM "
	    "(SELECT id, hash FROM docs ORDER BY id)");
}

static void
t_roundtrip(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	struct store_doc	*d;
	json_t			*j, *c;
	char			*ha, *hb, *cause = NULL;

	put_doc(p->a.st, "a.md", "notes/a", "la coopération décentralisée",
	    1.5);
	put_doc(p->a.st, "b.md", "notes/b", "le jumelage des villes", 1.0);
	j = page(p->a.st, 0, 100, 1 << 20);
	assert_false(json_is_true(json_object_get(j, "more")));
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 2);
	c = json_object_get(json_array_get(json_object_get(j, "changes"), 0),
	    "doc");
	assert_string_equal(json_string_value(json_object_get(c, "body")),
	    "la coopération décentralisée");
	assert_true(json_real_value(json_object_get(c, "weight")) == 1.5);
	assert_int_equal(json_array_size(json_object_get(j, "types")), 0);

	assert_int_equal(apply(p->b.st, j, &stats), 0);
	json_decref(j);
	assert_int_equal(stats.puts, 2);
	ha = ids_hashes(p->a.st, 0);
	hb = ids_hashes(p->b.st, 1);
	assert_string_equal(ha, hb);
	free(ha);
	free(hb);
	/* Indexed: the fts index and the facets, the links, the origin. */
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM fts WHERE fts "
	    "MATCH 'jumelage'"), 1);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM facets WHERE "
	    "key = 'pays' AND value = 'Sénégal'"), 2);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM facets WHERE "
	    "key = 'origine' AND value = 'a.example:8443'"), 2);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM links WHERE "
	    "target = 'cgct/L1115-1'"), 2);
	assert_int_equal(store_doc(p->b.st, "notes/a", 0, &d, &cause), 1);
	assert_string_equal(d->origin, ORIGIN);
	assert_non_null(strstr(d->meta, "Moi"));
	store_doc_free(d);
	assert_int_equal(store_doc(p->a.st, "notes/a", 0, &d, &cause), 1);
	assert_null(d->origin);
	store_doc_free(d);
	/* The follower's own feed carries it on, with the same weight. */
	j = page(p->b.st, 0, 100, 1 << 20);
	c = json_object_get(json_array_get(json_object_get(j, "changes"), 0),
	    "doc");
	assert_true(json_real_value(json_object_get(c, "weight")) == 1.5);
	json_decref(j);
	/* Nothing changed: the next sync is empty. */
	j = page(p->a.st, 2, 100, 1 << 20);
	memset(&stats, 0, sizeof stats);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	assert_int_equal(stats.puts + stats.dels, 0);
	json_decref(j);
}

static void
t_budget_and_order(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	struct store_sync_state	 ss;
	json_t			*j, *j2;
	char			*cause = NULL;

	put_doc(p->a.st, "a.md", "notes/a", "un", 1.0);
	put_doc(p->a.st, "b.md", "notes/b", "deux", 1.0);
	put_doc(p->a.st, "c.md", "notes/c", "trois", 1.0);
	/* One byte: one change a page, the first always goes. */
	j = page(p->a.st, 0, 100, 1);
	assert_true(json_is_true(json_object_get(j, "more")));
	assert_int_equal(json_array_size(json_object_get(j, "changes")), 1);
	j2 = page(p->a.st, json_integer_value(json_object_get(j, "next")),
	    100, 1);
	/* Out of order: the second page before the first changes nothing. */
	assert_int_equal(apply(p->b.st, j2, &stats), -1);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs"), 0);
	assert_int_equal(store_sync_state(p->b.st, ORIGIN, &ss, &cause), 0);
	assert_null(ss.epoch);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	assert_int_equal(apply(p->b.st, j2, &stats), 0);
	assert_int_equal(store_sync_state(p->b.st, ORIGIN, &ss, &cause), 0);
	assert_int_equal(ss.seq, json_integer_value(json_object_get(j2,
	    "next")));
	assert_int_equal(ss.full, 1);	/* the full pass is not over */
	store_sync_state_clear(&ss);
	/* The same page twice: refused, it does not follow. */
	assert_int_equal(apply(p->b.st, j2, &stats), -1);
	assert_int_equal(stats.puts, 2);
	json_decref(j);
	json_decref(j2);
}

static void
t_malformed(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	json_t			*j, *doc;

	put_doc(p->a.st, "a.md", "notes/a", "un", 1.0);
	put_doc(p->a.st, "b.md", "notes/b", "deux", 1.0);
	j = page(p->a.st, 0, 100, 1 << 20);
	doc = json_object_get(json_array_get(json_object_get(j, "changes"),
	    1), "doc");
	json_object_set_new(doc, "hash", json_string("pas une empreinte"));
	assert_int_equal(apply(p->b.st, j, &stats), -1);
	/* Whole page or nothing: the first document is not there. */
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs"), 0);
	json_object_set_new(doc, "hash", json_string("0123"));
	json_object_del(doc, "links");
	assert_int_equal(apply(p->b.st, j, &stats), -1);
	json_object_set_new(j, "changes", json_string("x"));
	assert_int_equal(apply(p->b.st, j, &stats), -1);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs"), 0);
	json_decref(j);
}

static void
t_local_wins(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	json_t			*j;
	char			*t;

	put_doc(p->a.st, "a.md", "notes/a", "copie distante", 1.0);
	put_doc(p->a.st, "b.md", "notes/b", "copie distante", 1.0);
	put_doc(p->b.st, "a.md", "notes/a", "version locale", 1.0);
	j = page(p->a.st, 0, 100, 1 << 20);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	json_decref(j);
	assert_int_equal(stats.skipped, 1);
	assert_int_equal(stats.puts, 1);
	t = scalar_text(p->b.st, "SELECT body FROM fts_text f JOIN docs d ON "
	    "d.rowid = f.rowid WHERE d.id = 'notes/a'");
	assert_string_equal(t, "version locale");
	free(t);
	/* A local document with a synced id replaces the synced one. */
	put_doc(p->b.st, "b.md", "notes/b", "b local", 1.0);
	t = scalar_text(p->b.st, "SELECT body FROM fts_text f JOIN docs d ON "
	    "d.rowid = f.rowid WHERE d.id = 'notes/b'");
	assert_string_equal(t, "b local");
	free(t);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs WHERE id "
	    "LIKE 'notes/b%'"), 1);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM fts WHERE fts "
	    "MATCH 'distante'"), 0);
	/* Its feed says put, not del, for the id. */
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM changes WHERE "
	    "doc = 'notes/b' AND op = 'put'"), 1);
}

static void
t_epoch(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	json_t			*j, *changes;
	char			*t;

	put_doc(p->a.st, "a.md", "notes/a", "un", 1.0);
	put_doc(p->a.st, "b.md", "notes/b", "deux", 1.0);
	put_doc(p->a.st, "c.md", "notes/c", "trois", 1.0);
	j = page(p->a.st, 0, 100, 1 << 20);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	/* A rebuilt origin: another epoch, notes/b gone, notes/c changed. */
	json_object_set_new(j, "epoch", json_string("rebuilt"));
	changes = json_object_get(j, "changes");
	json_object_set_new(json_object_get(json_array_get(changes, 2), "doc"),
	    "body", json_string("trois bis"));
	json_object_set_new(json_object_get(json_array_get(changes, 2), "doc"),
	    "hash", json_string("00000000000000000000000000000000000000000000"
	    "00000000000000000000"));
	json_array_remove(changes, 1);
	memset(&stats, 0, sizeof stats);
	json_object_set_new(j, "more", json_true());
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	/* The pass is not over: nothing goes yet. */
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs"), 3);
	json_object_set_new(j, "since", json_object_get(j, "next"));
	json_incref(json_object_get(j, "next"));
	json_object_set_new(j, "changes", json_array());
	json_object_set_new(j, "more", json_false());
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	json_decref(j);
	assert_int_equal(stats.unchanged, 1);
	assert_int_equal(stats.puts, 1);
	assert_int_equal(stats.dels, 1);
	t = scalar_text(p->b.st, "SELECT group_concat(id, ',') FROM (SELECT "
	    "id FROM docs ORDER BY id)");
	assert_string_equal(t, "notes/a,notes/c");
	free(t);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM fts WHERE fts "
	    "MATCH 'bis'"), 1);
}

/* Starting over with the same epoch (the origin's feed went back): a
 * full pass all the same, whose end drops what it did not bring. */
static void
t_restart_same_epoch(void **state)
{
	struct pair		*p = *state;
	struct store_sync_stats	 stats = { 0 };
	struct store_sync_state	 ss;
	json_t			*j;
	char			*cause = NULL;

	put_doc(p->a.st, "a.md", "notes/a", "un", 1.0);
	put_doc(p->a.st, "b.md", "notes/b", "deux", 1.0);
	j = page(p->a.st, 0, 100, 1 << 20);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	json_decref(j);
	assert_int_equal(store_sync_state(p->b.st, ORIGIN, &ss, &cause), 0);
	assert_int_equal(ss.gen, 1);
	store_sync_state_clear(&ss);
	j = page(p->a.st, 0, 1, 1 << 20);	/* notes/a alone */
	json_object_set_new(j, "more", json_false());
	json_object_set_new(j, "next", json_integer(1));
	memset(&stats, 0, sizeof stats);
	assert_int_equal(apply(p->b.st, j, &stats), 0);
	json_decref(j);
	assert_int_equal(stats.unchanged, 1);
	assert_int_equal(stats.dels, 1);
	assert_int_equal(store_sync_state(p->b.st, ORIGIN, &ss, &cause), 0);
	assert_int_equal(ss.gen, 2);
	assert_int_equal(ss.seq, 1);
	store_sync_state_clear(&ss);
	assert_int_equal(scalar(p->b.st, "SELECT count(*) FROM docs"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_roundtrip, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(t_budget_and_order,
		    pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(t_malformed, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(t_local_wins, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(t_epoch, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(t_restart_same_epoch,
		    pair_setup, pair_teardown),
	};

	log_init("test_sync", SAVOIR_LOG_ERROR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
