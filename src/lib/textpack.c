/*
 * textpack.c - stored text, packed: a document's HTML, its metadata and the
 * three columns FTS5 indexes are kept once, deflated (zlib) when that pays,
 * and read back through the SQL function savoir_part(packed, i).  The FTS5
 * table reads its text from a view over docs that calls it (external
 * content), so the text is stored once, not once for FTS5 and once for the
 * pages.
 *
 * A packed value is a BLOB: one byte 'R' (raw) or 'Z' (deflated, then the
 * raw length as 4 bytes little-endian), then the parts joined by NUL bytes
 * (stored text never holds a NUL: the writer checked it is UTF-8 without
 * controls).  A TEXT value (an index written before packing) reads as its
 * own part 0.
 *
 * Linked both into libsavoir and into the loadable extension savoir_fr.so
 * (the sqlite3 shell must read the view too), so, as tokenizer_fr.c, it
 * never calls util.c and reaches SQLite only through an api table.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define SQLITE_CORE 1
#include <sqlite3ext.h>

#define PACK_MIN	96		/* shorter parts are kept raw */
#define PACK_MAX_RAW	(256u << 20)	/* refuse to inflate beyond */

/* textpack.h would hold two lines: they are declared where used. */
unsigned char	*textpack(const char *const *, const size_t *, int,
		    size_t *);
int		 textpack_register_api(sqlite3 *, const sqlite3_api_routines *);

static _Atomic(const sqlite3_api_routines *) tp_api;

/*
 * Pack n parts into a malloc'd BLOB of *outlen bytes; NULL on no memory.
 * Deflated when the parts are long enough and it saves a tenth or more.
 */
unsigned char *
textpack(const char *const *part, const size_t *len, int n, size_t *outlen)
{
	unsigned char	*raw, *out;
	size_t		 total = 0, off;
	uLongf		 zlen;
	int		 i;

	for (i = 0; i < n; i++)
		total += len[i] + (i > 0);
	if ((raw = malloc(total + 1)) == NULL)
		return NULL;
	for (off = 0, i = 0; i < n; i++) {
		if (i > 0)
			raw[off++] = '\0';
		if (len[i] > 0)
			memcpy(raw + off, part[i], len[i]);
		off += len[i];
	}
	if (total >= PACK_MIN && total < PACK_MAX_RAW) {
		zlen = compressBound(total);
		if ((out = malloc(5 + zlen)) == NULL) {
			free(raw);
			return NULL;
		}
		if (compress2(out + 5, &zlen, raw, total, 6) == Z_OK &&
		    zlen < total - total / 10) {
			out[0] = 'Z';
			out[1] = (unsigned char)(total & 0xff);
			out[2] = (unsigned char)((total >> 8) & 0xff);
			out[3] = (unsigned char)((total >> 16) & 0xff);
			out[4] = (unsigned char)((total >> 24) & 0xff);
			*outlen = 5 + zlen;
			free(raw);
			return out;
		}
		free(out);
	}
	if ((out = malloc(1 + total)) == NULL) {
		free(raw);
		return NULL;
	}
	out[0] = 'R';
	memcpy(out + 1, raw, total);
	*outlen = 1 + total;
	free(raw);
	return out;
}

/* savoir_part(packed, i): part i of a packed value, as TEXT ('' when the
 * value has fewer parts; NULL for NULL). */
static void
tp_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sqlite3_api_routines	*api = atomic_load(&tp_api);
	const unsigned char		*b, *p, *end, *next;
	unsigned char			*raw = NULL;
	uLongf				 rawlen;
	size_t				 n, want;
	int				 i;

	(void)argc;
	if (api->value_type(argv[0]) == SQLITE_NULL) {
		api->result_null(ctx);
		return;
	}
	want = (size_t)api->value_int(argv[1]);
	if (api->value_type(argv[0]) == SQLITE_TEXT) {
		if (want == 0)
			api->result_value(ctx, argv[0]);
		else
			api->result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	b = api->value_blob(argv[0]);
	n = (size_t)api->value_bytes(argv[0]);
	if (b == NULL || n < 1 || (b[0] != 'R' && b[0] != 'Z')) {
		api->result_error(ctx, "savoir_part: not a packed value", -1);
		return;
	}
	if (b[0] == 'Z') {
		if (n < 5) {
			api->result_error(ctx, "savoir_part: truncated", -1);
			return;
		}
		rawlen = (uLongf)b[1] | (uLongf)b[2] << 8 |
		    (uLongf)b[3] << 16 | (uLongf)b[4] << 24;
		if (rawlen > PACK_MAX_RAW || (raw = malloc(rawlen + 1)) ==
		    NULL) {
			api->result_error_nomem(ctx);
			return;
		}
		if (uncompress(raw, &rawlen, b + 5, n - 5) != Z_OK) {
			free(raw);
			api->result_error(ctx, "savoir_part: corrupt", -1);
			return;
		}
		p = raw;
		end = raw + rawlen;
	} else {
		p = b + 1;
		end = b + n;
	}
	for (i = 0; (size_t)i < want && p < end; i++) {
		if ((next = memchr(p, '\0', (size_t)(end - p))) == NULL)
			p = end;
		else
			p = next + 1;
	}
	if ((size_t)i < want) {
		api->result_text(ctx, "", 0, SQLITE_STATIC);
	} else {
		next = memchr(p, '\0', (size_t)(end - p));
		api->result_text(ctx, (const char *)p, (int)((next != NULL ?
		    next : end) - p), SQLITE_TRANSIENT);
	}
	free(raw);
}

/* savoir_pack(text, ...): the texts packed as parts, for migrations; a
 * BLOB alone (already packed) is returned as it is. */
static void
tp_pack(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sqlite3_api_routines	*api = atomic_load(&tp_api);
	const char			*t[8];
	unsigned char			*out;
	size_t				 len[8], outlen;
	int				 i;

	if (argc == 1 && api->value_type(argv[0]) == SQLITE_BLOB) {
		api->result_value(ctx, argv[0]);
		return;
	}
	if (argc > 8) {
		api->result_error(ctx, "savoir_pack: at most 8 parts", -1);
		return;
	}
	for (i = 0; i < argc; i++) {
		t[i] = (const char *)api->value_text(argv[i]);
		len[i] = (size_t)api->value_bytes(argv[i]);
		if (t[i] == NULL)
			t[i] = "";
	}
	if ((out = textpack(t, len, argc, &outlen)) == NULL) {
		api->result_error_nomem(ctx);
		return;
	}
	api->result_blob(ctx, out, (int)outlen, free);
}

int
textpack_register_api(sqlite3 *db, const sqlite3_api_routines *api)
{
	int	 rc;

	atomic_store(&tp_api, api);
	rc = api->create_function_v2(db, "savoir_part", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, tp_part, NULL, NULL,
	    NULL);
	if (rc == SQLITE_OK)
		rc = api->create_function_v2(db, "savoir_pack", -1, SQLITE_UTF8 |
		    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, tp_pack, NULL,
		    NULL, NULL);
	return rc;
}
