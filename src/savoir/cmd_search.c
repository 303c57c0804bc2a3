/*
 * cmd_search.c - savoir search: ranked hits as text or JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "savoir.h"

static void
search_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir search [--db FILE] [--json] [--limit N] "
	    "[--page N]\n"
	    "                     [--filter KEY=VALUE]... [--synonyms FILE] "
	    "QUERY...\n\n"
	    "Words (all first, then the closest matches), \"a phrase\", a OR b, "
	    "-word,\nprefix*, key:value filters (type:, pays:, annee:, theme:, "
	    "module:, code:),\narticle references (L1115-1, L. 1115-1).\n");
}

/*
 * Snippets are stored as HTML (escaped text with <mark>); on a terminal
 * show marks in bold, elsewhere between [ and ].
 */
static void
print_snippet(const char *html, int tty)
{
	static const struct {
		const char	*from;
		const char	*to;
	} ent[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" },
	};
	const char	*p;
	size_t		 i, n;

	for (p = html; *p != '\0'; ) {
		if (strncmp(p, "<mark>", 6) == 0) {
			fputs(tty ? "\033[1m" : "[", stdout);
			p += 6;
			continue;
		}
		if (strncmp(p, "</mark>", 7) == 0) {
			fputs(tty ? "\033[0m" : "]", stdout);
			p += 7;
			continue;
		}
		for (i = 0; i < sizeof ent / sizeof ent[0]; i++) {
			n = strlen(ent[i].from);
			if (strncmp(p, ent[i].from, n) == 0)
				break;
		}
		if (i < sizeof ent / sizeof ent[0]) {
			fputs(ent[i].to, stdout);
			p += strlen(ent[i].from);
		} else
			putchar(*p++);
	}
}

json_t *
results_json(const char *q, const struct results *r, int page, int limit)
{
	json_t	*o, *hits, *facets, *vals, *notices;
	size_t	 i;

	hits = json_array();
	for (i = 0; i < r->nhits; i++)
		json_array_append_new(hits, json_pack("{s:s,s:s,s:s,s:s,s:s,"
		    "s:f,s:i}", "id", r->hits[i].id, "type", r->hits[i].type,
		    "title", r->hits[i].title, "snippet", r->hits[i].snippet,
		    "breadcrumb", r->hits[i].breadcrumb, "score",
		    r->hits[i].score, "matched", r->hits[i].matched));
	facets = json_object();
	for (i = 0; i < r->nfacets; i++) {
		vals = json_object_get(facets, r->facets[i].key);
		if (vals == NULL) {
			vals = json_array();
			json_object_set_new(facets, r->facets[i].key, vals);
		}
		json_array_append_new(vals, json_pack("{s:s,s:I}", "value",
		    r->facets[i].value, "count", (json_int_t)r->facets[i].count));
	}
	notices = json_array();
	for (i = 0; i < r->nnotices; i++)
		json_array_append_new(notices, json_string(r->notices[i]));
	o = json_pack("{s:s,s:I,s:f,s:i,s:i,s:b,s:b,s:o,s:o,s:o}", "query", q,
	    "total", (json_int_t)r->total, "took_ms", r->took_us / 1000.0,
	    "page", page, "limit", limit, "partial", r->partial, "timeout",
	    r->timeout, "hits", hits, "facets", facets, "notices", notices);
	if (r->corrected != NULL)
		json_object_set_new(o, "corrected", json_string(r->corrected));
	if (r->suggestion != NULL)
		json_object_set_new(o, "suggestion",
		    json_string(r->suggestion));
	return o;
}

/* CLI_FN for --filter KEY=VALUE: append KEY, VALUE to the NULL-ended list
 * *(const char ***)out. */
static int
search_filter(char *arg, void *out)
{
	const char	***filters = out;
	char		  *eq;
	size_t		   nf;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg || eq[1] == '\0') {
		cli_usage_error("search", "--filter wants KEY=VALUE, not '%s'",
		    arg);
		return -1;
	}
	*eq = '\0';
	for (nf = 0; *filters != NULL && (*filters)[nf] != NULL; nf++)
		;
	*filters = (const char **)xreallocarray(*filters, nf + 3,
	    sizeof **filters);
	(*filters)[nf++] = arg;
	(*filters)[nf++] = eq + 1;
	(*filters)[nf] = NULL;
	return 0;
}

int
cmd_search(int argc, char **argv)
{
	struct search_opts	 so;
	struct results		 res;
	struct store		*st;
	struct synonyms		*syn = NULL;
	struct buf		 q;
	const char		**filters = NULL;
	char			*cause = NULL;
	size_t			 i;
	int			 json = 0, page = 1, limit = 10, tty, ret;
	json_t			*o;
	struct cli_opt		 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_FLAG("json", 'j', &json),
		CLI_OPT_INT("limit", 'l', &limit, 1, 100, ""),
		CLI_OPT_INT("page", 'p', &page, 1, 10000, ""),
		CLI_OPT_FN("filter", 'f', search_filter, &filters),
		CLI_OPT_FN("synonyms", 's', cli_synonyms, &syn),
		CLI_OPT_END
	};

	buf_init(&q);
	if ((ret = cli_parse("search", argc, argv, opts,
	    search_usage)) != -1) {
		free(filters);
		synonyms_free(syn);
		return ret;
	}
	ret = 0;
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (q.len > 0)
			buf_addc(&q, ' ');
		buf_adds(&q, argv[i]);
	}
	if (q.len == 0 && filters == NULL) {
		cli_usage_error("search", "what to search? e.g. savoir search "
		    "'coopération décentralisée'");
		synonyms_free(syn);
		return 2;
	}
	if (cli_config_synonyms(&syn) == -1 ||
	    (st = cli_open(STORE_RDONLY)) == NULL) {
		buf_free(&q);
		free(filters);
		synonyms_free(syn);
		return 2;
	}
	memset(&so, 0, sizeof so);
	so.limit = limit;
	so.offset = (page - 1) * limit;
	so.want_facets = json;
	so.want_snippets = 1;
	so.budget_ms = 10000;
	so.filters = filters;
	so.synonyms = syn;
	if (search_run(st, q.data != NULL ? q.data : "", &so, &res,
	    &cause) == -1) {
		cli_cause(cause);
		ret = 2;
		goto out;
	}
	if (json) {
		o = results_json(q.data != NULL ? q.data : "", &res, page,
		    limit);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0);
		putchar('\n');
		json_decref(o);
	} else {
		tty = isatty(STDOUT_FILENO);
		if (res.corrected != NULL)
			printf("Résultats pour « %s ».\n", res.corrected);
		if (res.suggestion != NULL)
			printf("Vouliez-vous dire « %s » ?\n", res.suggestion);
		for (i = 0; i < res.nnotices; i++)
			printf("%s\n", res.notices[i]);
		printf("%lld résultat%s (%.1f ms)\n", (long long)res.total,
		    res.total > 1 ? "s" : "", res.took_us / 1000.0);
		for (i = 0; i < res.nhits; i++) {
			printf("\n%zu. %s%s%s  [%s]  %s\n   ",
			    (size_t)so.offset + i + 1, tty ? "\033[1m" : "",
			    res.hits[i].title, tty ? "\033[0m" : "",
			    res.hits[i].breadcrumb, res.hits[i].id);
			print_snippet(res.hits[i].snippet, tty);
			putchar('\n');
		}
	}
	results_clear(&res);
out:
	store_close(st);
	buf_free(&q);
	free(filters);
	synonyms_free(syn);
	return ret;
}
