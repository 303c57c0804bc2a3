/*
 * test_indexer.c - incremental indexing: unchanged files skipped, touched
 * files hashed, changed files re-read, removed files dropped, failures
 * reported without losing the last good documents, ignore files.
 * Uses the "good" and "crash" test plugins (tests/plugins/broken.c).
 */
#include "config.h"

#include <sys/time.h>

#include "teststore.h"

static struct plugins	*pl;

/* Index the scratch tree into the scratch index. */
static void
run(struct scratch *sc, struct index_stats *s)
{
	struct index_opts	 o;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	extract_limits_default(&o.limits);
	o.limits.timeout_ms = 5000;
	o.batch_docs = 2;
	if (indexer_run(sc->st, pl, sc->tree, &o, s, &cause) != 0)
		fail_msg("indexer_run: %s", cause);
}

static void
set_mtime(const char *dir, const char *rel, time_t t)
{
	struct timeval	 tv[2];
	char		*p = xsprintf("%s/%s", dir, rel);

	tv[0].tv_sec = tv[1].tv_sec = t;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	assert_int_equal(utimes(p, tv), 0);
	free(p);
}

static void
t_incremental(void **state)
{
	static const struct t_file tree[] = {
		{ "a.good", "alpha\nbeta\n" },
		{ "sub/b.good", "!id good/b\ngamma\n" },
		{ "sub/skip.good", "ignored\n" },
		{ "sub/.savoirignore", "# not documents\nskip.*\n" },
		{ ".hidden.good", "hidden\n" },
	};
	struct index_stats	 s;
	struct scratch		*sc = *state;
	char			*p;

	t_write_files(sc->tree, tree, nitems(tree));
	run(sc, &s);
	assert_int_equal(s.files_seen, 2);
	assert_int_equal(s.files_indexed, 2);
	assert_int_equal(s.docs, 3);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM docs"), 3);

	run(sc, &s);
	assert_int_equal(s.files_indexed, 0);
	assert_int_equal(s.files_unchanged, 2);

	/* Same content, new mtime: hashed, not extracted. */
	set_mtime(sc->tree, "a.good", 2000000000);
	run(sc, &s);
	assert_int_equal(s.files_indexed, 0);
	assert_int_equal(s.files_unchanged, 2);

	/* Changed content. */
	t_writes(sc->tree, "a.good", "alpha\nbeta\ndelta\n");
	set_mtime(sc->tree, "a.good", 2000000100);
	run(sc, &s);
	assert_int_equal(s.files_indexed, 1);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM docs"), 4);

	/* A removed file takes its documents with it. */
	p = xsprintf("%s/sub/b.good", sc->tree);
	assert_int_equal(unlink(p), 0);
	free(p);
	run(sc, &s);
	assert_int_equal(s.files_removed, 1);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM docs"), 3);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM sources"), 1);
}

static void
t_failure_keeps_last_good(void **state)
{
	static const struct t_file tree[] = {
		{ "a.good", "one\ntwo\n" },
		{ "boom.crash", "anything\n" },
		{ "what.xyz", "no plugin\n" },
	};
	struct index_stats	 s;
	struct scratch		*sc = *state;

	t_write_files(sc->tree, tree, nitems(tree));
	run(sc, &s);
	assert_int_equal(s.files_failed, 2);
	assert_int_equal(s.files_indexed, 1);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM docs"), 2);
	assert_int_equal(scalar(sc->st, "SELECT count(*) FROM sources WHERE "
	    "error IS NOT NULL"), 2);

	/* Failed files are tried again on the next run. */
	run(sc, &s);
	assert_int_equal(s.files_failed, 2);
	assert_int_equal(s.files_unchanged, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_incremental,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(t_failure_keeps_last_good,
		    scratch_setup, scratch_teardown),
	};
	const char	*dirs = getenv("SAVOIR_TEST_PLUGINS");
	int		 ret;

	log_init("test_indexer", SAVOIR_LOG_ERROR, 0);
	pl = plugins_load(dirs != NULL ? dirs : "tests/plugins/.libs");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	plugins_free(pl);
	return ret;
}
