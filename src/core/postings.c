/*
 * postings.c - the ranked-retrieval index: for each term, the documents
 * that hold it and how often in each column, in segments that the writer
 * appends and merges, read by search_fast.c to rank a query without FTS5's
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
 * This file is the reader: snapshots of the index shared by the threads
 * that search it, and cursors over the lists.  The writer and the merges
 * are postings_write.c, the facet values held in memory postings_facets.c.
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
#include "postings_int.h"

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

/* The index's generation, or NULL.  The declared facets count: they say
 * which keys the snapshot's facets hold (savoir sync declares « Origine »
 * without a document changing). */
static char *
p_generation(sqlite3 *db)
{
	sqlite3_stmt	*stmt;
	char		*gen = NULL;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT coalesce(max(id), 0) || "
	    "':' || count(*) || ':' || coalesce(sum(ndocs), 0) || ':' || "
	    "coalesce(max(maxdoc), 0) FROM pseg) || '/' || (SELECT count(*) "
	    "|| ':' || coalesce(sum(doc), 0) FROM ptomb) || '/' || (SELECT "
	    "coalesce(max(seq), 0) FROM changes) || '/' || (SELECT count(*) "
	    "|| ':' || coalesce(sum(length(facets)), 0) FROM types)", -1,
	    &stmt, NULL) != SQLITE_OK)
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

struct pfacets *
pindex_facets(struct pindex *pi)
{
	struct psnap	*sn = pi->snap;

	if (sn == NULL || !sn->ok)
		return NULL;
	pthread_mutex_lock(&sn->pf_lock);
	if (!sn->pf_done) {
		sn->pf = pfacets_load(pi->db, sn->maxdoc);
		sn->pf_done = 1;
	}
	pthread_mutex_unlock(&sn->pf_lock);
	return sn->pf;
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
