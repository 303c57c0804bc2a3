/*
 * cmd_doc.c - savoir doc: one document, its metadata, what it cites and
 * what cites it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "savoir.h"

static void
doc_usage(FILE *f)
{
	fprintf(f, "usage: savoir doc [--db FILE] [--json | --html] ID\n");
}

static const char *
col(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? s : "";
}

/* Links in one direction: out (what it cites) or in (what cites it). */
static json_t *
doc_links(sqlite3 *db, int64_t rowid, const char *id, int out)
{
	static const char outsql[] = "SELECT l.target, l.rel, coalesce(d.title, "
	    "''), d.id IS NOT NULL FROM links l LEFT JOIN docs d ON d.id = "
	    "l.target WHERE l.src = ? ORDER BY l.rel, l.target";
	static const char insql[] = "SELECT d.id, l.rel, d.title, 1 FROM links "
	    "l JOIN docs d ON d.rowid = l.src WHERE l.target = ? ORDER BY "
	    "d.type, d.title";
	sqlite3_stmt	*stmt;
	json_t		*a = json_array();

	if (sqlite3_prepare_v2(db, out ? outsql : insql, -1, &stmt,
	    NULL) != SQLITE_OK)
		return a;
	if (out)
		sqlite3_bind_int64(stmt, 1, rowid);
	else
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "id",
		    col(stmt, 0), "rel", col(stmt, 1), "title", col(stmt, 2),
		    "exists", sqlite3_column_int(stmt, 3)));
	sqlite3_finalize(stmt);
	return a;
}

int
cmd_doc(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "html", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char sql[] = "SELECT d.rowid, d.id, d.type, d.title, "
	    "savoir_part(d.text, 4), savoir_part(d.text, 3), f.body, s.path, "
	    "d.seq FROM docs d JOIN fts f ON "
	    "f.rowid = d.rowid JOIN sources s ON s.id = d.source WHERE d.id = ?";
	struct store	*st;
	sqlite3_stmt	*stmt;
	json_t		*o, *meta, *cites, *citedby, *v;
	size_t		 i;
	int		 ch, json = 0, html = 0, ret = 0;

	while ((ch = getopt_long(argc, argv, "d:jHh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			cli.db = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'H':
			html = 1;
			break;
		case 'h':
			doc_usage(stdout);
			return 0;
		default:
			doc_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cli_usage_error("doc", "which document? e.g. savoir doc "
		    "cgct/L1115-1");
		return 2;
	}
	if ((st = cli_open(STORE_RDONLY)) == NULL)
		return 2;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "savoir: %s\n", sqlite3_errmsg(store_db(st)));
		store_close(st);
		return 2;
	}
	sqlite3_bind_text(stmt, 1, argv[optind], -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		fprintf(stderr, "savoir: no document with id '%s'\n",
		    argv[optind]);
		ret = 1;
		goto out;
	}
	if (html) {
		printf("%s\n", col(stmt, 5));
		goto out;
	}
	meta = json_loads(col(stmt, 4), 0, NULL);
	if (meta == NULL)
		meta = json_array();
	cites = doc_links(store_db(st), sqlite3_column_int64(stmt, 0), NULL, 1);
	citedby = doc_links(store_db(st), 0, col(stmt, 1), 0);
	if (json) {
		o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O,s:s,s:s,s:O,s:O}",
		    "id", col(stmt, 1), "type", col(stmt, 2), "title",
		    col(stmt, 3), "source", col(stmt, 7), "seq",
		    (json_int_t)sqlite3_column_int64(stmt, 8), "meta", meta,
		    "text", col(stmt, 6), "html", col(stmt, 5), "links", cites,
		    "cited_by", citedby);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		printf("%s\n%s  [%s]  from %s\n\n", col(stmt, 3), col(stmt, 1),
		    col(stmt, 2), col(stmt, 7));
		json_array_foreach(meta, i, v)
			printf("%s : %s\n", json_string_value(
			    json_array_get(v, 1)), json_string_value(
			    json_array_get(v, 2)));
		printf("\n%s\n", col(stmt, 6));
		if (json_array_size(cites) > 0)
			printf("\nLiens et citations :\n");
		json_array_foreach(cites, i, v)
			printf("  %s %s%s\n", json_string_value(json_object_get(
			    v, "id")), json_string_value(json_object_get(v,
			    "title")), json_is_true(json_object_get(v,
			    "exists")) ? "" : " (absent de l'index)");
		if (json_array_size(citedby) > 0)
			printf("\nCité par :\n");
		json_array_foreach(citedby, i, v)
			printf("  %s %s\n", json_string_value(json_object_get(
			    v, "id")), json_string_value(json_object_get(v,
			    "title")));
	}
	json_decref(meta);
	json_decref(cites);
	json_decref(citedby);
out:
	sqlite3_finalize(stmt);
	store_close(st);
	return ret;
}
