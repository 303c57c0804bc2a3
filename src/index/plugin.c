/*
 * plugin.c - finding and loading content-type plugins.  Owns the list of
 * loaded plugins and the reasons others were refused, and answers which
 * plugin claims a file or declares a type.
 *
 * Loading runs a plugin's entry point and nothing else: init, probe and
 * extract run only in the extractor child (extract.c).  A plugin that
 * cannot be trusted to work with this host is refused with a one-line
 * reason and unloaded; it never takes the other plugins down with it.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index.h"

#define PLUGIN_ENTRY	"savoir_plugin_entry"

/* The descriptor must hold every field up to extract, the last we read. */
#define PLUGIN_MIN_SIZE	(offsetof(struct savoir_plugin, extract) + \
	sizeof(((struct savoir_plugin *)0)->extract))

static void
plugins_refuse(struct plugins *ps, const char *path, const char *fmt, ...)
    SAVOIR_PRINTFLIKE(3, 4);

static void
plugins_refuse(struct plugins *ps, const char *path, const char *fmt, ...)
{
	va_list	 ap;
	char	*reason;

	va_start(ap, fmt);
	xvasprintf(&reason, fmt, ap);
	va_end(ap);
	/* dlerror() text may span lines; a refusal is one line. */
	reason[strcspn(reason, "\r\n")] = '\0';
	log_warnx("plugin %s refused: %s", path, reason);
	ps->refused = xreallocarray(ps->refused, ps->nrefused + 1,
	    sizeof *ps->refused);
	xasprintf(&ps->refused[ps->nrefused++], "%s: %s", path, reason);
	free(reason);
}

static int
plugin_name_ok(const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0' || strlen(name) > 64)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

static const struct plugin *
plugins_by_name(const struct plugins *ps, const char *name)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].desc->name, name) == 0)
			return &ps->v[i];
	}
	return NULL;
}

/* The declarations as the first version laid them out: a plugin built
 * before 0.3 says nothing of their size, and its arrays of them are
 * sizeof these apart.  Frozen: never change them. */
struct type_decl_v1 {
	const char	*name, *label, *label_plural;
	const void	*facets;
};
struct facet_decl_v1 {
	const char	*key, *label;
	int		 kind;
};
#define TYPE_DECL_V1	sizeof(struct type_decl_v1)
#define FACET_DECL_V1	sizeof(struct facet_decl_v1)
#define DECL_SIZE_MAX	4096
#define DECLS_MAX	256	/* types of a plugin, facets of a type */

/* The i-th of an array of declarations size bytes apart. */
#define DECL_AT(base, size, i) \
	((const void *)((const char *)(base) + (size_t)(i) * (size)))

/*
 * Copy a descriptor and its declarations into structs of this host's
 * layout, reading them at the sizes the plugin was built with: a
 * declaration that grew at the end in a newer plugin is cut to what this
 * host knows, one from an older plugin is padded with zeros.  Returns NULL
 * or why not (static text or *buf).
 */
static const char *
plugin_copy(const struct savoir_plugin *d, struct plugin *p, char **buf)
{
	const struct savoir_type_decl	*t;
	size_t				 tsz = TYPE_DECL_V1, fsz = FACET_DECL_V1;
	size_t				 nt, nf = 0, i, j, k = 0;

	if (d->size >= offsetof(struct savoir_plugin, facet_decl_size) +
	    sizeof(d->facet_decl_size)) {
		if (d->type_decl_size != 0)
			tsz = d->type_decl_size;
		if (d->facet_decl_size != 0)
			fsz = d->facet_decl_size;
	}
	if (tsz < TYPE_DECL_V1 || tsz > DECL_SIZE_MAX ||
	    tsz % _Alignof(struct savoir_type_decl) != 0 ||
	    fsz < FACET_DECL_V1 || fsz > DECL_SIZE_MAX ||
	    fsz % _Alignof(struct savoir_facet_decl) != 0) {
		xasprintf(buf, "declaration sizes %zu and %zu make no sense",
		    tsz, fsz);
		return *buf;
	}
	for (nt = 0; (t = DECL_AT(d->types, tsz, nt))->name != NULL; nt++) {
		if (nt == DECLS_MAX)
			return "declares too many content types";
		for (j = 0; t->facets != NULL && ((const struct
		    savoir_facet_decl *)DECL_AT(t->facets, fsz, j))->key !=
		    NULL; j++, nf++)
			if (j == DECLS_MAX)
				return "declares too many facets";
	}
	p->own = xcalloc(1, sizeof *p->own);
	memcpy(p->own, d, d->size < sizeof *p->own ? d->size :
	    sizeof *p->own);
	p->types = xcalloc(nt + 1, sizeof *p->types);
	p->facets = xcalloc(nf + nt, sizeof *p->facets);
	for (i = 0; i < nt; i++) {
		t = DECL_AT(d->types, tsz, i);
		memcpy(&p->types[i], t, tsz < sizeof *t ? tsz : sizeof *t);
		if (t->facets == NULL)
			continue;
		p->types[i].facets = &p->facets[k];
		for (j = 0; ((const struct savoir_facet_decl *)DECL_AT(
		    t->facets, fsz, j))->key != NULL; j++, k++)
			memcpy(&p->facets[k], DECL_AT(t->facets, fsz, j),
			    fsz < sizeof *p->facets ? fsz : sizeof *p->facets);
		k++;	/* the zeroed terminator */
	}
	p->own->types = p->types;
	p->own->type_decl_size = sizeof *p->types;
	p->own->facet_decl_size = sizeof *p->facets;
	p->own->size = sizeof *p->own;
	p->desc = p->own;
	return NULL;
}

static void
plugin_free_copy(struct plugin *p)
{
	free(p->own);
	free(p->types);
	free(p->facets);
	p->own = NULL;
	p->types = NULL;
	p->facets = NULL;
}

/*
 * Check a descriptor before anything else reads it: the fields must be
 * there (ABI and size first, since they say how much of it exists) and make
 * sense.  Returns NULL or why not (static text or *buf, freed by caller).
 */
static const char *
plugin_check(const struct plugins *ps, const struct savoir_plugin *d,
    struct plugin *p, char **buf)
{
	const struct savoir_type_decl	*t;
	const struct plugin		*other;
	const char			*why;

	if (d == NULL)
		return "savoir_plugin_entry returned NULL";
	if (d->abi != SAVOIR_PLUGIN_ABI) {
		xasprintf(buf, "ABI %u, this host speaks %d", d->abi,
		    SAVOIR_PLUGIN_ABI);
		return *buf;
	}
	if (d->size < PLUGIN_MIN_SIZE) {
		xasprintf(buf, "descriptor too small (%u bytes, at least %zu)",
		    d->size, PLUGIN_MIN_SIZE);
		return *buf;
	}
	if (!plugin_name_ok(d->name))
		return "bad name (want [a-z0-9_-]+)";
	if (d->types == NULL || d->types[0].name == NULL)
		return "declares no content type";
	if (d->extract == NULL)
		return "no extract function";
	if ((other = plugins_by_name(ps, d->name)) != NULL) {
		xasprintf(buf, "a plugin named %s is already loaded from %s",
		    d->name, other->path);
		return *buf;
	}
	if ((why = plugin_copy(d, p, buf)) != NULL)
		return why;
	for (t = p->types; t->name != NULL; t++) {
		if (!plugin_name_ok(t->name)) {
			xasprintf(buf, "bad type name \"%s\"", t->name);
			return *buf;
		}
		if (plugins_type(ps, t->name, &other) != NULL) {
			xasprintf(buf, "type %s is already declared by "
			    "plugin %s", t->name, other->desc->name);
			return *buf;
		}
	}
	return NULL;
}

static void
plugins_load_one(struct plugins *ps, const char *path)
{
	struct stat			 st;
	void				*h;
	savoir_plugin_entry_fn		 entry;
	const struct savoir_plugin	*d;
	struct plugin			 p;
	const char			*why;
	char				*buf = NULL;

	if (stat(path, &st) == -1) {
		plugins_refuse(ps, path, "cannot stat: %s", strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		plugins_refuse(ps, path, "not a regular file");
		return;
	}
	/* Whoever may write it may run code in the indexer: refuse. */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		plugins_refuse(ps, path, "writable by group or others "
		    "(mode %04o)", (unsigned)(st.st_mode & 07777));
		return;
	}
	dlerror();
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		if ((why = dlerror()) == NULL)
			why = "dlopen failed";
		/* glibc starts with the path, which the refusal already has. */
		if (strncmp(why, path, strlen(path)) == 0 &&
		    strncmp(why + strlen(path), ": ", 2) == 0)
			why += strlen(path) + 2;
		plugins_refuse(ps, path, "%s", why);
		return;
	}
	/* POSIX blesses this conversion of dlsym's result. */
	*(void **)&entry = dlsym(h, PLUGIN_ENTRY);
	if (entry == NULL) {
		plugins_refuse(ps, path, "no %s symbol", PLUGIN_ENTRY);
		dlclose(h);
		return;
	}
	d = entry(plugin_host());
	memset(&p, 0, sizeof p);
	if ((why = plugin_check(ps, d, &p, &buf)) != NULL) {
		plugins_refuse(ps, path, "%s", why);
		free(buf);
		plugin_free_copy(&p);
		dlclose(h);
		return;
	}
	p.path = xstrdup(path);
	p.handle = h;
	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof *ps->v);
	ps->v[ps->n++] = p;
	log_debug("plugin %s %s loaded from %s", d->name,
	    d->version != NULL ? d->version : "?", path);
}

static int
plugins_filter(const struct dirent *de)
{
	size_t	 len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > 3 &&
	    strcmp(de->d_name + len - 3, ".so") == 0;
}

/* Byte order, not the locale's: the load order must not depend on LANG. */
static int
plugins_compare(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
plugins_load_dir(struct plugins *ps, const char *dir)
{
	struct dirent	**names;
	char		 *path;
	int		  n, i;

	if ((n = scandir(dir, &names, plugins_filter, plugins_compare)) ==
	    -1) {
		if (errno == ENOENT)
			log_debug("no plugin directory %s", dir);
		else
			log_warn("cannot read plugin directory %s", dir);
		return;
	}
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]->d_name);
		plugins_load_one(ps, path);
		free(path);
		free(names[i]);
	}
	free(names);
}

struct plugins *
plugins_load(const char *dirs)
{
	struct plugins	*ps;
	char		*copy, *next, *dir;

	ps = xcalloc(1, sizeof *ps);
	if (dirs == NULL)
		return ps;
	copy = next = xstrdup(dirs);
	while ((dir = strsep(&next, ":")) != NULL) {
		if (*dir != '\0')
			plugins_load_dir(ps, dir);
	}
	free(copy);
	return ps;
}

void
plugins_free(struct plugins *ps)
{
	size_t	 i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++) {
		dlclose(ps->v[i].handle);
		free(ps->v[i].path);
		plugin_free_copy(&ps->v[i]);
	}
	free(ps->v);
	strv_free(ps->refused, ps->nrefused);
	free(ps);
}

const char *
plugins_default_dirs(void)
{
	const char	*s;

	if ((s = getenv("SAVOIR_PLUGINS")) != NULL && *s != '\0')
		return s;
	return PLUGINDIR;
}

/* Does the file name end with ext (".md"), case aside, with a stem? */
static int
plugin_ext_match(const char *base, const char *ext)
{
	size_t	 bl = strlen(base), el = strlen(ext);

	return el > 0 && bl > el && strcasecmp(base + bl - el, ext) == 0;
}

size_t
plugins_for_path(const struct plugins *ps, const char *path,
    const struct plugin **out, size_t max)
{
	const char	*base, *const *e;
	size_t		 i, n = 0;

	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	for (i = 0; i < ps->n && n < max; i++) {
		e = ps->v[i].desc->extensions;
		for (; e != NULL && *e != NULL; e++) {
			if (plugin_ext_match(base, *e)) {
				out[n++] = &ps->v[i];
				break;
			}
		}
	}
	return n;
}

const struct savoir_type_decl *
plugins_type(const struct plugins *ps, const char *type,
    const struct plugin **pp)
{
	const struct savoir_type_decl	*t;
	size_t				 i;

	for (i = 0; i < ps->n; i++) {
		for (t = ps->v[i].desc->types; t->name != NULL; t++) {
			if (strcmp(t->name, type) == 0) {
				if (pp != NULL)
					*pp = &ps->v[i];
				return t;
			}
		}
	}
	if (pp != NULL)
		*pp = NULL;
	return NULL;
}

/* plugin_host() lives in extract.c, beside the functions it points to. */
