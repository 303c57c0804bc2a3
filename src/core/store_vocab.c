/*
 * store_vocab.c - the index's vocabulary, kept for spelling corrections: every
 * word of letters the documents hold, folded as the index folds it, with
 * a form to show people and the number of documents that held it, in
 * table vocab (schema 3).
 *
 * The writer sees the words through the tokenizer's capture, beside the
 * postings writer (postings.c), and adds its counts to the table when the
 * postings are flushed, in the same transaction.  Counts only grow: a
 * deleted document's words stay counted, which at worst offers a
 * correction that the postings then find rare (search.c checks them).
 * The form kept is the first one with accents, and among those the first
 * written in lower case ("coopération" rather than a sentence's
 * "Coopération" or an address's "cooperation"; "Sénégal" stays as
 * written).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define VW_WORD_MAX	48	/* as spell.c: longer words are not kept */

struct vword {
	char		*word;
	char		*form;
	uint32_t	 len;
	uint32_t	 hash;
	uint64_t	 lastdoc;	/* the document that last counted it */
	int64_t		 df;
};

struct vwriter {
	struct vword	*v;
	size_t		 n, cap;
	uint32_t	*slots;		/* index + 1 */
	size_t		 nslots;
	uint64_t	 doc;		/* the current document, from 1 */
};

struct vwriter *
vwriter_new(void)
{
	struct vwriter	*vw = xcalloc(1, sizeof *vw);

	vw->doc = 1;
	return vw;
}

static void
vw_clear(struct vwriter *vw)
{
	size_t	 i;

	for (i = 0; i < vw->n; i++) {
		free(vw->v[i].word);
		free(vw->v[i].form);
	}
	vw->n = 0;
	slots_clear(vw->slots, vw->nslots);
}

void
vwriter_free(struct vwriter *vw)
{
	if (vw == NULL)
		return;
	vw_clear(vw);
	free(vw->v);
	free(vw->slots);
	free(vw);
}

static void
vw_grow(struct vwriter *vw)
{
	size_t	 i;

	vw->slots = slots_grow(vw->slots, &vw->nslots, 4096);
	for (i = 0; i < vw->n; i++)
		slots_put(vw->slots, vw->nslots, vw->v[i].hash, i);
}

/* Lower case at its first letter (ASCII or a two-byte Latin capital)? */
static int
vw_lower(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (p[0] >= 'A' && p[0] <= 'Z')
		return 0;
	/* U+00C0-U+00DE: C3 80-9E */
	if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E)
		return 0;
	return 1;
}

/*
 * How good a form is to show: one with accents beats one without (folding
 * loses them; a bare "senegal" is most often a web address's), then lower
 * case beats a capital (a sentence's first word).
 */
static int
vw_rank_n(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	return (i < n) * 2 + vw_lower(s);
}

static int
vw_rank(const char *s)
{
	return vw_rank_n(s, strlen(s));
}

void
vwriter_word(struct vwriter *vw, const char *word, size_t len,
    const char *form, size_t formlen)
{
	struct vword	*w;
	uint32_t	 h;
	size_t		 j;

	if (len < 2 || len > VW_WORD_MAX || formlen == 0 ||
	    formlen > 4 * VW_WORD_MAX)
		return;
	h = hash_fnv1a(word, len);
	if (vw->n * 2 >= vw->nslots)
		vw_grow(vw);
	for (j = h & (vw->nslots - 1); vw->slots[j] != 0;
	    j = (j + 1) & (vw->nslots - 1)) {
		w = &vw->v[vw->slots[j] - 1];
		if (w->hash == h && w->len == len &&
		    memcmp(w->word, word, len) == 0) {
			if (w->lastdoc != vw->doc) {
				w->lastdoc = vw->doc;
				w->df++;
			}
			if (vw_rank_n(form, formlen) > vw_rank(w->form)) {
				free(w->form);
				w->form = xstrndup(form, formlen);
			}
			return;
		}
	}
	if (vw->n == vw->cap) {
		vw->cap = vw->cap == 0 ? 4096 : vw->cap * 2;
		vw->v = xreallocarray(vw->v, vw->cap, sizeof *vw->v);
	}
	w = &vw->v[vw->n];
	w->word = xstrndup(word, len);
	w->form = xstrndup(form, formlen);
	w->len = (uint32_t)len;
	w->hash = h;
	w->lastdoc = vw->doc;
	w->df = 1;
	vw->slots[j] = (uint32_t)++vw->n;
}

void
vwriter_next_doc(struct vwriter *vw)
{
	vw->doc++;
}

void
vwriter_discard(struct vwriter *vw)
{
	vw_clear(vw);
}

static int
vw_sqlerr(sqlite3 *db, const char *what, char **cause)
{
	xasprintf(cause, "vocabulary: %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* Add the pending counts to table vocab, in the caller's transaction. */
int
vwriter_flush(struct vwriter *vw, sqlite3 *db, char **cause)
{
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc = 0;

	if (vw->n == 0)
		return 0;
	/* The better form stays (vw_rank: accents, then lower case). */
	if (sqlite3_prepare_v2(db, "INSERT INTO vocab (word, form, df) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (word) DO UPDATE SET "
	    "df = df + excluded.df, form = CASE WHEN ?4 > "
	    "(form GLOB '*[^\x01-\x7f]*') * 2 + savoir_lower_initial(form) "
	    "THEN excluded.form ELSE form END",
	    -1, &stmt, NULL) != SQLITE_OK)
		return vw_sqlerr(db, "prepare", cause);
	for (i = 0; i < vw->n && rc == 0; i++) {
		sqlite3_bind_text(stmt, 1, vw->v[i].word, (int)vw->v[i].len,
		    SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, vw->v[i].form, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, vw->v[i].df);
		sqlite3_bind_int(stmt, 4, vw_rank(vw->v[i].form));
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = vw_sqlerr(db, "insert", cause);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	vw_clear(vw);
	return rc;
}

/* savoir_lower_initial(text): vw_lower as SQL, for the upsert above. */
static void
vw_lower_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*s = sqlite3_value_text(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s == NULL || vw_lower((const char *)s));
}

int
vocab_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "savoir_lower_initial", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	    vw_lower_sql, NULL, NULL);
}

/* The vocabulary as a built speller (empty for an empty table), or NULL
 * with *cause. */
struct speller *
vocab_load(sqlite3 *db, char **cause)
{
	struct speller	*sp = spell_new();
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT word, form, df FROM vocab", -1,
	    &stmt, NULL) != SQLITE_OK) {
		vw_sqlerr(db, "read", cause);
		spell_free(sp);
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		spell_add(sp, (const char *)sqlite3_column_text(stmt, 0),
		    (size_t)sqlite3_column_bytes(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1),
		    (size_t)sqlite3_column_bytes(stmt, 1),
		    sqlite3_column_int64(stmt, 2));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		vw_sqlerr(db, "read", cause);
		spell_free(sp);
		return NULL;
	}
	spell_build(sp);
	return sp;
}
