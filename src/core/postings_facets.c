/*
 * postings_facets.c - the facet values of every document of a snapshot
 * (postings.c), held in memory so that a search counts and filters them
 * without SQL: loaded once a snapshot by pindex_facets, in one pass over
 * the facets table, then only read, by any number of threads.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "postings_int.h"

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

void
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

struct pfacets *
pfacets_load(sqlite3 *db, int64_t maxdoc)
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

	if (sqlite3_prepare_v2(db, "SELECT v.key, v.norm, min(v.value), "
	    "group_concat(d.doc) FROM fval v JOIN fdoc d ON d.val = v.id WHERE "
	    "v.key IN (SELECT json_extract(value, '$.key') FROM types, "
	    "json_each(types.facets) WHERE json_extract(value, '$.kind') IN "
	    "(0, 1) UNION SELECT 'type') GROUP BY v.key, v.norm ORDER BY "
	    "v.key, v.norm", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	pf = xcalloc(1, sizeof *pf);
	pf->maxdoc = maxdoc;
	cnt = xcalloc((size_t)maxdoc + 2, sizeof *cnt);
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
				pfkey_finish(k, pairs, npairs, maxdoc,
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
			if (doc < 0 || doc > maxdoc)
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
		pfkey_finish(k, pairs, npairs, maxdoc, cnt);
	free(cnt);
	free(pairs);
	if (sqlite3_finalize(stmt) != SQLITE_OK) {
		pfacets_free(pf);
		return NULL;
	}
	return pf;
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
