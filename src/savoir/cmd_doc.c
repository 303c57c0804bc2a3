/*
 * cmd_doc.c - savoir doc: one document, its metadata, what it cites and
 * what cites it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "savoir.h"

static void
doc_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir doc [--db FILE] [--json | --html] ID\n");
}

/* Links as savoir doc prints them: [{id, rel, title, exists}]. */
static json_t *
doc_links(const struct store_link *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "id",
		    v[i].id, "rel", v[i].rel, "title", v[i].title != NULL ?
		    v[i].title : "", "exists", v[i].exists));
	return a;
}

int
cmd_doc(int argc, char **argv)
{
	struct store		*st;
	struct store_doc	*d = NULL;
	struct store_link	*cites_v = NULL, *citedby_v = NULL;
	const char		*id;
	json_t			*o, *meta, *cites, *citedby, *v;
	char			*cause = NULL;
	size_t			 i, nout = 0, nin = 0;
	int			 json = 0, html = 0, ret, rc;
	struct cli_opt		 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_FLAG("json", 'j', &json),
		CLI_OPT_FLAG("html", 'H', &html),
		CLI_OPT_END
	};

	if ((ret = cli_parse("doc", argc, argv, opts, doc_usage)) != -1)
		return ret;
	if ((id = cli_operand("doc", argc, argv, "which document? e.g. "
	    "savoir doc cgct/L1115-1")) == NULL)
		return 2;
	ret = 0;
	if ((st = cli_open(STORE_RDONLY)) == NULL)
		return 2;
	rc = store_doc(st, id, STORE_DOC_TEXT, &d, &cause);
	if (rc == 1 && !html && (store_links(st, d->rowid, &cites_v, &nout,
	    &cause) == -1 || store_cited_by(st, d->id, 0, 0, &citedby_v, &nin,
	    &cause) == -1))
		rc = -1;
	if (rc == -1) {
		fprintf(stderr, "savoir: cannot read %s: %s\n", id,
		    cause);
		free(cause);
		ret = 2;
		goto out;
	}
	if (rc == 0) {
		fprintf(stderr, "savoir: no document with id '%s'\n", id);
		ret = 1;
		goto out;
	}
	if (html) {
		printf("%s\n", d->html);
		goto out;
	}
	meta = json_loads(d->meta, 0, NULL);
	if (meta == NULL)
		meta = json_array();
	cites = doc_links(cites_v, nout);
	citedby = doc_links(citedby_v, nin);
	if (json) {
		o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O,s:s,s:s,s:O,s:O}",
		    "id", d->id, "type", d->type, "title", d->title, "source",
		    d->source, "seq", (json_int_t)d->seq, "meta", meta,
		    "text", d->text, "html", d->html, "links", cites,
		    "cited_by", citedby);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		printf("%s\n%s  [%s]  from %s\n\n", d->title, d->id,
		    d->type, d->source);
		json_array_foreach(meta, i, v)
			printf("%s : %s\n", json_string_value(
			    json_array_get(v, 1)), json_string_value(
			    json_array_get(v, 2)));
		printf("\n%s\n", d->text);
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
	store_links_free(cites_v, nout);
	store_links_free(citedby_v, nin);
	store_doc_free(d);
	store_close(st);
	return ret;
}
