/*
 * query_write.c - the parsed query (query.c) written out: as FTS5 MATCH
 * expressions (every term a double-quoted FTS5 string, only this file's
 * own operators outside quotes), with the synonyms of the configuration
 * added as OR alternatives, and as the normalized text a page shows.
 * Like query.c it never runs a query and never touches a database.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "query_int.h"

/* A unit counted for coverage and required by query_fts_all(). */
static int
q_significant(const struct qnode *n)
{
	switch (n->kind) {
	case Q_WORD:
		return !n->stopword;
	case Q_PHRASE:
	case Q_PREFIX:
	case Q_ARTICLE:
		return 1;
	case Q_OR:
		return n->synonyms != Q_SYN_EXTRA;
	default:
		return 0;
	}
}

/*
 * Is n one of the positive units?  Stopwords are, only when the query has
 * nothing else.
 */
static int
q_positive(const struct query *q, const struct qnode *n)
{
	size_t	 i;

	if (q_significant(n))
		return 1;
	if (n->kind != Q_WORD)
		return 0;
	for (i = 0; i < q->nnodes; i++) {
		if (q_significant(q->nodes[i]))
			return 0;
	}
	return 1;
}

/* Is n written in the expression: the positive units, and in "any" the
 * optional synonyms of a run of words too. */
static int
q_in_expr(const struct query *q, const struct qnode *n, int all)
{
	if (n->synonyms == Q_SYN_EXTRA)
		return !all;
	return q_positive(q, n);
}

/* The coverage unit of node i. */
static long
q_unit(const struct query *q, size_t i)
{
	const struct qnode	*n = q->nodes[i];

	return n->synonyms == Q_SYN_EXTRA ? (long)(i - n->alias) : (long)i;
}

size_t
query_units(const struct query *q)
{
	size_t	 i, units = 0;

	for (i = 0; q != NULL && i < q->nnodes; i++)
		units += q_positive(q, q->nodes[i]);
	return units;
}

/* An FTS5 string: the only way input text enters an expression. */
static void
q_fts_string(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/*
 * One unit.  An article is a plain string: savoir_fr indexes "L1115-1" and
 * "L. 1115-1" alike as one token.
 */
static void
q_fts_term(struct buf *b, const struct qnode *n, struct buf *map,
    long unit, int syn)
{
	size_t		 i;

	switch (n->kind) {
	case Q_PREFIX:
		q_fts_string(b, n->text);
		buf_adds(b, " *");
		break;
	case Q_OR:
		if (n->nkids == 1) {
			q_fts_term(b, n->kids[0], map, unit,
			    syn || n->synonyms == Q_SYN_EXTRA);
			return;
		}
		buf_addc(b, '(');
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				buf_adds(b, " OR ");
			/* Past what was typed, a synonym group's terms. */
			q_fts_term(b, n->kids[i], map, unit, syn ||
			    n->synonyms == Q_SYN_EXTRA ||
			    (n->synonyms == Q_SYN_GROUP && i > 0));
		}
		buf_addc(b, ')');
		return;
	default:
		q_fts_string(b, n->text != NULL ? n->text : "");
		break;
	}
	/* One FTS5 phrase was written: record whose it is, and whether it
	 * is a synonym of what was typed ("s"). */
	if (map != NULL)
		buf_printf(map, "%s%ld%s", map->len > 0 ? "," : "", unit,
		    syn ? "s" : "");
}

/*
 * Write the expression.  all: every positive unit ANDed.  any: phrases
 * ANDed with the OR of the other units.  Exclusions become "P NOT N" (FTS5's
 * NOT is binary), with N the OR of everything excluded.
 */
static char *
q_fts(const struct query *q, int all, struct buf *map)
{
	struct buf		 pos, neg, out;
	const struct qnode	*n;
	size_t			 i, k, nparts = 0, nothers = 0, nneg = 0;
	int			 or_top = 0;

	if (q == NULL)
		return NULL;
	buf_init(&pos);
	buf_init(&neg);
	buf_init(&out);
	/* Phrases are numbered in the order they are written: positive
	 * ones first, then excluded ones; the map follows that order. */
	for (i = 0; i < q->nnodes; i++) {
		n = q->nodes[i];
		if (!q_in_expr(q, n, all))
			continue;
		if (!all && n->kind != Q_PHRASE) {
			nothers++;
			continue;
		}
		if (nparts++ > 0)
			buf_adds(&pos, " AND ");
		q_fts_term(&pos, n, map, q_unit(q, i), 0);
	}
	if (nothers > 0) {
		if (nparts > 0)
			buf_adds(&pos, nothers > 1 ? " AND (" : " AND ");
		for (i = 0, k = 0; i < q->nnodes; i++) {
			n = q->nodes[i];
			if (!q_in_expr(q, n, all) || n->kind == Q_PHRASE)
				continue;
			if (k++ > 0)
				buf_adds(&pos, " OR ");
			q_fts_term(&pos, n, map, q_unit(q, i), 0);
		}
		if (nparts > 0 && nothers > 1)
			buf_addc(&pos, ')');
		or_top = nparts == 0 && nothers > 1;
		nparts++;
	}
	if (nparts == 0) {
		buf_free(&pos);
		return NULL;
	}
	for (i = 0; i < q->nnodes; i++) {
		n = q->nodes[i];
		if (n->kind != Q_NOT)
			continue;
		for (k = 0; k < n->nkids; k++) {
			if (nneg++ > 0)
				buf_adds(&neg, " OR ");
			q_fts_term(&neg, n->kids[k], map, -1, 0);
		}
	}
	if (nneg == 0)
		return buf_steal(&pos);
	if (nparts > 1 || or_top)
		buf_printf(&out, "(%s)", pos.data);
	else
		buf_adds(&out, pos.data);
	if (nneg > 1)
		buf_printf(&out, " NOT (%s)", neg.data);
	else
		buf_printf(&out, " NOT %s", neg.data);
	buf_free(&pos);
	buf_free(&neg);
	return buf_steal(&out);
}

char *
query_fts_all(const struct query *q)
{
	return q_fts(q, 1, NULL);
}

char *
query_fts_any(const struct query *q)
{
	return q_fts(q, 0, NULL);
}

char *
query_fts_any_units(const struct query *q, char **units)
{
	struct buf	 map;
	char		*fts;

	buf_init(&map);
	fts = q_fts(q, 0, &map);
	*units = buf_steal(&map);
	return fts;
}

/* --- synonyms ----------------------------------------------------------- */

/* A node for one term of a synonym group: a word, or a phrase. */
static struct qnode *
q_syn_node(const char *text)
{
	char		*f;
	struct qnode	*n;

	f = q_fold(text, strlen(text));
	n = q_node_new(strchr(f, ' ') != NULL ? Q_PHRASE : Q_WORD,
	    xstrdup(text));
	free(f);
	return n;
}

/* Do the folded words of term hold the folded words w, whole? */
static int
q_contains_words(const char *term, const char *w)
{
	char		*f;
	const char	*p;
	size_t		 n = strlen(w);
	int		 found = 0;

	f = q_fold(term, strlen(term));
	for (p = f; n > 0 && (p = strstr(p, w)) != NULL; p++) {
		if ((p == f || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) {
			found = 1;
			break;
		}
	}
	free(f);
	return found;
}

/*
 * The longest run of plain words starting at node i that is a synonym
 * term: its length in nodes (0: none) and its group, the term first.
 */
static size_t
q_syn_match(const struct query *q, size_t i, const struct synonyms *syn,
    const char ***others)
{
	struct buf	 run;
	const char	**found;
	size_t		 j, best = 0, max = synonyms_max_words(syn);
	char		*f;

	*others = NULL;
	buf_init(&run);
	/* A word may fold to several ("Saint-Louis"): count words. */
	for (j = i; j < q->nnodes && q->nodes[j]->kind == Q_WORD; j++) {
		f = q_fold(q->nodes[j]->text, strlen(q->nodes[j]->text));
		if (run.len > 0)
			buf_addc(&run, ' ');
		buf_adds(&run, f);
		free(f);
		if ((found = synonyms_lookup(syn, run.data)) != NULL) {
			free(*others);
			*others = found;
			best = j - i + 1;
		}
		if (j - i + 1 >= max)
			break;
	}
	buf_free(&run);
	/* A lone stopword is never widened ("on", "est"...). */
	if (best == 1 && (q->nodes[i]->stopword ||
	    q->nodes[i]->kind != Q_WORD)) {
		free(*others);
		*others = NULL;
		best = 0;
	}
	return best;
}

void
query_expand(struct query *q, const struct synonyms *syn)
{
	struct qnode	*or;
	struct buf	 also;
	const char	**group;
	char		*typed;
	size_t		 i, len, k;

	if (q == NULL || synonyms_count(syn) == 0)
		return;
	for (i = 0; i < q->nnodes; i++) {
		if (q->nodes[i]->synonyms ||
		    (len = q_syn_match(q, i, syn, &group)) == 0)
			continue;
		or = q_node_new(Q_OR, NULL);
		buf_init(&also);
		typed = q_fold(group[0], strlen(group[0]));
		for (k = 1; group[k] != NULL; k++) {
			/* "arrêt SOS Méditerranée" finds nothing that "SOS
			 * Méditerranée" does not: it would only add weight. */
			if (q_contains_words(group[k], typed))
				continue;
			q_node_adopt(or, q_syn_node(group[k]));
			buf_printf(&also, "%s« %s »", also.len > 0 ? ", " : "",
			    group[k]);
		}
		free(typed);
		if (or->nkids > 0)
			q_notice(q, "« %s » est aussi cherché sous : %s.",
			    len > 1 ? group[0] : q->nodes[i]->text, also.data);
		buf_free(&also);
		free(group);
		if (or->nkids == 0) {
			q_node_free(or);
			continue;
		}
		if (len == 1) {
			/* One word: it becomes its group, typed form first. */
			or->synonyms = Q_SYN_GROUP;
			or->kids = xreallocarray(or->kids, or->nkids + 1,
			    sizeof *or->kids);
			memmove(or->kids + 1, or->kids, or->nkids *
			    sizeof *or->kids);
			or->kids[0] = q->nodes[i];
			or->nkids++;
			q->nodes[i] = or;
			continue;
		}
		/* A run of words stays as typed (each word still counts on
		 * its own); the other terms follow as an optional unit that
		 * counts as the run's first word. */
		or->synonyms = Q_SYN_EXTRA;
		or->alias = len;
		q->nodes = xreallocarray(q->nodes, q->nnodes + 1,
		    sizeof *q->nodes);
		memmove(q->nodes + i + len + 1, q->nodes + i + len,
		    (q->nnodes - i - len) * sizeof *q->nodes);
		q->nodes[i + len] = or;
		q->nnodes++;
		i += len;
	}
}

/* Quote s for query_describe(), with a quote style s does not contain. */
static void
q_describe_quoted(struct buf *b, const char *s)
{
	if (strchr(s, '"') == NULL && strstr(s, "\xE2\x80\x9D") == NULL)
		buf_printf(b, "\"%s\"", s);
	else if (strstr(s, "\xC2\xBB") == NULL)
		buf_printf(b, "\xC2\xAB%s\xC2\xBB", s);
	else
		buf_printf(b, "\xE2\x80\x9E%s\xE2\x80\x9D", s);
}

/* Can a filter value be written unquoted and read back the same? */
static int
q_plain_value(const char *s)
{
	uint32_t	 c;
	size_t		 n = strlen(s), i = 0, l;

	if (n == 0 || strchr(",;.!?)]}", s[n - 1]) != NULL)
		return 0;
	while ((l = q_cp(s, n, i, &c)) != 0) {
		if (q_is_space(c) || q_is_quote(c))
			return 0;
		i += l;
	}
	return 1;
}

static void
q_describe_node(struct buf *b, const struct qnode *n)
{
	const char	*s;
	size_t		 i;

	switch (n->kind) {
	case Q_WORD:
		buf_adds(b, n->text);
		break;
	case Q_PHRASE:
		q_describe_quoted(b, n->text);
		break;
	case Q_PREFIX:
		buf_printf(b, "%s*", n->text);
		break;
	case Q_ARTICLE:
		buf_adds(b, n->text);
		if (n->key != NULL) {
			buf_adds(b, " du ");
			for (s = n->key; *s != '\0'; s++)
				buf_addc(b, *s >= 'a' && *s <= 'z' ?
				    (char)(*s - 'a' + 'A') : *s);
		}
		break;
	case Q_OR:
		if (n->synonyms == Q_SYN_GROUP) {
			/* What was typed, not what it was widened to. */
			q_describe_node(b, n->kids[0]);
			break;
		}
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				buf_adds(b, " OR ");
			q_describe_node(b, n->kids[i]);
		}
		break;
	case Q_NOT:
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				buf_addc(b, ' ');
			buf_addc(b, '-');
			q_describe_node(b, n->kids[i]);
		}
		break;
	case Q_FILTER:
		buf_printf(b, "%s:", n->key);
		if (q_plain_value(n->text))
			buf_adds(b, n->text);
		else
			q_describe_quoted(b, n->text);
		break;
	}
}

char *
query_describe(const struct query *q)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; q != NULL && i < q->nnodes; i++) {
		if (q->nodes[i]->synonyms == Q_SYN_EXTRA)
			continue;
		if (b.len > 0)
			buf_addc(&b, ' ');
		q_describe_node(&b, q->nodes[i]);
	}
	return buf_steal(&b);
}
