/*
 * test_util.c - buffers, UTF-8 validation and repair, hashing, gzip, file
 * reads.
 */
#include "config.h"

#include <zlib.h>

#include "testutil.h"
#include "savoir.h"

static void
t_buf(void **state)
{
	struct buf	 b;
	char		*s;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
	assert_non_null(strstr(b.data, ",999,"));
	s = buf_steal(&b);
	assert_null(b.data);
	free(s);
	buf_free(&b);
}

static void
t_utf8(void **state)
{
	struct buf	 b;
	size_t		 bad = 0;

	(void)state;
	assert_true(utf8_valid("Sénégal œuvre ’", strlen("Sénégal œuvre ’"),
	    NULL));
	assert_false(utf8_valid("caf\xe9 ok", 8, &bad));
	assert_int_equal(bad, 3);
	assert_false(utf8_valid("\xc0\xaf", 2, NULL));		/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3, NULL));	/* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4, NULL));	/* > U+10FFFF */
	assert_false(utf8_valid("\xe2\x80", 2, NULL));		/* truncated */
	buf_init(&b);
	assert_int_equal(utf8_repair("caf\xe9\x01!\r\n", 8, &b), 2);
	assert_string_equal(b.data, "caf\xEF\xBF\xBD!\n");
	assert_true(utf8_valid(b.data, b.len, NULL));
	buf_free(&b);
}

static void
t_sha256(void **state)
{
	char	 out[65];

	(void)state;
	sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

/* gzip_mem: a gzip stream (the magic bytes) that inflates to the input. */
static void
t_gzip(void **state)
{
	struct buf	 in;
	z_stream	 z;
	unsigned char	*gz, back[64 * 1024];
	size_t		 n = 0;
	int		 i;

	(void)state;
	buf_init(&in);
	for (i = 0; i < 2000; i++)
		buf_printf(&in, "coopération décentralisée %d ", i % 50);
	gz = gzip_mem(in.data, in.len, &n);
	assert_non_null(gz);
	assert_true(n > 18 && n < in.len / 4);
	assert_int_equal(gz[0], 0x1f);
	assert_int_equal(gz[1], 0x8b);
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)n;
	z.next_out = back;
	z.avail_out = sizeof back;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, in.len);
	assert_memory_equal(back, in.data, in.len);
	inflateEnd(&z);
	free(gz);
	/* Empty input is a valid (empty) stream. */
	gz = gzip_mem("", 0, &n);
	assert_non_null(gz);
	assert_true(n >= 18);
	free(gz);
	buf_free(&in);
}

static void
t_file_read(void **state)
{
	char	*dir, *path, *data, *cause = NULL;
	size_t	 len;

	(void)state;
	dir = t_mkdtemp();
	t_writes(dir, "a.txt", "bonjour");
	path = xsprintf("%s/a.txt", dir);
	assert_int_equal(file_read(path, 100, &data, &len, &cause), 0);
	assert_int_equal(len, 7);
	assert_string_equal(data, "bonjour");
	free(data);
	assert_int_equal(file_read(path, 3, &data, &len, &cause), -1);
	assert_non_null(strstr(cause, "too large"));
	free(cause);
	cause = NULL;
	assert_int_equal(file_read(dir, 100, &data, &len, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	free(path);
	t_rmdtemp(dir);
}

static void
t_parse_int(void **state)
{
	long long	 v;

	(void)state;
	assert_int_equal(parse_int("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int("-1", 0, 100, &v), -1);
	assert_int_equal(parse_int("101", 0, 100, &v), -1);
	assert_int_equal(parse_int("4x", 0, 100, &v), -1);
	assert_int_equal(parse_int("", 0, 100, &v), -1);
	assert_int_equal(parse_int("99999999999999999999", 0, 100, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_buf),
		cmocka_unit_test(t_utf8),
		cmocka_unit_test(t_sha256),
		cmocka_unit_test(t_gzip),
		cmocka_unit_test(t_file_read),
		cmocka_unit_test(t_parse_int),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
