/*
 * store_offline.c - the offline copy of the index that a browser searches
 * when the server cannot be reached (www/static/offline-search.js): the
 * live documents (id, title, type label, the start of the body, type), their
 * norms, every term's postings as postings.c holds them, the word-to-term
 * map (each word of the vocabulary to the terms savoir_fr makes of it in a
 * query, so that the browser only folds and looks up, never stems), the
 * ranking parameters of search_fast.c and the synonym groups.
 *
 * The postings are written as text, one number after the other in "v32":
 * little-endian groups of 5 bits, one character each from B64 below, the
 * characters past the 32nd saying that more groups follow.  A posting is
 * the same record as in post.data (postings.c), its rowid replaced by the
 * delta of the document's index in "docs".
 *
 * It only reads, in one read transaction, and never ranks.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "savoir.h"
#include "store_int.h"
#include "search_int.h"

#define OFF_SUMMARY	160	/* characters of body kept as a summary */

static const char B64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
v32(struct buf *b, uint64_t v)
{
	do {
		buf_addc(b, B64[(v & 0x1f) | (v > 0x1f ? 0x20 : 0)]);
		v >>= 5;
	} while (v != 0);
}

char *
store_offline_version(struct store *st, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*epoch, *v;
	int64_t		 seq = 0;

	if ((stmt = store_stmt(st, "SELECT coalesce(max(seq), 0) FROM "
	    "changes")) == NULL) {
		xasprintf(cause, "offline: %s", sqlite3_errmsg(store_db(st)));
		return NULL;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seq = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	epoch = store_meta_get(st, "created");
	v = xsprintf("%s-%lld", epoch != NULL ? epoch : "0", (long long)seq);
	free(epoch);
	return v;
}

/* The start of a body, its runs of spaces made one, cut between words. */
static char *
off_summary(const char *s)
{
	struct buf	 b;
	size_t		 chars = 0;
	int		 space = 0;

	buf_init(&b);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = b.len > 0;
			continue;
		}
		if (((unsigned char)*s & 0xC0) != 0x80) {
			if (space && chars >= OFF_SUMMARY - 20)
				break;
			if (chars >= OFF_SUMMARY)
				break;
			if (space) {
				buf_addc(&b, ' ');
				chars++;
			}
			chars++;
		}
		space = 0;
		buf_addc(&b, *s);
	}
	if (s != NULL && *s != '\0')
		buf_adds(&b, " …");
	buf_addc(&b, '\0');
	return buf_steal(&b);
}

/* Tokens of a query word: the first position's terms, in order. */
struct off_toks {
	char	*t[4];
	int	 n;
	int	 maxpos;
};

static int
off_tok(void *arg, int pos, const char *term, int len, int start, int end)
{
	struct off_toks	*ot = arg;

	(void)start;
	(void)end;
	if (pos > ot->maxpos)
		ot->maxpos = pos;
	if (pos == 0 && ot->n < 4)
		ot->t[ot->n++] = xstrndup(term, (size_t)len);
	return SQLITE_OK;
}

static void
off_toks_free(struct off_toks *ot)
{
	while (ot->n > 0)
		free(ot->t[--ot->n]);
}

/* Is s anything but ASCII capitals (savoir_fr's acronym rule)? */
static int
off_not_capitals(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 'A' || *s > 'Z')
			return 1;
	return 0;
}

static json_t *
off_params(void)
{
	const struct rank_params	*p = &rank_params;

	return json_pack("{s:f,s:[f,f,f],s:[f,f,f],s:f,s:f,s:f,s:f,s:i}",
	    "k1", p->k1, "b", p->b[0], p->b[1], p->b[2], "w", p->w[0], p->w[1],
	    p->w[2], "cover", p->cover, "tphrase", p->tphrase, "syn", p->syn,
	    "prox", p->prox, "near", p->near);
}

static json_t *
off_synonyms(const struct synonyms *syn)
{
	json_t		*all = json_array(), *g = NULL;
	const char	*t;
	size_t		 i, group, last = (size_t)-1;

	for (i = 0; (t = synonyms_term(syn, i, &group)) != NULL; i++) {
		if (group != last) {
			g = json_array();
			json_array_append_new(all, g);
			last = group;
		}
		json_array_append_new(g, json_string(t));
	}
	return all;
}

int
store_offline_build(struct store *st, const struct synonyms *syn, size_t max,
    char **out, size_t *outlen, char **cause)
{
	sqlite3		*db = store_db(st);
	sqlite3_stmt	*stmt = NULL;
	struct pindex	*pi;
	struct plist	 l;
	struct buf	 pb;
	struct off_toks	 ot, of;
	json_t		*root = NULL, *docs, *norms, *terms, *dfs, *words;
	const uint8_t	*nr;
	int32_t		*dense = NULL;
	int64_t		 maxdoc, rowid, ndocs = 0;
	size_t		 i, k, bytes = 0;
	int		 rc, ret = -1, in_tx = 0, prev;
	char		*sum, *ver = NULL;
	const char	*id, *title, *label, *body, *type, *word, *form;

	*out = NULL;
	*outlen = 0;
	memset(&l, 0, sizeof l);
	buf_init(&pb);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		in_tx = 1;
	if ((pi = store_postings(st)) == NULL) {
		xasprintf(cause, "offline: the index has no postings "
		    "(index it again with this version)");
		goto out;
	}
	if ((ver = store_offline_version(st, cause)) == NULL)
		goto out;
	maxdoc = pindex_maxdoc(pi);
	if (maxdoc < 0 || maxdoc > 100000000) {
		xasprintf(cause, "offline: rowids up to %lld",
		    (long long)maxdoc);
		goto out;
	}
	dense = xreallocarray(NULL, (size_t)maxdoc + 1, sizeof *dense);
	for (i = 0; i <= (size_t)maxdoc; i++)
		dense[i] = -1;

	root = json_object();
	json_object_set_new(root, "format", json_integer(1));
	json_object_set_new(root, "version", json_string(ver));
	json_object_set_new(root, "params", off_params());
	json_object_set_new(root, "avg", json_pack("[f,f,f]", pindex_avg(pi,
	    0), pindex_avg(pi, 1), pindex_avg(pi, 2)));
	docs = json_array();
	norms = json_array();
	json_object_set_new(root, "docs", docs);
	json_object_set_new(root, "norms", norms);

	/* The documents the snapshot holds, in rowid order: ties rank the
	 * same way in the browser as on the server. */
	if (sqlite3_prepare_v2(db, "SELECT d.rowid, d.id, d.title, "
	    "coalesce((SELECT label FROM types t WHERE t.name = d.type), "
	    "d.type), substr(savoir_part(d.text, 2), 1, 400), d.type "
	    "FROM docs d ORDER BY d.rowid", -1, &stmt, NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(stmt, 0);
		if (rowid < 1 || rowid > maxdoc)
			continue;	/* written after the snapshot */
		nr = pindex_norms(pi, rowid);
		if (nr[3] == 0)
			continue;	/* not in the postings */
		id = (const char *)sqlite3_column_text(stmt, 1);
		title = (const char *)sqlite3_column_text(stmt, 2);
		label = (const char *)sqlite3_column_text(stmt, 3);
		body = (const char *)sqlite3_column_text(stmt, 4);
		type = (const char *)sqlite3_column_text(stmt, 5);
		sum = off_summary(body);
		json_array_append_new(docs, json_pack("[s,s,s,s,s]", id !=
		    NULL ? id : "", title != NULL ? title : "", label != NULL ?
		    label : "", sum, type != NULL ? type : ""));
		bytes += strlen(sum) + (title != NULL ? strlen(title) : 0) + 32;
		free(sum);
		for (k = 0; k < 4; k++)
			json_array_append_new(norms, json_integer(nr[k]));
		dense[rowid] = (int32_t)ndocs++;
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(stmt);
	stmt = NULL;
	json_object_set_new(root, "n", json_integer(pindex_ndocs(pi)));

	/* Every term's postings, and its df as the server counts it. */
	terms = json_object();
	dfs = json_object();
	json_object_set_new(root, "terms", terms);
	json_object_set_new(root, "df", dfs);
	if (sqlite3_prepare_v2(db, "SELECT term, total(df) FROM post GROUP BY "
	    "term", -1, &stmt, NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char	*term = sqlite3_column_blob(stmt, 0);
		size_t		 tlen;
		char		*key;

		tlen = (size_t)sqlite3_column_bytes(stmt, 0);
		if (term == NULL || tlen == 0 || memchr(term, '\0', tlen))
			continue;
		l.n = 0;
		if (pindex_list(pi, term, tlen, &l) == -1) {
			xasprintf(cause, "offline: postings of a term "
			    "unreadable");
			goto out;
		}
		buf_reset(&pb);
		prev = 0;
		for (i = 0; i < l.n; i++) {
			int	 d;

			if (l.doc[i] < 1 || l.doc[i] > maxdoc ||
			    (d = dense[l.doc[i]]) < 0)
				continue;
			v32(&pb, (uint64_t)(d - prev));
			prev = d;
			v32(&pb, (uint64_t)l.tf[i][2] << 2 |
			    (l.tf[i][1] > 0) << 1 | (l.tf[i][0] > 0));
			if (l.tf[i][0] > 0)
				v32(&pb, l.tf[i][0]);
			if (l.tf[i][1] > 0)
				v32(&pb, l.tf[i][1]);
			if (l.tf[i][2] > 0)
				v32(&pb, l.first[i]);
		}
		if (pb.len == 0)
			continue;
		key = xstrndup(term, tlen);
		buf_addc(&pb, '\0');
		json_object_set_new(terms, key, json_string(pb.data));
		json_object_set_new(dfs, key, json_integer(
		    sqlite3_column_int64(stmt, 1)));
		bytes += pb.len + 2 * tlen + 16;
		free(key);
		if (bytes > max) {
			xasprintf(cause, "offline: the index would be more "
			    "than %zu bytes", max);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(stmt);
	stmt = NULL;

	/*
	 * The word-to-term map: a word typed without accents is searched as
	 * stem(fold(w)), with its accents also as fold(stem(w)) (savoir_fr's
	 * colocated pair).  A word whose only term is itself is left out:
	 * the browser finds it among the terms.
	 */
	words = json_object();
	json_object_set_new(root, "words", words);
	if (sqlite3_prepare_v2(db, "SELECT word, form FROM vocab", -1, &stmt,
	    NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		word = (const char *)sqlite3_column_text(stmt, 0);
		form = (const char *)sqlite3_column_text(stmt, 1);
		if (word == NULL || form == NULL || *word == '\0')
			continue;
		memset(&ot, 0, sizeof ot);
		memset(&of, 0, sizeof of);
		if (pindex_tokenize(pi, word, strlen(word), 0, off_tok,
		    &ot) == -1) {
			xasprintf(cause, "offline: the tokenizer is missing");
			goto out;
		}
		if (ot.n == 0 || ot.maxpos != 0) {
			off_toks_free(&ot);
			continue;
		}
		if (strcmp(form, word) != 0 && off_not_capitals(form))
			pindex_tokenize(pi, form, strlen(form), 0, off_tok,
			    &of);
		if (of.n > 0 && of.maxpos == 0 && strcmp(of.t[0], ot.t[0]) !=
		    0) {
			json_object_set_new(words, word, json_pack("[s,s]",
			    ot.t[0], of.t[0]));
			bytes += strlen(word) + strlen(ot.t[0]) +
			    strlen(of.t[0]) + 10;
		} else if (strcmp(ot.t[0], word) != 0) {
			json_object_set_new(words, word, json_string(ot.t[0]));
			bytes += strlen(word) + strlen(ot.t[0]) + 6;
		}
		off_toks_free(&ot);
		off_toks_free(&of);
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(stmt);
	stmt = NULL;
	json_object_set_new(root, "synonyms", off_synonyms(syn));

	if (bytes > max) {
		xasprintf(cause, "offline: the index would be more than %zu "
		    "bytes", max);
		goto out;
	}
	if ((*out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(
	    9))) == NULL) {
		xasprintf(cause, "offline: out of memory");
		goto out;
	}
	*outlen = strlen(*out);
	if (*outlen > max) {
		free(*out);
		*out = NULL;
		*outlen = 0;
		xasprintf(cause, "offline: the index would be more than %zu "
		    "bytes", max);
		goto out;
	}
	ret = 0;
	goto out;
sqlfail:
	xasprintf(cause, "offline: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	json_decref(root);
	plist_free(&l);
	buf_free(&pb);
	free(dense);
	free(ver);
	return ret;
}
