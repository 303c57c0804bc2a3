/*
 * cmd_bench.c - savoir bench-query: runs a list of queries in-process, as
 * the server runs them (facets, snippets, the JSON answer), and prints the
 * ranked ids of each with its time.  It feeds bench/relevance (relevance
 * and latency) and tests/integration/relevance.sh; it never writes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "savoir.h"

static void
bench_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir bench-query [--db FILE] [--synonyms FILE] "
	    "[--limit N]\n"
	    "                          [--repeat N] [--times FILE] "
	    "[--no-facets]\n"
	    "                          [--tune NAME=VALUE,...] < QUERIES\n\n"
	    "QUERIES has one query a line: 'qid<TAB>query' or "
	    "'qid<TAB>split<TAB>query'.\n"
	    "Prints 'qid<TAB>rank<TAB>id<TAB>score' for each hit; with "
	    "--times, each\nquery's fastest time over the --repeat passes "
	    "('qid<TAB>microseconds').\n");
}

struct bench_query {
	char	*qid;
	char	*text;
	int64_t	 best_us;
};

static int
us_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Read 'qid<TAB>[split<TAB>]query' lines; blank and '#' lines skipped. */
static struct bench_query *
bench_read(FILE *f, size_t *n)
{
	struct bench_query	*v = NULL;
	char			*line = NULL, *tab, *last;
	size_t			 cap = 0, len;
	ssize_t			 got;

	*n = 0;
	while ((got = getline(&line, &cap, f)) != -1) {
		len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#' ||
		    (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		last = strrchr(tab + 1, '\t');
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[*n].qid = xstrdup(line);
		v[*n].text = xstrdup(last != NULL ? last + 1 : tab + 1);
		v[*n].best_us = INT64_MAX;
		(*n)++;
	}
	free(line);
	return v;
}

/* CLI_FN for --tune NAME=VALUE,...: the ranking's knobs, for this run. */
static int
bench_tune(char *arg, void *out)
{
	char	*cause = NULL;

	if (search_tune(arg, &cause) == -1) {
		cli_usage_error("bench-query", "--tune: %s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

int
cmd_bench_query(int argc, char **argv)
{
	struct search_opts	 so;
	struct results		 res;
	struct store		*st = NULL;
	struct synonyms		*syn = NULL;
	struct bench_query	*qv = NULL;
	const char		*times_path = NULL;
	char			*cause = NULL, *out;
	FILE			*tf = NULL;
	json_t			*o;
	int64_t			 t0, dt, *us = NULL, total = 0;
	size_t			 nq = 0, i, k, pass;
	int			 limit = 10, repeat = 1, nofacets = 0, ret;
	struct cli_opt		 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_FN("synonyms", 's', cli_synonyms, &syn),
		CLI_OPT_INT("limit", 'l', &limit, 1, 100, ""),
		CLI_OPT_INT("repeat", 'r', &repeat, 1, 1000, ""),
		CLI_OPT_STR("times", 't', &times_path),
		CLI_OPT_FLAG("no-facets", 'F', &nofacets),
		CLI_OPT_FN("tune", 'T', bench_tune, NULL),
		CLI_OPT_END
	};

	if ((ret = cli_parse("bench-query", argc, argv, opts,
	    bench_usage)) != -1)
		goto out;
	ret = 2;
	if (optind != argc) {
		cli_usage_error("bench-query", "the queries come on the "
		    "standard input");
		goto out;
	}
	if ((qv = bench_read(stdin, &nq)) == NULL || nq == 0) {
		cli_usage_error("bench-query", "no 'qid<TAB>query' line on "
		    "the standard input");
		goto out;
	}
	if (times_path != NULL && (tf = fopen(times_path, "w")) == NULL) {
		fprintf(stderr, "savoir: %s: %s\n", times_path,
		    strerror(errno));
		goto out;
	}
	if ((st = cli_open(STORE_RDONLY)) == NULL)
		goto out;

	memset(&so, 0, sizeof so);
	so.limit = limit;
	so.want_facets = !nofacets;
	so.want_snippets = 1;
	so.synonyms = syn;
	for (pass = 0; pass < (size_t)repeat; pass++) {
		for (i = 0; i < nq; i++) {
			t0 = mono_us();
			if (search_run(st, qv[i].text, &so, &res,
			    &cause) == -1) {
				fprintf(stderr, "savoir: %s: %s\n", qv[i].qid,
				    cause);
				free(cause);
				goto out;
			}
			/* The answer the API would send, then dropped. */
			o = results_json(qv[i].text, &res, 1, limit);
			out = json_dumps(o, JSON_COMPACT);
			free(out);
			json_decref(o);
			dt = mono_us() - t0;
			if (dt < qv[i].best_us)
				qv[i].best_us = dt;
			if (pass == 0) {
				for (k = 0; k < res.nhits; k++)
					printf("%s\t%zu\t%s\t%.6g\n", qv[i].qid,
					    k + 1, res.hits[k].id,
					    res.hits[k].score);
			}
			results_clear(&res);
		}
	}
	us = xcalloc(nq, sizeof *us);
	for (i = 0; i < nq; i++) {
		us[i] = qv[i].best_us;
		total += us[i];
		if (tf != NULL)
			fprintf(tf, "%s\t%lld\n", qv[i].qid,
			    (long long)qv[i].best_us);
	}
	qsort(us, nq, sizeof *us, us_cmp);
	fprintf(stderr, "bench-query: %zu queries, best of %d: median %lld "
	    "us, p95 %lld us, max %lld us, mean %.0f us\n", nq, repeat,
	    (long long)us[nq / 2], (long long)us[(nq * 95) / 100 < nq ?
	    (nq * 95) / 100 : nq - 1], (long long)us[nq - 1],
	    (double)total / (double)nq);
	ret = fflush(stdout) == 0 && (tf == NULL || fflush(tf) == 0) ? 0 : 2;
out:
	if (tf != NULL)
		fclose(tf);
	store_close(st);
	for (i = 0; i < nq; i++) {
		free(qv[i].qid);
		free(qv[i].text);
	}
	free(qv);
	free(us);
	synonyms_free(syn);
	return ret;
}
