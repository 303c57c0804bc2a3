/*
 * facet.c - the filters of a search and its facets as people see them:
 * reading the filters from the query string (only keys the index knows),
 * the search address with a filter added or removed, and the facet groups
 * of a result page (their order, their labels read from the content
 * types' declarations, values as links that add or remove a filter).
 * Like routes.c it writes no HTML: it shapes JSON for the templates.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define FACET_MAX_VALUE		200	/* bytes of one filter value */
#define FACET_SHOWN		8	/* values of a facet before "more" */

/* Keys a filter may always use; the index's declared facets add more. */
static const char *const facet_filter_keys[] = {
	"type", "pays", "annee", "theme", "module", "code", NULL
};

/* The order facets appear in; others follow in the index's order. */
static const char *const facet_order[] = {
	"type", "module", "theme", "pays", "annee", "code", "statut",
	"type_collectivite", "financeur", NULL
};

static json_t *
facet_type_find(json_t *types, const char *name)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(types, i, t)
		if (strcmp(jstr_get(t, "name"), name) == 0)
			return t;
	return NULL;
}

const char *
facet_type_label(json_t *types, const char *name, int plural)
{
	json_t		*t = facet_type_find(types, name);
	const char	*s;

	if (t == NULL)
		return name;
	s = jstr_get(t, plural ? "label_plural" : "label");
	return *s != '\0' ? s : name;
}

/* A facet's declaration {key, label, kind}, the first type declaring it. */
static json_t *
facet_decl(json_t *types, const char *key)
{
	json_t	*t, *f;
	size_t	 i, j;

	json_array_foreach(types, i, t)
		json_array_foreach(json_object_get(t, "facets"), j, f)
			if (strcmp(jstr_get(f, "key"), key) == 0)
				return f;
	return NULL;
}

const char *
facet_label(json_t *types, const char *key)
{
	json_t	*f;

	if (strcmp(key, "type") == 0)
		return "Type de document";
	if ((f = facet_decl(types, key)) != NULL &&
	    *jstr_get(f, "label") != '\0')
		return jstr_get(f, "label");
	return key;
}

/* A facet value as people read it: types by their plural label. */
const char *
facet_value_label(json_t *types, const char *key, const char *value)
{
	if (strcmp(key, "type") == 0)
		return facet_type_label(types, value, 1);
	return value;
}

int
facet_key_known(json_t *types, const char *key)
{
	size_t	 i;

	for (i = 0; facet_filter_keys[i] != NULL; i++)
		if (strcmp(facet_filter_keys[i], key) == 0)
			return 1;
	return facet_decl(types, key) != NULL;
}

/*
 * The search URL for these parameters without filter drop (-1: none),
 * plus key=value when key is not NULL, at page (1: not written).
 */
char *
facet_url(const struct sparams *sp, ssize_t drop, const char *key,
    const char *value, long long page)
{
	struct buf	 b;
	size_t		 i;
	char		 num[24];

	buf_init(&b);
	buf_adds(&b, "/recherche");
	if (*sp->q != '\0')
		url_param(&b, "q", sp->q);
	for (i = 0; i < sp->n; i++)
		if ((ssize_t)i != drop)
			url_param(&b, sp->keys[i], sp->values[i]);
	if (key != NULL)
		url_param(&b, key, value);
	if (sp->exact)
		url_param(&b, "exact", "1");
	if (page > 1) {
		snprintf(num, sizeof num, "%lld", page);
		url_param(&b, "page", num);
	}
	return buf_steal(&b);
}

/* The filter of sp with this key and (folded) value, or -1. */
static ssize_t
facet_find(const struct sparams *sp, const char *key, const char *value)
{
	char	*fv, *fo;
	size_t	 i;
	ssize_t	 found = -1;

	fv = fmt_fold(value, strlen(value));
	for (i = 0; i < sp->n && found == -1; i++) {
		if (strcmp(sp->keys[i], key) != 0)
			continue;
		fo = fmt_fold(sp->values[i], strlen(sp->values[i]));
		if (strcmp(fo, fv) == 0)
			found = (ssize_t)i;
		free(fo);
	}
	free(fv);
	return found;
}

static int
facet_year_cmp(const void *a, const void *b)
{
	const struct facet_count *x = *(const struct facet_count *const *)a;
	const struct facet_count *y = *(const struct facet_count *const *)b;

	return strcmp(y->value, x->value);
}

/* One facet group: its values as links that add or remove the filter. */
static json_t *
facet_group(json_t *types, const struct sparams *sp,
    const struct results *res, const char *key)
{
	const struct facet_count	**v;
	json_t				*values, *more, *decl;
	size_t				 i, n = 0;
	ssize_t				 active;
	char				*url;

	v = xcalloc(res->nfacets, sizeof *v);
	for (i = 0; i < res->nfacets; i++)
		if (strcmp(res->facets[i].key, key) == 0)
			v[n++] = &res->facets[i];
	decl = facet_decl(types, key);
	if (decl != NULL && strcmp(jstr_get(decl, "kind"), "year") == 0)
		qsort(v, n, sizeof *v, facet_year_cmp);
	values = json_array();
	more = json_array();
	for (i = 0; i < n; i++) {
		active = facet_find(sp, key, v[i]->value);
		if (active >= 0)
			url = facet_url(sp, active, NULL, NULL, 1);
		else
			url = facet_url(sp, -1, key, v[i]->value, 1);
		/* Long lists fold after the first few; an active value stays
		 * in sight so that it can be removed. */
		json_array_append_new(i < FACET_SHOWN || active >= 0 ?
		    values : more, json_pack("{s:o,s:o,s:o,s:b}",
		    "label", jstr(facet_value_label(types, key, v[i]->value)),
		    "count", jstr_free(fmt_int(v[i]->count)), "url",
		    jstr_free(url), "active", active >= 0));
	}
	free(v);
	return json_pack("{s:o,s:o,s:o,s:o,s:I,s:o}", "key", jstr(key),
	    "label", jstr(facet_label(types, key)), "values", values, "more",
	    more, "more_count", (json_int_t)json_array_size(more),
	    "more_label", jstr_free(json_array_size(more) == 1 ?
	    xstrdup("1 autre valeur") : xsprintf("%zu autres valeurs",
	    json_array_size(more))));
}

static int
facet_key_cmp(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a;
	const char	*y = *(const char *const *)b;
	int		 rx = fmt_rank(facet_order, x), ry = fmt_rank(facet_order, y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

json_t *
facet_groups(json_t *types, const struct sparams *sp,
    const struct results *res)
{
	const char	**keys;
	json_t		*groups = json_array();
	size_t		 i, j, n = 0;

	keys = xcalloc(res->nfacets + 1, sizeof *keys);
	for (i = 0; i < res->nfacets; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(keys[j], res->facets[i].key) == 0)
				break;
		if (j == n)
			keys[n++] = res->facets[i].key;
	}
	qsort(keys, n, sizeof *keys, facet_key_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(groups, facet_group(types, sp, res,
		    keys[i]));
	free(keys);
	return groups;
}

/* Read q and the filters; 0, or -1 with a 400 sent. */
int
facet_params(struct req *q, json_t *types, struct sparams *sp)
{
	struct evkeyval	*kv;
	const char	*s;

	memset(sp, 0, sizeof *sp);
	if ((sp->q = http_arg(q, "q")) == NULL)
		sp->q = "";
	sp->exact = (s = http_arg(q, "exact")) != NULL &&
	    strcmp(s, "1") == 0;
	if (strlen(sp->q) > ROUTE_MAX_QUERY) {
		http_error(q, 400, "bad_parameter", "La recherche est trop "
		    "longue : raccourcissez-la.");
		return -1;
	}
	TAILQ_FOREACH(kv, &q->args, next) {
		if (strcmp(kv->key, "q") == 0 || strcmp(kv->key, "page") == 0 ||
		    *kv->value == '\0' || !facet_key_known(types, kv->key))
			continue;
		if (strlen(kv->value) > FACET_MAX_VALUE) {
			http_error(q, 400, "bad_parameter", "Une valeur de "
			    "filtre est trop longue.");
			return -1;
		}
		if (facet_find(sp, kv->key, kv->value) >= 0)
			continue;	/* the same filter twice */
		if (sp->n == FACET_MAX_FILTERS) {
			http_error(q, 400, "bad_parameter", "Trop de filtres "
			    "dans une même recherche.");
			return -1;
		}
		sp->keys[sp->n] = kv->key;
		sp->values[sp->n] = kv->value;
		sp->n++;
	}
	return 0;
}
