/*
 * doc.c - an extracted document in memory (struct xdoc) and a file's worth
 * of them (struct xfile).  Pure data: no I/O, no database.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

void
kvlist_add(struct kvlist *l, const char *key, const char *label,
    const char *value)
{
	struct kv	*kv;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	kv = &l->v[l->n++];
	kv->key = xstrdup(key);
	kv->label = label != NULL ? xstrdup(label) : NULL;
	kv->value = xstrdup(value != NULL ? value : "");
}

void
kvlist_free(struct kvlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].label);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

struct xdoc *
xdoc_new(const char *id, const char *type)
{
	struct xdoc	*d;
	int		 i;

	d = xcalloc(1, sizeof *d);
	d->id = xstrdup(id);
	d->type = xstrdup(type);
	d->weight = 1.0;
	for (i = 0; i < 3; i++)
		buf_init(&d->text[i]);
	return d;
}

void
xdoc_free(struct xdoc *d)
{
	int	 i;

	if (d == NULL)
		return;
	free(d->id);
	free(d->type);
	for (i = 0; i < 3; i++)
		buf_free(&d->text[i]);
	kvlist_free(&d->facets);
	kvlist_free(&d->links);
	kvlist_free(&d->meta);
	free(d->html);
	free(d->packed);
	free(d);
}

const char *
xdoc_title(const struct xdoc *d, size_t *len)
{
	const struct buf	*t = &d->text[SAVOIR_COL_TITLE];
	const char		*nl;

	if (t->data == NULL) {
		*len = 0;
		return "";
	}
	nl = memchr(t->data, '\n', t->len);
	*len = nl != NULL ? (size_t)(nl - t->data) : t->len;
	return t->data;
}

void
xfile_clear(struct xfile *f)
{
	size_t	 i;

	for (i = 0; i < f->ndocs; i++)
		xdoc_free(f->docs[i]);
	free(f->docs);
	strv_free(f->warnings, f->nwarnings);
	free(f->error);
	free(f->plugin);
	free(f->plugin_version);
	memset(f, 0, sizeof *f);
}
