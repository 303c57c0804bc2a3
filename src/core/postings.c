/*
 * postings.c - the ranked-retrieval index: for each term, the documents
 * that hold it and how often in each column, in segments that the writer
 * appends and merges, read by search.c to rank a query without FTS5's
 * per-row machinery.  FTS5 stays the index of positions (phrases, prefixes,
 * snippets); this one holds what ranking needs and nothing else.
 *
 * Tables (schema 2):
 *   pseg(id, level, mindoc, maxdoc, ndocs, tok0, tok1, tok2, norms)
 *     one row per segment; norms holds four bytes for every rowid in
 *     [mindoc, maxdoc]: each column's length, log-quantized, then the
 *     document's weight in hundredths (0: no document has that rowid);
 *   post(term, seg, df, data)
 *     one row per term and segment; data is the documents in rowid order,
 *     each as varint(rowid - previous) then varint(body << 2 | has_heading
 *     << 1 | has_title) and, when flagged, varint(title) and
 *     varint(headings) counts, and with a body count the term's first
 *     position in the body, plus one (a proximity hint for ranking);
 *   ptomb(doc)
 *     rowids deleted since their segment was written (docs' delete trigger).
 * Rowids are never reused (store.c gives a document its change sequence
 * number as rowid), so a segment covers a rowid range, segments of one
 * index are disjoint and ordered, and a tombstone names one document
 * everywhere.
 *
 * The writer sees every token once: savoir_fr hands the tokens FTS5 indexes
 * to a capture (tokenizer_fr_capture), so nothing is tokenized twice.  A
 * segment is written in the transaction that stores its documents, so the
 * two indexes always agree.  Segments merge by levels (PSEG_FANOUT of one
 * level make one of the next), which bounds both the segments a query
 * reads and the bytes rewritten per document.
 *
 * It never sees query syntax and never ranks: it decodes lists.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define PSEG_FANOUT	8	/* segments of one level merged into one */
#define PNORM		4	/* bytes a document: 3 lengths, its weight */
#define PW_FLUSH_BYTES	(48u << 20)	/* pending postings flushed above */

/* --- varints and norms ------------------------------------------------- */

static void
vput(struct buf *b, uint64_t v)
{
	unsigned char	 tmp[10];
	size_t		 n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	buf_add(b, tmp, n);
}

static inline int
vget(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t	 r = 0;
	int		 shift = 0;

	while (*p < end && shift < 64) {
		r |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/*
 * One document of a list: its rowid (the delta added to *doc), then its
 * code (body count << 2, has title, has headings), the title and headings
 * counts when flagged, and the first body position when it has a body
 * count.  *rec is where the part after the code starts (a merge copies it
 * as it is).  0, or -1 when the list ends in the middle.
 */
static inline __attribute__((always_inline)) int
prec_next(const unsigned char **p, const unsigned char *end, int64_t *doc,
    uint32_t tf[3], uint32_t *first, uint64_t *code,
    const unsigned char **rec)
{
	uint64_t	 d, x;

	if (vget(p, end, &d) == -1 || vget(p, end, code) == -1)
		return -1;
	*doc += (int64_t)d;
	*rec = *p;
	tf[0] = tf[1] = *first = 0;
	tf[2] = (uint32_t)(*code >> 2);
	if ((*code & 1) && vget(p, end, &x) == -1)
		return -1;
	if (*code & 1)
		tf[0] = (uint32_t)x;
	if ((*code & 2) && vget(p, end, &x) == -1)
		return -1;
	if (*code & 2)
		tf[1] = (uint32_t)x;
	if (tf[2] > 0 && vget(p, end, &x) == -1)
		return -1;
	if (tf[2] > 0)
		*first = (uint32_t)x;
	return 0;
}

/*
 * A column's length in one byte: exact up to 32 tokens, then 6 % steps
 * (the length normalization of BM25 needs no more).  0 means "no text".
 */
static uint8_t
norm_encode(uint32_t len)
{
	double	 q;

	if (len <= 32)
		return (uint8_t)len;
	q = 32.0 + floor(log((double)len / 32.0) / log(1.06));
	return q > 255 ? 255 : (uint8_t)q;
}

/* The lengths of the 256 codes, computed once (a query asks for all of
 * them). */
static double		 norm_len[256];
static pthread_once_t	 norm_len_once = PTHREAD_ONCE_INIT;

static void
norm_len_init(void)
{
	int	 c;

	for (c = 0; c < 256; c++)
		norm_len[c] = c <= 32 ? c : 32.0 * pow(1.06, (double)(c - 32) +
		    0.5);
}

double
postings_norm_length(uint8_t code)
{
	pthread_once(&norm_len_once, norm_len_init);
	return norm_len[code];
}

/* --- the writer -------------------------------------------------------- */

struct pterm {
	char		*s;
	uint32_t	 len;
	uint32_t	 hash;
	uint32_t	 df;
	int64_t		 last;		/* last rowid appended */
	struct buf	 data;
	/* the current document's counts, while it is tokenized */
	uint32_t	 tf[3];
	uint32_t	 first;		/* 1 + its first position in the body */
	int		 in_doc;
};

struct pwriter {
	sqlite3		*db;
	struct pterm	*terms;
	size_t		 nterms, capterms;
	uint32_t	*slots;		/* open addressing: term index + 1 */
	size_t		 nslots;
	size_t		 bytes;		/* pending postings, roughly */
	/* the document being tokenized */
	int64_t		 doc;
	int		 col;
	uint32_t	 len[3];
	uint32_t	*touched;	/* terms of the current document */
	size_t		 ntouched, captouched;
	/* the documents of the pending segment, in rowid order */
	int64_t		*docs;
	uint8_t		(*norms)[PNORM];
	size_t		 ndocs, capdocs;
	uint64_t	 tok[3];
	uint8_t		 weight;	/* the current document's, encoded */
	struct fr_capture cap;
	struct vwriter	*vw;		/* the vocabulary, flushed alongside */
};

static uint32_t
pw_hash(const char *s, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
pw_grow_slots(struct pwriter *pw)
{
	size_t		 i, j, n = pw->nslots == 0 ? 4096 : pw->nslots * 2;
	uint32_t	*s = xcalloc(n, sizeof *s);

	for (i = 0; i < pw->nterms; i++) {
		for (j = pw->terms[i].hash & (n - 1); s[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		s[j] = (uint32_t)i + 1;
	}
	free(pw->slots);
	pw->slots = s;
	pw->nslots = n;
}

static struct pterm *
pw_term(struct pwriter *pw, const char *s, size_t n)
{
	struct pterm	*t;
	uint32_t	 h = pw_hash(s, n);
	size_t		 j;

	if (pw->nterms * 2 >= pw->nslots)
		pw_grow_slots(pw);
	for (j = h & (pw->nslots - 1); pw->slots[j] != 0;
	    j = (j + 1) & (pw->nslots - 1)) {
		t = &pw->terms[pw->slots[j] - 1];
		if (t->hash == h && t->len == n && memcmp(t->s, s, n) == 0)
			return t;
	}
	if (pw->nterms == pw->capterms) {
		pw->capterms = pw->capterms == 0 ? 4096 : pw->capterms * 2;
		pw->terms = xreallocarray(pw->terms, pw->capterms,
		    sizeof *pw->terms);
	}
	t = &pw->terms[pw->nterms];
	memset(t, 0, sizeof *t);
	t->s = xstrndup(s, n);
	t->len = (uint32_t)n;
	t->hash = h;
	t->last = -1;
	buf_init(&t->data);
	pw->slots[j] = (uint32_t)++pw->nterms;
	pw->bytes += n + sizeof *t;
	return t;
}

/* The capture: every token savoir_fr gives FTS5 for a document. */
static void
pw_token(void *arg, int col, const char *tok, int n, int colocated)
{
	struct pwriter	*pw = arg;
	struct pterm	*t;
	size_t		 i;

	if (col < 0 || col > 2 || n <= 0)
		return;
	if (!colocated)
		pw->len[col]++;
	t = pw_term(pw, tok, (size_t)n);
	if (!t->in_doc) {
		t->in_doc = 1;
		memset(t->tf, 0, sizeof t->tf);
		t->first = 0;
		if (pw->ntouched == pw->captouched) {
			pw->captouched = pw->captouched == 0 ? 1024 :
			    pw->captouched * 2;
			pw->touched = xreallocarray(pw->touched,
			    pw->captouched, sizeof *pw->touched);
		}
		i = (size_t)(t - pw->terms);
		pw->touched[pw->ntouched++] = (uint32_t)i;
	}
	if (col == 2 && t->first == 0)
		t->first = pw->len[2];	/* counted above: 1 + position */
	t->tf[col]++;
}

/* The capture's words, for the vocabulary. */
static void
pw_word(void *arg, const char *fold, int nfold, const char *surface,
    int nsurface)
{
	struct pwriter	*pw = arg;

	vwriter_word(pw->vw, fold, (size_t)nfold, surface, (size_t)nsurface);
}

struct pwriter *
pwriter_new(sqlite3 *db)
{
	struct pwriter	*pw = xcalloc(1, sizeof *pw);

	pw->db = db;
	pw->doc = -1;
	pw->cap.token = pw_token;
	pw->cap.word = pw_word;
	pw->cap.arg = pw;
	pw->vw = vwriter_new();
	return pw;
}

static void
pw_clear(struct pwriter *pw)
{
	size_t	 i;

	for (i = 0; i < pw->nterms; i++) {
		free(pw->terms[i].s);
		buf_free(&pw->terms[i].data);
	}
	pw->nterms = 0;
	if (pw->slots != NULL)
		memset(pw->slots, 0, pw->nslots * sizeof *pw->slots);
	pw->ndocs = 0;
	pw->bytes = 0;
	memset(pw->tok, 0, sizeof pw->tok);
	vwriter_discard(pw->vw);
}

void
pwriter_free(struct pwriter *pw)
{
	if (pw == NULL)
		return;
	tokenizer_fr_capture(NULL);
	pw_clear(pw);
	free(pw->terms);
	free(pw->slots);
	free(pw->touched);
	free(pw->docs);
	free(pw->norms);
	vwriter_free(pw->vw);
	free(pw);
}

/* Start a document: the next three tokenized texts are its columns. */
int
pwriter_begin(struct pwriter *pw, int64_t rowid, char **cause)
{
	if (pw->ndocs > 0 && rowid <= pw->docs[pw->ndocs - 1] &&
	    pwriter_flush(pw, cause) == -1)
		return -1;
	pw->doc = rowid;
	pw->ntouched = 0;
	memset(pw->len, 0, sizeof pw->len);
	pw->cap.col = 0;
	tokenizer_fr_capture(&pw->cap);
	return 0;
}

/* The document's columns were tokenized: append its postings, with its
 * ranking weight (xdoc.weight). */
void
pwriter_end(struct pwriter *pw, double weight)
{
	struct pterm	*t;
	size_t		 i;
	uint64_t	 code;
	size_t		 before;
	int		 c;

	tokenizer_fr_capture(NULL);
	if (pw->doc < 0)
		return;
	pw->weight = (uint8_t)(weight >= 2.0 ? 200 : weight <= 0.05 ? 5 :
	    lround(weight * 100.0));
	for (i = 0; i < pw->ntouched; i++) {
		t = &pw->terms[pw->touched[i]];
		t->in_doc = 0;
		before = t->data.len;
		vput(&t->data, (uint64_t)(pw->doc - (t->last < 0 ? 0 :
		    t->last)));
		code = (uint64_t)t->tf[2] << 2 | (t->tf[1] > 0) << 1 |
		    (t->tf[0] > 0);
		vput(&t->data, code);
		if (t->tf[0] > 0)
			vput(&t->data, t->tf[0]);
		if (t->tf[1] > 0)
			vput(&t->data, t->tf[1]);
		if (t->tf[2] > 0)
			vput(&t->data, t->first);
		t->last = pw->doc;
		t->df++;
		pw->bytes += t->data.len - before;
	}
	if (pw->ndocs == pw->capdocs) {
		pw->capdocs = pw->capdocs == 0 ? 1024 : pw->capdocs * 2;
		pw->docs = xreallocarray(pw->docs, pw->capdocs,
		    sizeof *pw->docs);
		pw->norms = xreallocarray(pw->norms, pw->capdocs,
		    sizeof *pw->norms);
	}
	pw->docs[pw->ndocs] = pw->doc;
	for (c = 0; c < 3; c++) {
		pw->norms[pw->ndocs][c] = norm_encode(pw->len[c]);
		pw->tok[c] += pw->len[c];
	}
	pw->norms[pw->ndocs][3] = pw->weight;
	pw->ndocs++;
	pw->doc = -1;
	vwriter_next_doc(pw->vw);
}

/* Abandon the document being tokenized (its insert failed). */
void
pwriter_abort_doc(struct pwriter *pw)
{
	size_t	 i;

	tokenizer_fr_capture(NULL);
	for (i = 0; i < pw->ntouched; i++)
		pw->terms[pw->touched[i]].in_doc = 0;
	pw->ntouched = 0;
	pw->doc = -1;
}

/* Forget everything pending (the transaction was rolled back). */
void
pwriter_discard(struct pwriter *pw)
{
	pwriter_abort_doc(pw);
	pw_clear(pw);
}

int
pwriter_pending(const struct pwriter *pw)
{
	return pw->ndocs > 0;
}

static int
pterm_cmp(const void *a, const void *b)
{
	const struct pterm *x = *(struct pterm *const *)a;
	const struct pterm *y = *(struct pterm *const *)b;
	size_t	 n = x->len < y->len ? x->len : y->len;
	int	 c = memcmp(x->s, y->s, n);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int
p_sqlerr(sqlite3 *db, const char *what, char **cause)
{
	xasprintf(cause, "postings: %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* Write the pending documents as a level-0 segment, in the current
 * transaction, then merge what the levels ask for. */
int
pwriter_flush(struct pwriter *pw, char **cause)
{
	sqlite3_stmt	*stmt = NULL;
	struct pterm	**v = NULL;
	unsigned char	*norms;
	int64_t		 seg, mindoc, maxdoc, span;
	size_t		 i, n = 0;
	int		 rc = -1;

	if (pw->ndocs == 0)
		return 0;
	mindoc = pw->docs[0];
	maxdoc = pw->docs[pw->ndocs - 1];
	span = maxdoc - mindoc + 1;
	norms = xcalloc((size_t)span, PNORM);
	for (i = 0; i < pw->ndocs; i++)
		memcpy(norms + (size_t)(pw->docs[i] - mindoc) * PNORM,
		    pw->norms[i], PNORM);
	if (sqlite3_prepare_v2(pw->db, "INSERT INTO pseg (level, mindoc, "
	    "maxdoc, ndocs, tok0, tok1, tok2, norms) VALUES (0, ?, ?, ?, ?, "
	    "?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK) {
		free(norms);
		return p_sqlerr(pw->db, "new segment", cause);
	}
	sqlite3_bind_int64(stmt, 1, mindoc);
	sqlite3_bind_int64(stmt, 2, maxdoc);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)pw->ndocs);
	for (i = 0; i < 3; i++)
		sqlite3_bind_int64(stmt, 4 + (int)i,
		    (sqlite3_int64)pw->tok[i]);
	sqlite3_bind_blob(stmt, 7, norms, (int)(span * PNORM), free);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		p_sqlerr(pw->db, "new segment", cause);
		goto out;
	}
	seg = sqlite3_last_insert_rowid(pw->db);
	sqlite3_finalize(stmt);
	stmt = NULL;

	v = xreallocarray(NULL, pw->nterms, sizeof *v);
	for (i = 0; i < pw->nterms; i++)
		if (pw->terms[i].df > 0)
			v[n++] = &pw->terms[i];
	qsort(v, n, sizeof *v, pterm_cmp);
	if (sqlite3_prepare_v2(pw->db, "INSERT INTO post (term, seg, df, "
	    "data) VALUES (?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK) {
		p_sqlerr(pw->db, "postings", cause);
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(stmt, 1, v[i]->s, (int)v[i]->len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, seg);
		sqlite3_bind_int64(stmt, 3, v[i]->df);
		sqlite3_bind_blob(stmt, 4, v[i]->data.data,
		    (int)v[i]->data.len, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			p_sqlerr(pw->db, "postings", cause);
			goto out;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (vwriter_flush(pw->vw, pw->db, cause) == -1)
		goto out;
	/* A document stored and deleted in this same transaction was
	 * tombstoned by the docs' delete trigger already. */
	pw_clear(pw);
	rc = postings_merge(pw->db, 0, cause);
out:
	sqlite3_finalize(stmt);
	free(v);
	if (rc == -1)
		pw_clear(pw);
	return rc;
}

int
pwriter_should_flush(const struct pwriter *pw)
{
	return pw->bytes > PW_FLUSH_BYTES;
}

/* --- merging ------------------------------------------------------------- */

struct mseg {
	int64_t		 id, mindoc, maxdoc, ndocs, tok[3];
	int		 level;
	unsigned char	*norms;
	size_t		 nnorms;
};

/* Is doc among the sorted tombstones? */
static int
tomb_has(const int64_t *t, size_t n, int64_t doc)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t[mid] == doc)
			return 1;
		if (t[mid] < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Merge the segments v[0..n) (consecutive in rowid order) into one of the
 * given level, dropping deleted documents.
 */
static int
p_merge(sqlite3 *db, struct mseg *v, size_t n, int level, char **cause)
{
	sqlite3_stmt	*sel = NULL, *ins = NULL, *stmt = NULL;
	struct buf	 ids, out;
	int64_t		*tomb = NULL, mindoc, maxdoc, span, seg, last, doc;
	int64_t		 live = 0, tok[3] = { 0, 0, 0 };
	size_t		 ntomb = 0, captomb = 0, i, j;
	unsigned char	*norms;
	const unsigned char *p, *end, *rec;
	uint64_t	 code;
	uint32_t	 tf[3], first;
	int		 rc = -1, df;
	const void	*term = NULL;
	int		 termlen = 0;
	char		*prev = NULL;
	int		 prevlen = -1;

	buf_init(&ids);
	buf_init(&out);
	mindoc = v[0].mindoc;
	maxdoc = v[n - 1].maxdoc;
	for (i = 0; i < n; i++)
		buf_printf(&ids, "%s%lld", i > 0 ? "," : "",
		    (long long)v[i].id);

	/* The tombstones of the range. */
	if (sqlite3_prepare_v2(db, "SELECT doc FROM ptomb WHERE doc BETWEEN "
	    "? AND ? ORDER BY doc", -1, &stmt, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(stmt, 1, mindoc);
	sqlite3_bind_int64(stmt, 2, maxdoc);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (ntomb == captomb) {
			captomb = captomb == 0 ? 256 : captomb * 2;
			tomb = xreallocarray(tomb, captomb, sizeof *tomb);
		}
		tomb[ntomb++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;

	/* The new segment's row, norms of live documents only. */
	span = maxdoc - mindoc + 1;
	norms = xcalloc((size_t)span, PNORM);
	for (i = 0; i < n; i++) {
		for (doc = v[i].mindoc; doc <= v[i].maxdoc; doc++) {
			rec = v[i].norms + (size_t)(doc - v[i].mindoc) * PNORM;
			if ((size_t)(doc - v[i].mindoc) * PNORM + PNORM > v[i].nnorms ||
			    rec[3] == 0 ||
			    tomb_has(tomb, ntomb, doc))
				continue;
			memcpy(norms + (size_t)(doc - mindoc) * PNORM, rec, PNORM);
			live++;
			for (j = 0; j < 3; j++)
				tok[j] += (int64_t)postings_norm_length(rec[j]);
		}
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO pseg (level, mindoc, maxdoc, "
	    "ndocs, tok0, tok1, tok2, norms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    -1, &stmt, NULL) != SQLITE_OK) {
		free(norms);
		goto sqlfail;
	}
	sqlite3_bind_int(stmt, 1, level);
	sqlite3_bind_int64(stmt, 2, mindoc);
	sqlite3_bind_int64(stmt, 3, maxdoc);
	sqlite3_bind_int64(stmt, 4, live);
	for (j = 0; j < 3; j++)
		sqlite3_bind_int64(stmt, 5 + (int)j, tok[j]);
	sqlite3_bind_blob(stmt, 8, norms, (int)(span * PNORM), free);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		goto sqlfail;
	seg = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(stmt);
	stmt = NULL;

	/*
	 * Every term of the merged segments, in (term, seg) order: the
	 * segments' rowid ranges are ordered like their ids, so a term's
	 * lists are concatenated.  The merged rows go to a temporary table
	 * first: the scan must not see them.
	 */
	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS pmerge(term "
	    "BLOB, df INTEGER, data BLOB); DELETE FROM temp.pmerge", NULL,
	    NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	buf_printf(&out, "SELECT term, data FROM post WHERE seg IN (%s) "
	    "ORDER BY term, seg", ids.data);
	rc = sqlite3_prepare_v2(db, out.data, -1, &sel, NULL);
	buf_reset(&out);
	if (rc != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.pmerge VALUES (?, ?, ?)",
	    -1, &ins, NULL) != SQLITE_OK) {
		rc = -1;
		goto sqlfail;
	}
	rc = -1;
	last = 0;
	df = 0;
	for (;;) {
		int	 step = sqlite3_step(sel);

		if (step == SQLITE_ROW) {
			term = sqlite3_column_blob(sel, 0);
			termlen = sqlite3_column_bytes(sel, 0);
		}
		/* A new term (or the end): write the previous one. */
		if (prevlen >= 0 && (step != SQLITE_ROW || termlen != prevlen ||
		    memcmp(term, prev, (size_t)termlen) != 0)) {
			if (df > 0) {
				sqlite3_bind_blob(ins, 1, prev, prevlen,
				    SQLITE_STATIC);
				sqlite3_bind_int(ins, 2, df);
				sqlite3_bind_blob(ins, 3, out.data,
				    (int)out.len, SQLITE_STATIC);
				if (sqlite3_step(ins) != SQLITE_DONE)
					goto sqlfail;
				sqlite3_reset(ins);
			}
			buf_reset(&out);
			last = 0;
			df = 0;
			free(prev);
			prev = NULL;
			prevlen = -1;
		}
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW)
			goto sqlfail;
		if (prevlen < 0) {
			prev = xmalloc((size_t)termlen + 1);
			memcpy(prev, term, (size_t)termlen);
			prevlen = termlen;
		}
		p = sqlite3_column_blob(sel, 1);
		end = p + sqlite3_column_bytes(sel, 1);
		doc = 0;
		while (p < end) {
			if (prec_next(&p, end, &doc, tf, &first, &code,
			    &rec) == -1)
				goto corrupt;
			if (tomb_has(tomb, ntomb, doc))
				continue;
			vput(&out, (uint64_t)(doc - last));
			vput(&out, code);
			buf_add(&out, rec, (size_t)(p - rec));
			last = doc;
			df++;
		}
	}
	sqlite3_finalize(sel);
	sel = NULL;
	sqlite3_finalize(ins);
	ins = NULL;

	buf_reset(&out);
	buf_printf(&out, "DELETE FROM post WHERE seg IN (%s);"
	    "DELETE FROM pseg WHERE id IN (%s);"
	    "DELETE FROM ptomb WHERE doc BETWEEN %lld AND %lld;"
	    "INSERT INTO post (term, seg, df, data) SELECT term, %lld, df, "
	    "data FROM temp.pmerge ORDER BY term;"
	    "DELETE FROM temp.pmerge;", ids.data, ids.data,
	    (long long)mindoc, (long long)maxdoc, (long long)seg);
	if (sqlite3_exec(db, out.data, NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	rc = 0;
	goto out;
corrupt:
	xasprintf(cause, "postings: a list of segment %s is corrupt "
	    "(run savoir index --force)", ids.data);
	goto out;
sqlfail:
	p_sqlerr(db, "merge", cause);
out:
	sqlite3_finalize(stmt);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	free(prev);
	free(tomb);
	buf_free(&ids);
	buf_free(&out);
	return rc;
}

static void
msegs_free(struct mseg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].norms);
	free(v);
}

/*
 * Merge segments: with all, every segment into one; otherwise while some
 * level holds PSEG_FANOUT segments, those into one of the next level.
 */
int
postings_merge(sqlite3 *db, int all, char **cause)
{
	sqlite3_stmt	*stmt;
	struct mseg	*v;
	size_t		 n, cap, i, first, count;
	int		 level, again, rc;
	const void	*blob;

	do {
		again = 0;
		if (sqlite3_prepare_v2(db, "SELECT id, level, mindoc, maxdoc, "
		    "norms FROM pseg ORDER BY mindoc", -1, &stmt,
		    NULL) != SQLITE_OK)
			return p_sqlerr(db, "segments", cause);
		v = NULL;
		n = cap = 0;
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			memset(&v[n], 0, sizeof v[n]);
			v[n].id = sqlite3_column_int64(stmt, 0);
			v[n].level = sqlite3_column_int(stmt, 1);
			v[n].mindoc = sqlite3_column_int64(stmt, 2);
			v[n].maxdoc = sqlite3_column_int64(stmt, 3);
			blob = sqlite3_column_blob(stmt, 4);
			v[n].nnorms = (size_t)sqlite3_column_bytes(stmt, 4);
			v[n].norms = xmalloc(v[n].nnorms + 1);
			if (v[n].nnorms > 0)
				memcpy(v[n].norms, blob, v[n].nnorms);
			n++;
		}
		rc = sqlite3_finalize(stmt);
		if (rc != SQLITE_OK) {
			msegs_free(v, n);
			return p_sqlerr(db, "segments", cause);
		}
		if (all) {
			rc = 0;
			if (n > 1 || (n == 1 && all > 1))
				rc = p_merge(db, v, n, v[n - 1].level + 1,
				    cause);
			msegs_free(v, n);
			return rc;
		}
		/* The newest run of segments of one level. */
		for (i = 0; i < n; i++) {
			level = v[i].level;
			for (first = i, count = 0; i < n && v[i].level == level;
			    i++)
				count++;
			if (count >= PSEG_FANOUT) {
				rc = p_merge(db, v + first, count, level + 1,
				    cause);
				if (rc == -1) {
					msegs_free(v, n);
					return -1;
				}
				again = 1;
				break;
			}
			i--;
		}
		msegs_free(v, n);
	} while (again);
	return 0;
}

/*
 * At the end of an indexing run: one segment reads fastest, so merge all
 * of them when that is cheap (a small index) or pays (the segments besides
 * the largest hold a tenth of its documents or more).  Otherwise the
 * levels bound the work, and a later run merges.
 */
int
postings_optimize(sqlite3 *db, char **cause)
{
	sqlite3_stmt	*stmt;
	int64_t		 n = 0, total = 0, big = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(ndocs), 0), "
	    "coalesce(max(ndocs), 0) FROM pseg", -1, &stmt, NULL) != SQLITE_OK)
		return p_sqlerr(db, "segments", cause);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		n = sqlite3_column_int64(stmt, 0);
		total = sqlite3_column_int64(stmt, 1);
		big = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (n > 1 && (total < 200000 || (total - big) * 10 >= big))
		return postings_merge(db, 1, cause);
	return 0;
}

/* --- the reader ---------------------------------------------------------- */

struct pindex {
	sqlite3		*db;
	long long	 version;	/* PRAGMA data_version seen */
	sqlite3_stmt	*get;
	sqlite3_stmt	*cur;		/* pcursor_open's */
	sqlite3_stmt	*dv;		/* PRAGMA data_version */
	sqlite3_stmt	*df;		/* pindex_df's */
	/* savoir_fr, to turn a query's words into terms */
	fts5_tokenizer	 tokapi;
	Fts5Tokenizer	*tok;
	/* what it read of the index when version was seen: norms,
	 * tombstones, facets (pindex_refresh), shared */
	struct psnap	*snap;
};

/*
 * The facet values of every document, for counting and filtering without
 * SQL: per key, the values' ids of each rowid in compressed-row form
 * (vals[off[doc] .. off[doc + 1]]), and per id its text and folded form.
 */
struct pfkey {
	char		*key;
	uint32_t	*off;		/* maxdoc + 2 */
	uint32_t	*vals;
	size_t		 nvals;
	char		**value;	/* by id */
	char		**norm;
	size_t		 nids;
	uint32_t	*one;		/* a key of one value a document at most:
					 * that value's id by rowid (PF_NONE),
					 * instead of off and vals */
};

#define PF_NONE	UINT32_MAX

struct pfacets {
	struct pfkey	*k;
	size_t		 nk;
	int64_t		 maxdoc;
};

static void
pfacets_free(struct pfacets *pf)
{
	size_t	 i, j;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->nk; i++) {
		free(pf->k[i].key);
		free(pf->k[i].off);
		free(pf->k[i].vals);
		for (j = 0; j < pf->k[i].nids; j++) {
			free(pf->k[i].value[j]);
			free(pf->k[i].norm[j]);
		}
		free(pf->k[i].value);
		free(pf->k[i].norm);
		free(pf->k[i].one);
	}
	free(pf->k);
	free(pf);
}

struct psnap;
static void	 psnap_release(struct psnap *);

struct pindex *
pindex_new(sqlite3 *db)
{
	struct pindex	*pi = xcalloc(1, sizeof *pi);

	pi->db = db;
	pi->version = -1;
	return pi;
}

void
pindex_free(struct pindex *pi)
{
	if (pi == NULL)
		return;
	sqlite3_finalize(pi->get);
	sqlite3_finalize(pi->cur);
	sqlite3_finalize(pi->dv);
	sqlite3_finalize(pi->df);
	if (pi->tok != NULL)
		pi->tokapi.xDelete(pi->tok);
	psnap_release(pi->snap);
	free(pi);
}

/* PRAGMA data_version, through a statement kept for the next call (it is
 * asked once a query). */
static long long
p_data_version(struct pindex *pi)
{
	long long	 v = -2;

	if (pi->dv == NULL && sqlite3_prepare_v3(pi->db, "PRAGMA data_version",
	    -1, SQLITE_PREPARE_PERSISTENT, &pi->dv, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(pi->dv) == SQLITE_ROW)
		v = sqlite3_column_int64(pi->dv, 0);
	sqlite3_reset(pi->dv);
	return v;
}

/*
 * What a query needs besides the lists: the norms of every document, the
 * tombstones, the average column lengths and (loaded on first use) every
 * document's facets.  At a million documents that is tens of MB, so the
 * connections of one process to one index share it: a snapshot is known
 * by the file's device and inode and by a generation read from the index
 * (its segments, tombstones and last change), and freed with its last
 * user.  An index whose generation cannot be read gets a snapshot of its
 * own.
 */
struct psnap {
	struct psnap	*next;
	int		 refs;
	int		 shared;	/* in psnaps */
	dev_t		 dev;
	ino_t		 ino;
	char		*gen;
	int		 ok;		/* the index has postings */
	int64_t		 maxdoc;
	int64_t		 ndocs;
	size_t		 nsegs;
	double		 avg[3];
	uint8_t		*norms;		/* PNORM a rowid, [0, maxdoc] */
	uint8_t		*dead;		/* bitmap */
	pthread_mutex_t	 pf_lock;
	int		 pf_done;
	struct pfacets	*pf;
	/* the df of unions of variants, by their terms (pcursor_union) */
	pthread_mutex_t	 df_lock;
	struct dfent {
		char	*key;
		int64_t	 df;
	}		*dfc;		/* DFC_SIZE slots, open addressing */
	size_t		 ndfc;
	/* the vocabulary (store_vocab.c), loaded when first asked for */
	pthread_mutex_t	 sp_lock;
	int		 sp_done;
	struct speller	*sp;
};

#define DFC_SIZE	4096		/* a power of two; cleared when half full */

static pthread_mutex_t	 psnaps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct psnap	*psnaps;

static void
psnap_release(struct psnap *sn)
{
	struct psnap	**pp;
	size_t		  i;

	if (sn == NULL)
		return;
	pthread_mutex_lock(&psnaps_lock);
	if (--sn->refs > 0) {
		pthread_mutex_unlock(&psnaps_lock);
		return;
	}
	for (pp = &psnaps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sn) {
			*pp = sn->next;
			break;
		}
	pthread_mutex_unlock(&psnaps_lock);
	pfacets_free(sn->pf);
	pthread_mutex_destroy(&sn->pf_lock);
	pthread_mutex_destroy(&sn->df_lock);
	pthread_mutex_destroy(&sn->sp_lock);
	spell_free(sn->sp);
	for (i = 0; sn->dfc != NULL && i < DFC_SIZE; i++)
		free(sn->dfc[i].key);
	free(sn->dfc);
	free(sn->norms);
	free(sn->dead);
	free(sn->gen);
	free(sn);
}

/* Is doc a live document of the snapshot (not past its end, no tombstone)? */
static inline int
psnap_live(const struct psnap *sn, int64_t doc)
{
	return doc <= sn->maxdoc && !(sn->dead[doc / 8] & (1u << (doc % 8)));
}

/* The index's generation, or NULL. */
static char *
p_generation(sqlite3 *db)
{
	sqlite3_stmt	*stmt;
	char		*gen = NULL;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT coalesce(max(id), 0) || "
	    "':' || count(*) || ':' || coalesce(sum(ndocs), 0) || ':' || "
	    "coalesce(max(maxdoc), 0) FROM pseg) || '/' || (SELECT count(*) "
	    "|| ':' || coalesce(sum(doc), 0) FROM ptomb) || '/' || (SELECT "
	    "coalesce(max(seq), 0) FROM changes)", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		gen = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return gen;
}

/* Read the norms and tombstones into sn; sn->ok says whether there were
 * postings to read. */
static void
psnap_load(struct psnap *sn, sqlite3 *db)
{
	sqlite3_stmt	*stmt;
	int64_t		 mindoc, maxdoc, doc, tok[3] = { 0, 0, 0 };
	const unsigned char *b;
	size_t		 nb;
	int		 c;

	sn->maxdoc = -1;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(maxdoc), -1) "
	    "FROM pseg", -1, &stmt, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		sn->maxdoc = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (sn->maxdoc < 0)
		return;
	sn->norms = xcalloc((size_t)sn->maxdoc + 1, PNORM);
	sn->dead = xcalloc((size_t)sn->maxdoc / 8 + 1, 1);
	if (sqlite3_prepare_v2(db, "SELECT mindoc, maxdoc, ndocs, tok0, "
	    "tok1, tok2, norms FROM pseg", -1, &stmt, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		mindoc = sqlite3_column_int64(stmt, 0);
		maxdoc = sqlite3_column_int64(stmt, 1);
		sn->ndocs += sqlite3_column_int64(stmt, 2);
		for (c = 0; c < 3; c++)
			tok[c] += sqlite3_column_int64(stmt, 3 + c);
		b = sqlite3_column_blob(stmt, 6);
		nb = (size_t)sqlite3_column_bytes(stmt, 6);
		if (mindoc < 0 || maxdoc > sn->maxdoc || maxdoc < mindoc ||
		    nb != (size_t)(maxdoc - mindoc + 1) * PNORM)
			continue;	/* check reports it */
		memcpy(sn->norms + (size_t)mindoc * PNORM, b, nb);
		sn->nsegs++;
	}
	if (sqlite3_finalize(stmt) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(db, "SELECT doc FROM ptomb", -1, &stmt,
	    NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		doc = sqlite3_column_int64(stmt, 0);
		if (doc >= 0 && doc <= sn->maxdoc) {
			sn->dead[doc / 8] |= (uint8_t)(1u << (doc % 8));
			sn->ndocs--;
		}
	}
	if (sqlite3_finalize(stmt) != SQLITE_OK)
		return;
	for (c = 0; c < 3; c++)
		sn->avg[c] = sn->ndocs > 0 && tok[c] > 0 ?
		    (double)tok[c] / (double)sn->ndocs : 1.0;
	sn->ok = 1;
}

/*
 * Take the snapshot of the index as it is now, when it changed since the
 * last call.  0, or -1 when the index has no postings (an index written
 * before schema 2, or empty): search falls back to FTS5.
 */
int
pindex_refresh(struct pindex *pi)
{
	struct psnap	*sn = NULL, *old;
	struct stat	 sb;
	const char	*file;
	char		*gen;
	long long	 v;
	int		 shared;

	v = p_data_version(pi);
	if (v == pi->version && v != -2 && pi->snap != NULL)
		return pi->snap->ok ? 0 : -1;
	pi->version = v;
	gen = p_generation(pi->db);
	file = sqlite3_db_filename(pi->db, "main");
	shared = gen != NULL && file != NULL && *file != '\0' &&
	    stat(file, &sb) == 0;
	pthread_mutex_lock(&psnaps_lock);
	for (sn = shared ? psnaps : NULL; sn != NULL; sn = sn->next)
		if (sn->dev == sb.st_dev && sn->ino == sb.st_ino &&
		    strcmp(sn->gen, gen) == 0)
			break;
	if (sn == NULL) {
		sn = xcalloc(1, sizeof *sn);
		pthread_mutex_init(&sn->pf_lock, NULL);
		pthread_mutex_init(&sn->df_lock, NULL);
		pthread_mutex_init(&sn->sp_lock, NULL);
		psnap_load(sn, pi->db);
		if (shared) {
			sn->shared = 1;
			sn->dev = sb.st_dev;
			sn->ino = sb.st_ino;
			sn->gen = gen;
			gen = NULL;
			sn->next = psnaps;
			psnaps = sn;
		}
	}
	sn->refs++;
	pthread_mutex_unlock(&psnaps_lock);
	free(gen);
	old = pi->snap;
	pi->snap = sn;
	psnap_release(old);
	return sn->ok ? 0 : -1;
}

int64_t
pindex_ndocs(const struct pindex *pi)
{
	return pi->snap->ndocs;
}

int64_t
pindex_maxdoc(const struct pindex *pi)
{
	return pi->snap->maxdoc;
}

double
pindex_avg(const struct pindex *pi, int col)
{
	return pi->snap->avg[col];
}

/* A document's norms: 3 length codes (postings_norm_length), then its
 * weight in hundredths. */
const uint8_t *
pindex_norms(const struct pindex *pi, int64_t doc)
{
	return pi->snap->norms + (size_t)doc * PNORM;
}

/*
 * The live documents holding term, in rowid order, appended to *l (which
 * the caller resets).  0, or -1 on an error or a corrupt list.
 */
int
pindex_list(struct pindex *pi, const char *term, size_t len,
    struct plist *l)
{
	const unsigned char	*p, *end;
	const unsigned char	*rec;
	uint64_t		 code;
	int64_t			 doc;
	uint32_t		 tf[3], first;
	int			 rc;

	if (pi->get == NULL && sqlite3_prepare_v3(pi->db, "SELECT data FROM "
	    "post WHERE term = ? ORDER BY seg", -1, SQLITE_PREPARE_PERSISTENT,
	    &pi->get, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_blob(pi->get, 1, term, (int)len, SQLITE_STATIC);
	while ((rc = sqlite3_step(pi->get)) == SQLITE_ROW) {
		p = sqlite3_column_blob(pi->get, 0);
		end = p + sqlite3_column_bytes(pi->get, 0);
		doc = 0;
		while (p < end) {
			if (prec_next(&p, end, &doc, tf, &first, &code,
			    &rec) == -1)
				goto corrupt;
			if (!psnap_live(pi->snap, doc))
				continue;
			plist_push(l, doc, tf[0], tf[1], tf[2], first);
		}
	}
	sqlite3_reset(pi->get);
	return rc == SQLITE_DONE ? 0 : -1;
corrupt:
	sqlite3_reset(pi->get);
	return -1;
}

/* The block just decoded becomes the cursor's: 1, or 0 if empty. */
static int
pcursor_publish(struct pcursor *c, size_t n)
{
	c->doc = c->bdoc;
	c->tf = (const uint32_t (*)[3])c->btf;
	c->first = c->bfirst;
	c->i = 0;
	c->n = n;
	return n > 0;
}

/* Everything but the block, which is written before it is read. */
static void
pcursor_clear(struct pcursor *c)
{
	memset(c, 0, offsetof(struct pcursor, bdoc));
}

int
pcursor_open(struct pindex *pi, const char *term, size_t len,
    struct pcursor *c)
{
	const unsigned char	*p;
	size_t			 n, cap = 0, segcap = 0;
	int			 rc;

	pcursor_clear(c);
	c->pi = pi;
	if (pi->cur == NULL && sqlite3_prepare_v3(pi->db, "SELECT data, df "
	    "FROM post WHERE term = ? ORDER BY seg", -1,
	    SQLITE_PREPARE_PERSISTENT, &pi->cur, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_blob(pi->cur, 1, term, (int)len, SQLITE_STATIC);
	while ((rc = sqlite3_step(pi->cur)) == SQLITE_ROW) {
		p = sqlite3_column_blob(pi->cur, 0);
		n = (size_t)sqlite3_column_bytes(pi->cur, 0);
		c->df += sqlite3_column_int64(pi->cur, 1);
		if (c->len + n > cap) {
			cap = (c->len + n) * 2;
			c->buf = xreallocarray(c->buf, cap, 1);
		}
		if (n > 0)
			memcpy(c->buf + c->len, p, n);
		c->len += n;
		if (c->nseg == segcap) {
			segcap = segcap == 0 ? 4 : segcap * 2;
			c->segend = xreallocarray(c->segend, segcap,
			    sizeof *c->segend);
		}
		c->segend[c->nseg++] = c->len;
	}
	sqlite3_reset(pi->cur);
	if (rc != SQLITE_DONE) {
		pcursor_close(c);
		return -1;
	}
	return 0;
}

void
pcursor_plist(struct pcursor *c, const struct plist *l)
{
	pcursor_clear(c);
	c->list = 1;
	c->doc = l->doc;
	c->tf = (const uint32_t (*)[3])l->tf;
	c->first = l->first;
	c->n = l->n;
	c->df = (int64_t)l->n;
}

static void
pcursor_rewind(struct pcursor *c)
{
	c->off = 0;
	c->seg = 0;
	c->base = 0;
	c->started = 0;
	c->i = c->list ? 0 : c->i;
	if (!c->list)
		c->n = 0;
}

/* The next block of a union: the kids merged. */
static int
pcursor_fill_union(struct pcursor *c)
{
	struct pcursor	*k;
	size_t		 n = 0, j;
	int64_t		 d;
	int		 rc, col;

	if (!c->started) {
		c->started = 1;
		for (j = 0; j < c->nkids; j++) {
			if ((rc = pcursor_step(&c->kids[j])) == -1)
				return -1;
			c->kids[j].on = rc;
		}
	}
	while (n < PCURSOR_BLOCK) {
		d = INT64_MAX;
		for (j = 0; j < c->nkids; j++)
			if (c->kids[j].on && c->kids[j].doc[c->kids[j].i] < d)
				d = c->kids[j].doc[c->kids[j].i];
		if (d == INT64_MAX)
			break;
		c->bdoc[n] = d;
		c->btf[n][0] = c->btf[n][1] = c->btf[n][2] = 0;
		c->bfirst[n] = 0;
		for (j = 0; j < c->nkids; j++) {
			k = &c->kids[j];
			if (!k->on || k->doc[k->i] != d)
				continue;
			for (col = 0; col < 3; col++)
				if (k->tf[k->i][col] > c->btf[n][col])
					c->btf[n][col] = k->tf[k->i][col];
			if (k->first[k->i] != 0 && (c->bfirst[n] == 0 ||
			    k->first[k->i] < c->bfirst[n]))
				c->bfirst[n] = k->first[k->i];
			if ((rc = pcursor_step(k)) == -1)
				return -1;
			k->on = rc;
		}
		n++;
	}
	return pcursor_publish(c, n);
}

static uint64_t
dfc_hash(const char *key)
{
	uint64_t	 h = 1469598103934665603ull;	/* FNV-1a */

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ull;
	return h;
}

/* The cached df of key in the snapshot: 1 and *df, or 0. */
static int
dfc_get(struct psnap *sn, const char *key, int64_t *df)
{
	size_t	 i;
	int	 found = 0;

	pthread_mutex_lock(&sn->df_lock);
	for (i = dfc_hash(key) & (DFC_SIZE - 1); sn->dfc != NULL &&
	    sn->dfc[i].key != NULL; i = (i + 1) & (DFC_SIZE - 1))
		if (strcmp(sn->dfc[i].key, key) == 0) {
			*df = sn->dfc[i].df;
			found = 1;
			break;
		}
	pthread_mutex_unlock(&sn->df_lock);
	return found;
}

static void
dfc_put(struct psnap *sn, const char *key, int64_t df)
{
	size_t	 i;

	pthread_mutex_lock(&sn->df_lock);
	if (sn->dfc == NULL)
		sn->dfc = xcalloc(DFC_SIZE, sizeof *sn->dfc);
	if (sn->ndfc >= DFC_SIZE / 2) {
		for (i = 0; i < DFC_SIZE; i++) {
			free(sn->dfc[i].key);
			sn->dfc[i].key = NULL;
		}
		sn->ndfc = 0;
	}
	for (i = dfc_hash(key) & (DFC_SIZE - 1); sn->dfc[i].key != NULL;
	    i = (i + 1) & (DFC_SIZE - 1))
		if (strcmp(sn->dfc[i].key, key) == 0)
			break;
	if (sn->dfc[i].key == NULL) {
		sn->dfc[i].key = xstrdup(key);
		sn->ndfc++;
	}
	sn->dfc[i].df = df;
	pthread_mutex_unlock(&sn->df_lock);
}

int
pcursor_union(struct pcursor *c, struct pcursor *kids, size_t n,
    const char *key)
{
	struct psnap	*sn = n > 0 && kids[0].pi != NULL ? kids[0].pi->snap :
			    NULL;
	int64_t		 df = 0;
	size_t		 j;
	int		 rc = 0;

	pcursor_clear(c);
	c->kids = kids;
	c->nkids = n;
	c->pi = n > 0 ? kids[0].pi : NULL;
	if (sn != NULL && key != NULL && dfc_get(sn, key, &df)) {
		c->df = df;
		return 0;
	}
	/* The union's df: a first pass, then back to the start (and the
	 * answer kept for the next query with these words). */
	while ((rc = pcursor_fill_union(c)) == 1)
		df += (int64_t)c->n;
	for (j = 0; j < n; j++)
		pcursor_rewind(&kids[j]);
	c->started = 0;
	c->n = 0;
	c->i = 0;
	c->df = df;
	if (rc == 0 && sn != NULL && key != NULL)
		dfc_put(sn, key, df);
	return rc;
}

/* The next block (or, for a list, the first document). */
int
pcursor_fill(struct pcursor *c)
{
	const unsigned char	*p, *end, *rec;
	uint64_t		 code;
	size_t			 n = 0;

	if (c->kids != NULL)
		return pcursor_fill_union(c);
	if (c->list) {
		if (c->started)
			return 0;
		c->started = 1;
		c->i = 0;
		return c->n > 0;
	}
	c->started = 1;
	while (n < PCURSOR_BLOCK) {
		while (c->seg < c->nseg && c->off >= c->segend[c->seg]) {
			c->seg++;
			c->base = 0;	/* each segment's rowids from 0 */
		}
		if (c->seg >= c->nseg)
			break;
		p = c->buf + c->off;
		end = c->buf + c->segend[c->seg];
		if (prec_next(&p, end, &c->base, c->btf[n], &c->bfirst[n],
		    &code, &rec) == -1)
			return -1;
		c->off = (size_t)(p - c->buf);
		if (!psnap_live(c->pi->snap, c->base))
			continue;
		c->bdoc[n++] = c->base;
	}
	return pcursor_publish(c, n);
}

void
pcursor_close(struct pcursor *c)
{
	size_t	 j;

	for (j = 0; j < c->nkids; j++)
		pcursor_close(&c->kids[j]);
	free(c->kids);
	free(c->buf);
	free(c->segend);
	pcursor_clear(c);
}

/* Append a document to a list (which grows as needed). */
void
plist_push(struct plist *l, int64_t doc, uint32_t t0, uint32_t t1,
    uint32_t t2, uint32_t first)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 256 : l->cap * 2;
		l->doc = xreallocarray(l->doc, l->cap, sizeof *l->doc);
		l->tf = xreallocarray(l->tf, l->cap, sizeof *l->tf);
		l->first = xreallocarray(l->first, l->cap, sizeof *l->first);
	}
	l->doc[l->n] = doc;
	l->tf[l->n][0] = t0;
	l->tf[l->n][1] = t1;
	l->tf[l->n][2] = t2;
	l->first[l->n] = first;
	l->n++;
}

void
plist_free(struct plist *l)
{
	free(l->doc);
	free(l->tf);
	free(l->first);
	memset(l, 0, sizeof *l);
}

/*
 * The terms of a text as savoir_fr gives them, in query mode (0: the words
 * of a query), document mode (1: a stored text, for its snippet) or aux
 * mode (2: the words as written, not stemmed, same positions):
 * cb(arg, position, term, len, start, end) for each, colocated variants
 * with the same position.  0, or -1 when the tokenizer cannot be had.
 */
struct tokrun {
	int	(*cb)(void *, int, const char *, int, int, int);
	void	*arg;
	int	 pos;
};

static int
pindex_token(void *arg, int tflags, const char *tok, int n, int start,
    int end)
{
	struct tokrun	*tr = arg;

	if (!(tflags & FTS5_TOKEN_COLOCATED))
		tr->pos++;
	return tr->cb(tr->arg, tr->pos, tok, n, start, end);
}

int
pindex_tokenize(struct pindex *pi, const char *text, size_t len, int mode,
    int (*cb)(void *, int, const char *, int, int, int), void *arg)
{
	sqlite3_stmt	*stmt;
	fts5_api	*api = NULL;
	void		*uctx;
	struct tokrun	 tr;

	if (pi->tok == NULL) {
		if (sqlite3_prepare_v2(pi->db, "SELECT fts5(?1)", -1, &stmt,
		    NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
		sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (api == NULL || api->xFindTokenizer(api, "savoir_fr", &uctx,
		    &pi->tokapi) != SQLITE_OK ||
		    pi->tokapi.xCreate(uctx, NULL, 0, &pi->tok) != SQLITE_OK) {
			pi->tok = NULL;
			return -1;
		}
	}
	tr.cb = cb;
	tr.arg = arg;
	tr.pos = -1;
	return pi->tokapi.xTokenize(pi->tok, &tr, mode == 2 ? FTS5_TOKENIZE_AUX :
	    mode == 1 ? FTS5_TOKENIZE_DOCUMENT : FTS5_TOKENIZE_QUERY, text,
	    (int)len, pindex_token) == SQLITE_OK ? 0 : -1;
}

/* --- facets ---------------------------------------------------------------- */

/*
 * Load the facets of the keys shown as facets (keyword and year kinds, and
 * the type), sorted by key, value: one pass over the facets table.
 */
struct pfpair {
	int64_t		 doc;
	uint32_t	 id;
};

/* Turn a key's (document, value id) pairs into its compressed rows, or its
 * one array when no document has two values. */
static void
pfkey_finish(struct pfkey *k, struct pfpair *pairs, size_t npairs,
    int64_t maxdoc, uint32_t *cnt)
{
	size_t		 j;
	uint32_t	 run = 0;

	memset(cnt, 0, ((size_t)maxdoc + 2) * sizeof *cnt);
	for (j = 0; j < npairs; j++)
		cnt[pairs[j].doc]++;
	for (j = 0; j <= (size_t)maxdoc && cnt[j] <= 1; j++)
		;
	if (j > (size_t)maxdoc) {
		/* One value a document at most (most keys): one array,
		 * read in one load a document when counting. */
		k->one = xcalloc((size_t)maxdoc + 1, sizeof *k->one);
		for (j = 0; j <= (size_t)maxdoc; j++)
			k->one[j] = PF_NONE;
		for (j = 0; j < npairs; j++)
			k->one[pairs[j].doc] = pairs[j].id;
		return;
	}
	k->off = xcalloc((size_t)maxdoc + 2, sizeof *k->off);
	for (j = 0; j <= (size_t)maxdoc; j++) {
		k->off[j] = run;
		run += cnt[j];
	}
	k->off[maxdoc + 1] = run;
	k->nvals = run;
	k->vals = xcalloc(run + 1, sizeof *k->vals);
	memset(cnt, 0, ((size_t)maxdoc + 2) * sizeof *cnt);
	for (j = 0; j < npairs; j++)
		k->vals[k->off[pairs[j].doc] + cnt[pairs[j].doc]++] =
		    pairs[j].id;
}

static struct pfacets *
pfacets_load(struct pindex *pi)
{
	sqlite3_stmt	*stmt;
	struct pfacets	*pf;
	struct pfkey	*k = NULL;
	const char	*key, *norm, *value;
	int64_t		 doc;
	size_t		 capid = 0;
	uint32_t	*cnt;
	struct pfpair	*pairs = NULL;
	size_t		 npairs = 0, cappairs = 0;

	if (sqlite3_prepare_v2(pi->db, "SELECT v.key, v.norm, min(v.value), "
	    "group_concat(d.doc) FROM fval v JOIN fdoc d ON d.val = v.id WHERE "
	    "v.key IN (SELECT json_extract(value, '$.key') FROM types, "
	    "json_each(types.facets) WHERE json_extract(value, '$.kind') IN "
	    "(0, 1) UNION SELECT 'type') GROUP BY v.key, v.norm ORDER BY "
	    "v.key, v.norm", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	pf = xcalloc(1, sizeof *pf);
	pf->maxdoc = pi->snap->maxdoc;
	cnt = xcalloc((size_t)pi->snap->maxdoc + 2, sizeof *cnt);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char	*docs, *p;
		char		*end;

		key = (const char *)sqlite3_column_text(stmt, 0);
		norm = (const char *)sqlite3_column_text(stmt, 1);
		value = (const char *)sqlite3_column_text(stmt, 2);
		docs = (const char *)sqlite3_column_text(stmt, 3);
		if (key == NULL || norm == NULL || value == NULL || docs == NULL)
			continue;
		if (k == NULL || strcmp(k->key, key) != 0) {
			/* the key before is complete: its pairs go */
			if (k != NULL)
				pfkey_finish(k, pairs, npairs, pi->snap->maxdoc,
				    cnt);
			npairs = 0;
			pf->k = xreallocarray(pf->k, pf->nk + 1, sizeof *pf->k);
			k = &pf->k[pf->nk++];
			memset(k, 0, sizeof *k);
			k->key = xstrdup(key);
			capid = 0;
		}
		if (k->nids == capid) {
			capid = capid == 0 ? 64 : capid * 2;
			k->value = xreallocarray(k->value, capid,
			    sizeof *k->value);
			k->norm = xreallocarray(k->norm, capid,
			    sizeof *k->norm);
		}
		k->value[k->nids] = xstrdup(value);
		k->norm[k->nids] = xstrdup(norm);
		for (p = docs; *p != '\0'; p = *end == ',' ? end + 1 : end) {
			doc = strtoll(p, &end, 10);
			if (end == p)
				break;
			if (doc < 0 || doc > pi->snap->maxdoc)
				continue;
			if (npairs == cappairs) {
				cappairs = cappairs == 0 ? 4096 : cappairs * 2;
				pairs = xreallocarray(pairs, cappairs,
				    sizeof *pairs);
			}
			pairs[npairs].doc = doc;
			pairs[npairs].id = (uint32_t)k->nids;
			npairs++;
		}
		k->nids++;
	}
	if (k != NULL)
		pfkey_finish(k, pairs, npairs, pi->snap->maxdoc, cnt);
	free(cnt);
	free(pairs);
	if (sqlite3_finalize(stmt) != SQLITE_OK) {
		pfacets_free(pf);
		return NULL;
	}
	return pf;
}

struct pfacets *
pindex_facets(struct pindex *pi)
{
	struct psnap	*sn = pi->snap;

	if (sn == NULL || !sn->ok)
		return NULL;
	pthread_mutex_lock(&sn->pf_lock);
	if (!sn->pf_done) {
		sn->pf = pfacets_load(pi);
		sn->pf_done = 1;
	}
	pthread_mutex_unlock(&sn->pf_lock);
	return sn->pf;
}

size_t
pfacets_nkeys(const struct pfacets *pf)
{
	return pf->nk;
}

const char *
pfacets_key(const struct pfacets *pf, size_t k)
{
	return pf->k[k].key;
}

/* The key's index, or -1. */
int
pfacets_find(const struct pfacets *pf, const char *key)
{
	size_t	 i;

	for (i = 0; i < pf->nk; i++)
		if (strcmp(pf->k[i].key, key) == 0)
			return (int)i;
	return -1;
}

size_t
pfacets_nids(const struct pfacets *pf, size_t k)
{
	return pf->k[k].nids;
}

const char *
pfacets_value(const struct pfacets *pf, size_t k, uint32_t id)
{
	return pf->k[k].value[id];
}

const char *
pfacets_norm(const struct pfacets *pf, size_t k, uint32_t id)
{
	return pf->k[k].norm[id];
}

/* The value ids doc has for key k: *n of them. */
const uint32_t *
pfacets_doc(const struct pfacets *pf, size_t k, int64_t doc, size_t *n)
{
	const struct pfkey	*fk = &pf->k[k];

	if (doc < 0 || doc > pf->maxdoc) {
		*n = 0;
		return NULL;
	}
	if (fk->one != NULL) {
		*n = fk->one[doc] != PF_NONE;
		return &fk->one[doc];
	}
	*n = fk->off[doc + 1] - fk->off[doc];
	return fk->vals + fk->off[doc];
}

/* For a key of one value a document at most, that value's id by rowid
 * (UINT32_MAX: none), rowids 0 to maxdoc; NULL for other keys. */
const uint32_t *
pfacets_single(const struct pfacets *pf, size_t k)
{
	return pf->k[k].one;
}

/* A zeroed array of one counter per value id of key k, for the caller to
 * use and zero again before it asks for another key's (the facets are
 * shared between threads; the counters are the thread's own). */
static _Thread_local struct {
	uint32_t	*v;
	size_t		 n;
} pf_counts;

void
pfacets_thread_done(void)
{
	free(pf_counts.v);
	pf_counts.v = NULL;
	pf_counts.n = 0;
}

uint32_t *
pfacets_counts(struct pfacets *pf, size_t k)
{
	if (pf_counts.n < pf->k[k].nids + 1) {
		free(pf_counts.v);
		pf_counts.n = pf->k[k].nids + 1;
		pf_counts.v = xcalloc(pf_counts.n, sizeof *pf_counts.v);
	}
	return pf_counts.v;
}

/*
 * The index's vocabulary for spelling corrections, shared by the readers
 * of one snapshot and read the first time one asks (most queries never
 * need it).  NULL when it cannot be read (logged once).
 */
const struct speller *
pindex_speller(struct pindex *pi)
{
	struct psnap	*sn = pi->snap;
	char		*cause = NULL;

	if (sn == NULL)
		return NULL;
	pthread_mutex_lock(&sn->sp_lock);
	if (!sn->sp_done) {
		sn->sp_done = 1;
		if ((sn->sp = vocab_load(pi->db, &cause)) == NULL) {
			log_warnx("%s", cause);
			free(cause);
		}
	}
	pthread_mutex_unlock(&sn->sp_lock);
	return sn->sp;
}

/* The documents the term's lists hold (tombstoned ones included), or 0;
 * -1 when they cannot be read. */
int64_t
pindex_df(struct pindex *pi, const char *term, size_t len)
{
	int64_t		 df = -1;

	if (pi->df == NULL && sqlite3_prepare_v3(pi->db, "SELECT total(df) "
	    "FROM post WHERE term = ?", -1, SQLITE_PREPARE_PERSISTENT, &pi->df,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_blob(pi->df, 1, term, (int)len, SQLITE_STATIC);
	if (sqlite3_step(pi->df) == SQLITE_ROW)
		df = sqlite3_column_int64(pi->df, 0);
	sqlite3_reset(pi->df);
	return df;
}
