/*
 * cmd_info.c - savoir stats, check and plugins: what is in the index,
 * whether it is sound, and which plugins this installation has.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "savoir.h"

static void
info_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir %s [--db FILE] [--json]\n", cmd);
}

/* The common case: [--db FILE] [--json] and no operand. */
static int
info_args(const char *cmd, int argc, char **argv, int *json)
{
	struct cli_opt	 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_FLAG("json", 'j', json),
		CLI_OPT_END
	};
	int		 ret;

	*json = 0;
	if ((ret = cli_parse(cmd, argc, argv, opts, info_usage)) != -1)
		return ret;
	if (optind != argc) {
		cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return -1;
}

static int64_t
file_size(const char *path)
{
	struct stat	 sb;

	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int
cmd_stats(int argc, char **argv)
{
	struct store		*st;
	struct store_type	*tv;
	struct store_stats	 ss;
	json_t			*o, *types, *last;
	char			*wal, *lastidx, *cause = NULL, when[64];
	int64_t			 size, ndocs = 0, nsrc, nfail, nlinks;
	size_t			 ntv, j;
	time_t			 t;
	int			 json, ret;

	if ((ret = info_args("stats", argc, argv, &json)) != -1)
		return ret;
	if ((st = cli_open(STORE_RDONLY)) == NULL)
		return 2;
	if (store_type_counts(st, 1, &tv, &ntv, &cause) == -1 ||
	    store_stats(st, &ss, &cause) == -1) {
		fprintf(stderr, "savoir: cannot read %s: %s\n", cli.db, cause);
		free(cause);
		store_close(st);
		return 2;
	}
	types = json_array();
	for (j = 0; j < ntv; j++) {
		json_array_append_new(types, json_pack("{s:s,s:s,s:I}",
		    "type", tv[j].name, "label", tv[j].label_plural,
		    "documents", (json_int_t)tv[j].count));
		ndocs += tv[j].count;
	}
	store_types_free(tv, ntv);
	nsrc = ss.sources;
	nfail = ss.failed;
	nlinks = ss.links;
	wal = xsprintf("%s-wal", cli.db);
	size = file_size(cli.db) + file_size(wal);
	free(wal);
	lastidx = store_meta_get(st, "last_index");
	last = lastidx != NULL ? json_loads(lastidx, 0, NULL) : NULL;
	free(lastidx);
	if (json) {
		o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "db", cli.db,
		    "size", (json_int_t)size, "documents", (json_int_t)ndocs,
		    "sources", (json_int_t)nsrc, "failed", (json_int_t)nfail,
		    "links", (json_int_t)nlinks, "types", types, "last_index",
		    last != NULL ? last : json_null());
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		size_t	 i;
		json_t	*v;

		printf("index      %s (%.1f MB)\n", cli.db, size / 1e6);
		printf("documents  %lld from %lld files (%lld not indexed), "
		    "%lld links\n", (long long)ndocs, (long long)nsrc,
		    (long long)nfail, (long long)nlinks);
		json_array_foreach(types, i, v)
			printf("  %-28s %6lld  (%s)\n", json_string_value(
			    json_object_get(v, "label")), (long long)
			    json_integer_value(json_object_get(v, "documents")),
			    json_string_value(json_object_get(v, "type")));
		if (last != NULL) {
			t = (time_t)(json_integer_value(json_object_get(last,
			    "at")) / 1000);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z",
			    localtime(&t));
			printf("last index %s: %lld files, %lld read, %lld "
			    "failed, %lld removed, %lld ms\n", when,
			    (long long)json_integer_value(json_object_get(last,
			    "files")), (long long)json_integer_value(
			    json_object_get(last, "indexed")), (long long)
			    json_integer_value(json_object_get(last, "failed")),
			    (long long)json_integer_value(json_object_get(last,
			    "removed")), (long long)json_integer_value(
			    json_object_get(last, "ms")));
		} else
			printf("last index never\n");
		json_decref(types);
		json_decref(last);
	}
	store_close(st);
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	struct store	*st;
	struct buf	 out;
	int		 json, ret, n;

	if ((ret = info_args("check", argc, argv, &json)) != -1)
		return ret;
	/* FTS5's integrity-check is an INSERT: it needs a writable handle,
	 * though it changes nothing. */
	if ((st = cli_open(0)) == NULL)
		return 2;
	buf_init(&out);
	n = store_check(st, &out);
	if (n == -1) {
		fprintf(stderr, "savoir: check failed: %s\n",
		    store_errmsg(st));
		ret = 2;
	} else if (n > 0) {
		fputs(out.data, stdout);
		printf("%s: %d problem%s found\n", cli.db, n, n > 1 ? "s" : "");
		ret = 1;
	} else {
		printf("%s: ok (schema %d, SQLite and FTS5 integrity checks "
		    "passed)\n", cli.db, STORE_SCHEMA_VERSION);
		ret = 0;
	}
	buf_free(&out);
	store_close(st);
	return ret;
}

int
cmd_plugins(int argc, char **argv)
{
	const struct savoir_plugin	*d;
	const struct savoir_type_decl	*t;
	const struct savoir_facet_decl	*f;
	const char *const		*e;
	struct plugins			*pl;
	json_t				*a, *types, *facets, *exts;
	size_t				 i;
	int				 json, ret;

	if ((ret = info_args("plugins", argc, argv, &json)) != -1)
		return ret;
	pl = plugins_load(cli.plugins);
	if (json) {
		a = json_array();
		for (i = 0; i < pl->n; i++) {
			d = pl->v[i].desc;
			types = json_array();
			for (t = d->types; t->name != NULL; t++) {
				facets = json_array();
				for (f = t->facets; f != NULL && f->key != NULL;
				    f++)
					json_array_append_new(facets, json_pack(
					    "{s:s,s:s,s:i}", "key", f->key,
					    "label", f->label, "kind", f->kind));
				json_array_append_new(types, json_pack("{s:s,"
				    "s:s,s:o}", "name", t->name, "label",
				    t->label, "facets", facets));
			}
			exts = json_array();
			for (e = d->extensions; e != NULL && *e != NULL; e++)
				json_array_append_new(exts, json_string(*e));
			json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:s,"
			    "s:s,s:o,s:o}", "name", d->name, "version",
			    d->version, "abi", (int)d->abi, "description",
			    d->description ? d->description : "", "path",
			    pl->v[i].path, "types", types, "extensions", exts));
		}
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(a);
	} else {
		printf("plugin directories: %s\n", cli.plugins);
		for (i = 0; i < pl->n; i++) {
			d = pl->v[i].desc;
			printf("\n%s %s (ABI %u) - %s\n  %s\n  extensions:",
			    d->name, d->version, d->abi, d->description ?
			    d->description : "", pl->v[i].path);
			for (e = d->extensions; e != NULL && *e != NULL; e++)
				printf(" %s", *e);
			putchar('\n');
			for (t = d->types; t->name != NULL; t++) {
				printf("  type %s (%s); facets:", t->name,
				    t->label);
				for (f = t->facets; f != NULL && f->key != NULL;
				    f++)
					printf(" %s (%s)", f->key, f->label);
				putchar('\n');
			}
		}
		for (i = 0; i < pl->nrefused; i++)
			printf("\nrefused: %s\n", pl->refused[i]);
		if (pl->n == 0)
			printf("\nno plugin loaded\n");
	}
	ret = pl->nrefused > 0 ? 1 : 0;
	plugins_free(pl);
	return ret;
}
