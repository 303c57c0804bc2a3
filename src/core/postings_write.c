/*
 * postings_write.c - the writer of the ranked-retrieval index: it sees
 * each document's tokens through the tokenizer's capture (and its words,
 * for the vocabulary of store_vocab.c), keeps the pending documents' lists
 * in memory, writes them as a level-0 segment in the transaction that
 * stores the documents, and merges segments by levels so that a query
 * reads few of them.  The format is postings.c's (its opening comment);
 * postings.c reads it.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "postings_int.h"

#define PW_FLUSH_BYTES	(48u << 20)	/* pending postings flushed above */

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

static void
pw_grow_slots(struct pwriter *pw)
{
	size_t	 i;

	pw->slots = slots_grow(pw->slots, &pw->nslots, 4096);
	for (i = 0; i < pw->nterms; i++)
		slots_put(pw->slots, pw->nslots, pw->terms[i].hash, i);
}

static struct pterm *
pw_term(struct pwriter *pw, const char *s, size_t n)
{
	struct pterm	*t;
	uint32_t	 h = hash_fnv1a(s, n);
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
	slots_clear(pw->slots, pw->nslots);
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
