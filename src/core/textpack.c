/*
 * textpack.c - stored text, packed: a document's HTML, its metadata and the
 * three columns FTS5 indexes are kept once, deflated (zlib) when that pays,
 * and read back through the SQL function savoir_part(packed, i).  The FTS5
 * table reads its text from a view over docs that calls it (external
 * content), so the text is stored once, not once for FTS5 and once for the
 * pages.
 *
 * A packed value is a BLOB: one byte 'R' (raw) or 'Z' (deflated, then the
 * raw length as 4 bytes little-endian) or 'D' (raw deflate with a preset
 * dictionary: its 8-byte id, then the raw length, then the stream), then
 * the parts joined by NUL bytes (stored text never holds a NUL: the writer
 * checked it is UTF-8 without controls).  A TEXT value (an index written
 * before packing) reads as its own part 0.
 *
 * The dictionaries (table pdict) are samples of the index's own first
 * documents: a document of a few kB repeats the labels, addresses and
 * phrasing of its neighbours more than it repeats itself, so deflate with
 * them as a preset dictionary stores metadata 4 times smaller than alone.
 * A dictionary never changes once written; its id is random, so a cached
 * one can never be confused with another.
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
unsigned char	*textpack_dict(const char *const *, const size_t *, int,
		    uint64_t, const unsigned char *, size_t, size_t *);
int		 textpack_register_api(sqlite3 *, const sqlite3_api_routines *);

static _Atomic(const sqlite3_api_routines *) tp_api;

/* Deflate src with a preset dictionary into dst (room for *dlen bytes). */
static int
tp_deflate_dict(unsigned char *dst, size_t *dlen, const unsigned char *src,
    size_t slen, const unsigned char *dict, size_t dictlen)
{
	z_stream	 z;
	int		 rc;

	memset(&z, 0, sizeof z);
	/* Raw deflate: no header, and no Adler-32 of the 32 kB dictionary
	 * to compute again each time a part is read. */
	if (deflateInit2(&z, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	if (deflateSetDictionary(&z, dict, (uInt)dictlen) != Z_OK) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)slen;
	z.next_out = dst;
	z.avail_out = (uInt)*dlen;
	rc = deflate(&z, Z_FINISH);
	*dlen = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static void
tp_put32(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static size_t
tp_get32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	    (size_t)p[3] << 24;
}

/* The parts joined by NUL bytes, in a malloc'd buffer of *total bytes
 * (one more, unused, so that it is never empty); NULL on no memory. */
static unsigned char *
tp_join(const char *const *part, const size_t *len, int n, size_t *total)
{
	unsigned char	*raw;
	size_t		 off;
	int		 i;

	for (*total = 0, i = 0; i < n; i++)
		*total += len[i] + (i > 0);
	if ((raw = malloc(*total + 1)) == NULL)
		return NULL;
	for (off = 0, i = 0; i < n; i++) {
		if (i > 0)
			raw[off++] = '\0';
		if (len[i] > 0)
			memcpy(raw + off, part[i], len[i]);
		off += len[i];
	}
	return raw;
}

/*
 * Pack n parts into a malloc'd BLOB of *outlen bytes; NULL on no memory.
 * Deflated when the parts are long enough and it saves a tenth or more,
 * with the dictionary when one is given (id, data, len).
 */
unsigned char *
textpack_dict(const char *const *part, const size_t *len, int n,
    uint64_t dictid, const unsigned char *dict, size_t dictlen,
    size_t *outlen)
{
	unsigned char	*raw, *out;
	size_t		 total, zl;
	int		 i;

	if (dict == NULL || dictlen == 0)
		return textpack(part, len, n, outlen);
	if ((raw = tp_join(part, len, n, &total)) == NULL)
		return NULL;
	if (total < PACK_MIN || total >= PACK_MAX_RAW) {
		free(raw);
		return textpack(part, len, n, outlen);
	}
	zl = compressBound(total) + 64;
	if ((out = malloc(13 + zl)) == NULL) {
		free(raw);
		return NULL;
	}
	if (tp_deflate_dict(out + 13, &zl, raw, total, dict, dictlen) == 0 &&
	    zl < total - total / 10) {
		out[0] = 'D';
		for (i = 0; i < 8; i++)
			out[1 + i] = (unsigned char)(dictid >> (8 * i));
		tp_put32(out + 9, total);
		*outlen = 13 + zl;
		free(raw);
		return out;
	}
	free(out);
	free(raw);
	return textpack(part, len, n, outlen);
}

unsigned char *
textpack(const char *const *part, const size_t *len, int n, size_t *outlen)
{
	unsigned char	*raw, *out;
	size_t		 total;
	uLongf		 zlen;

	if ((raw = tp_join(part, len, n, &total)) == NULL)
		return NULL;
	if (total >= PACK_MIN && total < PACK_MAX_RAW) {
		zlen = compressBound(total);
		if ((out = malloc(5 + zlen)) == NULL) {
			free(raw);
			return NULL;
		}
		if (compress2(out + 5, &zlen, raw, total, 3) == Z_OK &&
		    zlen < total - total / 10) {
			out[0] = 'Z';
			tp_put32(out + 1, total);
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

/* The dictionaries a connection has read (savoir_part's user data). */
struct tp_cache {
	uint64_t	 id[4];
	unsigned char	*data[4];
	size_t		 len[4];
	unsigned	 next;
};

static void
tp_cache_free(void *arg)
{
	struct tp_cache	*c = arg;
	int		 i;

	for (i = 0; i < 4; i++)
		free(c->data[i]);
	free(c);
}

/* Dictionary id, from the cache or the pdict table; NULL if unknown. */
static const unsigned char *
tp_dict(const sqlite3_api_routines *api, sqlite3_context *ctx, uint64_t id,
    size_t *len)
{
	struct tp_cache	*c = api->user_data(ctx);
	sqlite3_stmt	*stmt;
	const void	*b;
	unsigned	 i;

	for (i = 0; i < 4; i++) {
		if (c->data[i] != NULL && c->id[i] == id) {
			*len = c->len[i];
			return c->data[i];
		}
	}
	if (api->prepare_v2(api->context_db_handle(ctx), "SELECT data FROM "
	    "pdict WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	api->bind_int64(stmt, 1, (sqlite3_int64)id);
	i = c->next++ % 4;
	free(c->data[i]);
	c->data[i] = NULL;
	if (api->step(stmt) == SQLITE_ROW &&
	    (b = api->column_blob(stmt, 0)) != NULL) {
		c->len[i] = (size_t)api->column_bytes(stmt, 0);
		if ((c->data[i] = malloc(c->len[i])) != NULL) {
			memcpy(c->data[i], b, c->len[i]);
			c->id[i] = id;
		}
	}
	api->finalize(stmt);
	*len = c->len[i];
	return c->data[i];
}

/*
 * Inflate just enough of a deflated value to hold part want: parts come
 * in order, so a page that asks for the first columns does not inflate
 * the HTML and metadata stored after them.  Returns the bytes inflated
 * into dst (room for dlen), or -1.
 */
static long
tp_inflate_upto(unsigned char *dst, size_t dlen, const unsigned char *src,
    size_t slen, const unsigned char *dict, size_t dictlen, size_t want)
{
	z_stream	 z;
	size_t		 seen = 0, scanned = 0;
	int		 rc;

	memset(&z, 0, sizeof z);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)slen;
	z.next_out = dst;
	if (dict != NULL) {
		/* 'D': raw deflate, the dictionary given up front */
		if (inflateInit2(&z, -15) != Z_OK)
			return -1;
		if (inflateSetDictionary(&z, dict, (uInt)dictlen) != Z_OK) {
			inflateEnd(&z);
			return -1;
		}
	} else if (inflateInit(&z) != Z_OK)
		return -1;
	for (;;) {
		/* 4 kB at a time, then look for the part's end */
		z.avail_out = (uInt)(dlen - z.total_out < 4096 ?
		    dlen - z.total_out : 4096);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		for (; scanned < z.total_out; scanned++)
			if (dst[scanned] == '\0' && seen++ == want)
				break;
		if (seen > want || rc == Z_STREAM_END) {
			inflateEnd(&z);
			return (long)z.total_out;
		}
		if (z.total_out >= dlen)
			break;
	}
	inflateEnd(&z);
	return -1;
}

/* savoir_part(packed, i): part i of a packed value, as TEXT ('' when the
 * value has fewer parts; NULL for NULL). */
static void
tp_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sqlite3_api_routines	*api = atomic_load(&tp_api);
	const unsigned char		*b, *p, *end, *next, *dict = NULL;
	unsigned char			*raw = NULL;
	uint64_t			 id = 0;
	size_t				 n, want, dictlen = 0, rawlen, hdr;
	long				 got;
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
	if (b == NULL || n < 1 || (b[0] != 'R' && b[0] != 'Z' &&
	    b[0] != 'D')) {
		api->result_error(ctx, "savoir_part: not a packed value", -1);
		return;
	}
	if (b[0] == 'R') {
		p = b + 1;
		end = b + n;
	} else {
		hdr = b[0] == 'D' ? 13 : 5;
		if (n < hdr) {
			api->result_error(ctx, "savoir_part: truncated", -1);
			return;
		}
		if (b[0] == 'D') {
			for (i = 0; i < 8; i++)
				id |= (uint64_t)b[1 + i] << (8 * i);
			if ((dict = tp_dict(api, ctx, id, &dictlen)) == NULL) {
				api->result_error(ctx, "savoir_part: its "
				    "dictionary is missing", -1);
				return;
			}
		}
		rawlen = tp_get32(b + hdr - 4);
		if (rawlen > PACK_MAX_RAW || (raw = malloc(rawlen + 1)) ==
		    NULL) {
			api->result_error_nomem(ctx);
			return;
		}
		if ((got = tp_inflate_upto(raw, rawlen, b + hdr, n - hdr, dict,
		    dictlen, want)) < 0) {
			free(raw);
			api->result_error(ctx, "savoir_part: corrupt", -1);
			return;
		}
		p = raw;
		end = raw + got;
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
	struct tp_cache	*c;
	int		 rc;

	atomic_store(&tp_api, api);
	if ((c = calloc(1, sizeof *c)) == NULL)
		return SQLITE_NOMEM;
	/* It reads pdict, but only a dictionary by id: harmless in a view. */
	rc = api->create_function_v2(db, "savoir_part", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, c, tp_part, NULL, NULL,
	    tp_cache_free);
	if (rc == SQLITE_OK)
		rc = api->create_function_v2(db, "savoir_pack", -1, SQLITE_UTF8 |
		    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, tp_pack, NULL,
		    NULL, NULL);
	return rc;
}
