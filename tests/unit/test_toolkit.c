/*
 * test_toolkit.c - the toolkit the host table offers plugins (plugin.h,
 * since 0.3): the buffer, HTML escaping, UTF-8 checking and repair, as a
 * plugin reaches them through plugin_host().
 */
#include "config.h"

#include "testutil.h"

#include "index.h"

static const struct savoir_host	*h;

/* cmocka group set-up: the host table, as a plugin gets it. */
static int
setup(void **state)
{
	(void)state;
	h = plugin_host();
	return h != NULL ? 0 : -1;
}

static void
t_members(void **state)
{
	(void)state;
	assert_true(SAVOIR_HOST_HAS(h, buf_add));
	assert_true(SAVOIR_HOST_HAS(h, utf8_check));
	/* An older host's size does not reach the toolkit. */
	{
		struct savoir_host old = *h;

		old.size = offsetof(struct savoir_host, doc_weight) +
		    sizeof(old.doc_weight);
		assert_true(SAVOIR_HOST_HAS(&old, doc_weight));
		assert_false(SAVOIR_HOST_HAS(&old, buf_add));
	}
}

static void
t_buf(void **state)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	int			 i;

	(void)state;
	h->buf_add(&b, "", 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	h->buf_adds(&b, "Article ");
	h->buf_printf(&b, "L%d-%d", 1115, 1);
	h->buf_add(&b, " du CGCT   \t\r\n", 14);
	assert_int_equal(b.len, strlen(b.s));
	h->buf_rtrim(&b);
	assert_string_equal(b.s, "Article L1115-1 du CGCT");
	/* A plugin shortens by lowering len. */
	b.len = 7;
	b.s[b.len] = '\0';
	for (i = 0; i < 10000; i++)
		h->buf_add(&b, "x", 1);
	assert_int_equal(b.len, 10007);
	assert_int_equal(b.s[b.len], '\0');
	assert_false(b.failed);
	h->buf_free(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	/* Sticky failure: nothing more is added, the flag stays. */
	b.failed = 1;
	h->buf_adds(&b, "perdu");
	h->buf_printf(&b, "%s", "perdu");
	assert_null(b.s);
	assert_true(b.failed);
	b.failed = 0;
	/* Too large to ever fit: fails cleanly instead of wrapping. */
	h->buf_adds(&b, "a");
	h->buf_add(&b, "a", SIZE_MAX - 2);
	assert_true(b.failed);
	assert_string_equal(b.s, "a");
	h->buf_free(&b);
}

static void
t_html(void **state)
{
	static const struct t_case cases[] = {
		{ "<a href=\"x\">l'été & co</a>", "&lt;a href=&quot;x&quot;&gt;"
		    "l&#39;été &amp; co&lt;/a&gt;" },
		{ "sans rien", "sans rien" },
	};
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		h->buf_html(&b, cases[i].in, strlen(cases[i].in));
		if (b.s == NULL || strcmp(b.s, cases[i].want) != 0)
			fail_msg("%s: escaped as %s", cases[i].in, b.s);
		h->buf_free(&b);
	}
}

/* "Coopération " in Windows-1252, "œuvre" with 0x9C, an 0x81 that
 * Windows-1252 leaves undefined, then valid UTF-8. */
static const char	 latin[] = "Coop\xe9ration \x9cuvre \x81 ok é";

/* utf8_check: the length of the valid UTF-8 that starts the text. */
static void
t_utf8_check(void **state)
{
	(void)state;
	assert_int_equal(h->utf8_check("été", strlen("été")),
	    strlen("été"));
	assert_int_equal(h->utf8_check(latin, strlen(latin)), 4);
	assert_int_equal(h->utf8_check("\xC0\xAF", 2), 0);	/* overlong */
	assert_int_equal(h->utf8_check("a\xED\xA0\x80", 4), 1); /* surrogate */
	assert_int_equal(h->utf8_check("ab\xE2\x82", 4), 2);	/* cut short */
}

static void
t_buf_repair(void **state)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT;

	(void)state;
	h->buf_repair(&b, latin, strlen(latin));
	assert_string_equal(b.s, "Coopération œuvre \xEF\xBF\xBD ok é");
	assert_int_equal(h->utf8_check(b.s, b.len), b.len);
	h->buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_members),
		cmocka_unit_test(t_buf),
		cmocka_unit_test(t_html),
		cmocka_unit_test(t_utf8_check),
		cmocka_unit_test(t_buf_repair),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
