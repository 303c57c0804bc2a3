/*
 * test_plugin.c - loading plugins (plugin.c) and running them on files in
 * the sandboxed extractor (extract.c), with the test plugins built from
 * tests/plugins/broken.c: good, crash, hang, memhog load; bad_abi and
 * no_entry are refused.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>

#include "testutil.h"
#include "index.h"

static struct plugins	*ps;
static char		*plugdir;	/* the test plugins */
static char		*scratch;	/* files to extract */

static int
setup(void **state)
{
	const char	*s;

	(void)state;
	if ((s = getenv("SAVOIR_TEST_PLUGINS")) != NULL && *s != '\0')
		plugdir = strdup(s);
	else if (asprintf(&plugdir, "%s/tests/plugins/.libs",
	    t_builddir()) == -1)
		return -1;
	log_init("test_plugin", SAVOIR_LOG_ERROR + 1, 0);
	ps = plugins_load(plugdir);
	scratch = t_mkdtemp();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	plugins_free(ps);
	t_rmdtemp(scratch);
	free(plugdir);
	return 0;
}

/* Whether p holds a plugin of this name. */
static int
has_plugin(const struct plugins *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->n && strcmp(p->v[i].desc->name, name) != 0; i++)
		;
	return i < p->n;
}

/* The refusal of path, or NULL. */
static const char *
refusal(const struct plugins *p, const char *path)
{
	size_t	 i, n = strlen(path);

	for (i = 0; i < p->nrefused; i++) {
		if (strncmp(p->refused[i], path, n) == 0 &&
		    strncmp(p->refused[i] + n, ": ", 2) == 0)
			return p->refused[i] + n + 2;
	}
	return NULL;
}

static char *
path2(const char *dir, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", dir, name) == -1)
		abort();
	return p;
}

/* Copy a test plugin into dir under name, with mode. */
static void
copy_plugin(const char *from, const char *dir, const char *name, mode_t mode)
{
	char	*src, *dst, *data, *cause;
	size_t	 len;

	src = path2(plugdir, from);
	assert_int_equal(file_read(src, 64 << 20, &data, &len, &cause), 0);
	t_write(dir, name, data, len);
	dst = path2(dir, name);
	assert_int_equal(chmod(dst, mode), 0);
	free(data);
	free(src);
	free(dst);
}

static void
t_load(void **state)
{
	static const char *const loaded[] = { "crash", "good", "hang",
	    "memhog", NULL };
	const char *const *l;
	const char	*why;
	char		*p;
	size_t		 i;

	(void)state;
	for (l = loaded; *l != NULL; l++) {
		if (!has_plugin(ps, *l))
			fail_msg("plugin %s did not load", *l);
	}
	assert_false(has_plugin(ps, "bad_abi"));
	assert_false(has_plugin(ps, "no_entry"));

	p = path2(plugdir, "bad_abi.so");
	why = refusal(ps, p);
	assert_non_null(why);
	assert_string_equal(why, "ABI 999, this host speaks 1");
	free(p);
	p = path2(plugdir, "no_entry.so");
	why = refusal(ps, p);
	assert_non_null(why);
	assert_string_equal(why, "no savoir_plugin_entry symbol");
	free(p);

	/* Load order is name order. */
	for (i = 1; i < ps->n; i++)
		assert_true(strcmp(ps->v[i - 1].path, ps->v[i].path) < 0);
	/* Every refusal is one line. */
	for (i = 0; i < ps->nrefused; i++)
		assert_null(strchr(ps->refused[i], '\n'));
}

static void
t_refuse_writable(void **state)
{
	static const struct {
		mode_t		 mode;
		const char	*refusal;	/* NULL: it loads */
	} cases[] = {
		{ 0664, "writable by group or others (mode 0664)" },
		{ 0602, "writable by group or others (mode 0602)" },
		/* The same file, once only its owner may write it, loads. */
		{ 0644, NULL },
	};
	struct plugins	*p;
	char		*dir, *so;
	size_t		 i;

	(void)state;
	dir = t_mkdtemp();
	so = path2(dir, "good.so");
	copy_plugin("good.so", dir, "good.so", 0664);
	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(chmod(so, cases[i].mode), 0);
		p = plugins_load(dir);
		if (p->n != (cases[i].refusal == NULL) ||
		    p->nrefused != (cases[i].refusal != NULL))
			fail_msg("mode %04o: %zu loaded, %zu refused",
			    (unsigned)cases[i].mode, (size_t)p->n,
			    (size_t)p->nrefused);
		if (cases[i].refusal != NULL)
			assert_string_equal(refusal(p, so), cases[i].refusal);
		else
			assert_string_equal(p->v[0].desc->name, "good");
		plugins_free(p);
	}
	t_rmrf(dir);
	free(so);
	free(dir);
}

static void
t_refuse_other(void **state)
{
	struct plugins	*p;
	char		*dir, *dirs, *sub, *junk;
	const char	*why;

	(void)state;
	dir = t_mkdtemp();
	sub = path2(dir, "dossier.so");
	assert_int_equal(mkdir(sub, 0755), 0);
	t_writes(dir, "junk.so", "ceci n'est pas un objet partagé\n");
	junk = path2(dir, "junk.so");
	assert_int_equal(chmod(junk, 0644), 0);
	t_writes(dir, "lisez-moi.txt", "pas un plugin\n");
	/* A second "good", in a directory listed after the first. */
	copy_plugin("good.so", dir, "zz-good.so", 0755);

	if (asprintf(&dirs, "%s::/nonexistent/savoir-plugins:%s", plugdir,
	    dir) == -1)
		abort();
	p = plugins_load(dirs);
	assert_int_equal(p->n, ps->n);
	assert_int_equal(p->nrefused, ps->nrefused + 3);
	assert_string_equal(refusal(p, sub), "not a regular file");
	why = refusal(p, junk);
	assert_non_null(why);
	/* dlerror()'s own words, on one line, the path said once. */
	assert_true(strlen(why) > 3);
	assert_null(strstr(why, "junk.so"));
	assert_null(strchr(why, '\n'));
	free(junk);
	junk = path2(dir, "zz-good.so");
	why = refusal(p, junk);
	assert_non_null(why);
	assert_non_null(strstr(why, "a plugin named good is already loaded"));
	plugins_free(p);

	p = plugins_load("/nonexistent/savoir-plugins");
	assert_int_equal(p->n, 0);
	assert_int_equal(p->nrefused, 0);
	plugins_free(p);
	p = plugins_load("");
	assert_int_equal(p->n, 0);
	plugins_free(p);

	t_rmrf(dir);
	free(junk);
	free(dirs);
	free(sub);
	free(dir);
}

static void
t_default_dirs(void **state)
{
	char	*saved = NULL;

	(void)state;
	if (getenv("SAVOIR_PLUGINS") != NULL)
		saved = strdup(getenv("SAVOIR_PLUGINS"));
	setenv("SAVOIR_PLUGINS", "/a/b:/c", 1);
	assert_string_equal(plugins_default_dirs(), "/a/b:/c");
	unsetenv("SAVOIR_PLUGINS");
	assert_string_equal(plugins_default_dirs(), PLUGINDIR);
	if (saved != NULL)
		setenv("SAVOIR_PLUGINS", saved, 1);
	free(saved);
}

static void
t_for_path(void **state)
{
	const struct plugin	*out[8];

	(void)state;
	assert_int_equal(plugins_for_path(ps, "notes/a.good", out, 8), 1);
	assert_string_equal(out[0]->desc->name, "good");
	assert_int_equal(plugins_for_path(ps, "NOTES/A.GOOD", out, 8), 1);
	assert_string_equal(out[0]->desc->name, "good");
	assert_int_equal(plugins_for_path(ps, "b.crash", out, 8), 1);
	assert_string_equal(out[0]->desc->name, "crash");
	assert_int_equal(plugins_for_path(ps, "a.good.bak", out, 8), 0);
	assert_int_equal(plugins_for_path(ps, "dir.good/readme", out, 8), 0);
	assert_int_equal(plugins_for_path(ps, ".good", out, 8), 0);
	assert_int_equal(plugins_for_path(ps, "agood", out, 8), 0);
	assert_int_equal(plugins_for_path(ps, "a.good", out, 0), 0);
}

static void
t_type(void **state)
{
	const struct savoir_type_decl	*t;
	const struct plugin		*p = NULL;

	(void)state;
	t = plugins_type(ps, "good", &p);
	assert_non_null(t);
	assert_string_equal(t->label, "Ligne de test");
	/* Declared at a larger size than this host's structs (broken.c). */
	assert_string_equal(t->facets[0].key, "ligne");
	assert_string_equal(t->facets[1].key, "colonne");
	assert_int_equal(t->facets[1].kind, SAVOIR_FACET_YEAR);
	assert_null(t->facets[2].key);
	assert_string_equal(t[0].label_plural, "Lignes de test");
	assert_null(t[1].name);
	assert_non_null(p);
	assert_string_equal(p->desc->name, "good");
	assert_null(plugins_type(ps, "nope", &p));
	assert_null(p);
}

static void
t_host(void **state)
{
	const struct savoir_host	*h = plugin_host();

	(void)state;
	assert_non_null(h);
	assert_int_equal(h->abi, SAVOIR_PLUGIN_ABI);
	assert_int_equal(h->size, sizeof(struct savoir_host));
	assert_non_null(h->log);
	assert_non_null(h->doc_begin);
	assert_non_null(h->doc_text);
	assert_non_null(h->doc_facet);
	assert_non_null(h->doc_link);
	assert_non_null(h->doc_html);
	assert_non_null(h->doc_meta);
	assert_non_null(h->doc_end);
	assert_non_null(h->warn);
	assert_non_null(h->error);
	/* Outside the extractor there is no document to write to. */
	assert_int_equal(h->doc_begin(NULL, "a/b", "good"), -1);
	assert_int_equal(h->doc_end(NULL), -1);
	h->log(SAVOIR_LOG_DEBUG, "host log works: %d", 1);
}

static void
t_limits_default(void **state)
{
	struct extract_limits	 l;

	(void)state;
	memset(&l, 0xff, sizeof l);
	extract_limits_default(&l);
	assert_int_equal(l.max_file, 64 << 20);
	assert_int_equal(l.timeout_ms, 30000);
	assert_int_equal(l.cpu_s, 30);
	assert_int_equal(l.mem, (size_t)1 << 30);
	assert_int_equal(l.flags, 0);
}

/* Write rel under scratch with content, then extract it. */
static int
run(const char *rel, const char *content, const struct extract_limits *lim,
    struct xfile *xf)
{
	struct extract_limits	 def;

	if (lim == NULL) {
		extract_limits_default(&def);
		def.timeout_ms = 20000;
		lim = &def;
	}
	t_writes(scratch, rel, content);
	return extract_file(ps, scratch, rel, lim, xf);
}

/* The entry of l under key; fails the test if there is none. */
static const struct kv *
kv_find(const struct kvlist *l, const char *key)
{
	size_t	 i;

	for (i = 0; i < l->n && strcmp(l->v[i].key, key) != 0; i++)
		;
	if (i == l->n)
		fail_msg("no entry %s", key);
	return &l->v[i];
}

static void
expect_error(const char *rel, const char *content, const char *want)
{
	struct xfile	 xf;

	if (run(rel, content, NULL, &xf) != -1)
		fail_msg("%s: extraction succeeded, want \"%s\"", rel, want);
	assert_non_null(xf.error);
	if (strstr(xf.error, want) == NULL)
		fail_msg("%s: error \"%s\", want \"%s\"", rel, xf.error, want);
	assert_null(strchr(xf.error, '\n'));
	/* Partial output of a failed file is discarded. */
	assert_int_equal(xf.ndocs, 0);
	assert_null(xf.docs);
	xfile_clear(&xf);
}

static void
t_extract_good(void **state)
{
	struct xfile	 xf;
	const struct kv	*kv;
	const char	*title;
	size_t		 len;

	(void)state;
	assert_int_equal(run("sub/a.good",
	    "premier\n\ndeuxième ligne\n", NULL, &xf), 0);
	assert_null(xf.error);
	assert_string_equal(xf.plugin, "good");
	assert_string_equal(xf.plugin_version, "0.0.1");
	assert_int_equal(xf.nwarnings, 0);
	assert_int_equal(xf.ndocs, 2);

	assert_string_equal(xf.docs[0]->id, "good/1");
	assert_string_equal(xf.docs[0]->type, "good");
	title = xdoc_title(xf.docs[0], &len);
	assert_int_equal(len, 7);
	assert_memory_equal(title, "premier", 7);
	assert_string_equal(xf.docs[0]->text[SAVOIR_COL_BODY].data, "premier");
	kv = kv_find(&xf.docs[0]->facets, "ligne");
	assert_non_null(kv);
	assert_string_equal(kv->value, "1");
	kv = kv_find(&xf.docs[0]->meta, "ligne");
	assert_non_null(kv);
	assert_string_equal(kv->label, "Ligne");
	assert_string_equal(kv->value, "1");
	assert_null(xf.docs[0]->html);

	assert_string_equal(xf.docs[1]->id, "good/3");
	assert_string_equal(xf.docs[1]->text[SAVOIR_COL_TITLE].data,
	    "deuxième ligne");
	assert_string_equal(kv_find(&xf.docs[1]->facets, "ligne")->value,
	    "3");
	xfile_clear(&xf);

	/* An empty file is a file with no documents, not an error. */
	assert_int_equal(run("vide.good", "", NULL, &xf), 0);
	assert_int_equal(xf.ndocs, 0);
	xfile_clear(&xf);
}

static void
t_extract_input(void **state)
{
	struct xfile	 xf;

	(void)state;
	/* The host's default id: the path without its extension. */
	assert_int_equal(run("dossier/sous.dir/fiche.good",
	    "!idprefix\nx\n", NULL, &xf), 0);
	assert_int_equal(xf.ndocs, 1);
	assert_string_equal(xf.docs[0]->id, "dossier/sous.dir/fiche");
	xfile_clear(&xf);
}

static void
t_extract_html_links(void **state)
{
	struct xfile	 xf;
	const struct kv	*kv;

	(void)state;
	assert_int_equal(run("h.good", "!html <b>gras</b><script>alert(1)"
	    "</script><a href=\"javascript:alert(1)\">x</a>\nligne\n"
	    "!link cgct/L1115-1\nautre\n!link ../hors\ntroisième\n", NULL,
	    &xf), 0);
	assert_int_equal(xf.ndocs, 3);
	/* The HTML was sanitized in the child. */
	assert_non_null(xf.docs[0]->html);
	assert_non_null(strstr(xf.docs[0]->html, "<b>gras</b>"));
	assert_null(strstr(xf.docs[0]->html, "script"));
	assert_null(strstr(xf.docs[0]->html, "javascript"));
	kv = kv_find(&xf.docs[1]->links, "cgct/L1115-1");
	assert_non_null(kv);
	assert_string_equal(kv->value, "lien");
	assert_string_equal(kv->label, "voir");
	/* A bad link costs the link, with a warning. */
	assert_int_equal(xf.docs[2]->links.n, 0);
	assert_int_equal(xf.nwarnings, 1);
	assert_non_null(strstr(xf.warnings[0], "../hors"));
	xfile_clear(&xf);
}

static void
t_extract_warnings(void **state)
{
	struct xfile	 xf;

	(void)state;
	assert_int_equal(run("w.good", "!warn attention\nligne\n", NULL, &xf),
	    0);
	assert_int_equal(xf.ndocs, 1);
	assert_int_equal(xf.nwarnings, 1);
	assert_string_equal(xf.warnings[0], "line 1: attention");
	xfile_clear(&xf);
}

static void
t_extract_plugin_error(void **state)
{
	(void)state;
	expect_error("e.good", "avant\n!error ligne 2 illisible\n",
	    "plugin good: ligne 2 illisible");
}

static void
t_extract_misuse(void **state)
{
	(void)state;
	expect_error("m1.good", "!nested\n", "plugin good: doc_begin");
	expect_error("m1.good", "!nested\n", "is open");
	expect_error("m2.good", "!end\n",
	    "plugin good: doc_end outside a document");
	expect_error("m3.good", "!noend\n", "not ended");
	expect_error("m4.good", "!type autre\nx\n", "not declared");
	/* The host's refusal stands even if the plugin ignores it. */
	expect_error("m5.good", "!ignore\n", "invalid document id");
}

static void
t_extract_caps(void **state)
{
	struct xfile	 xf;

	(void)state;
	assert_int_equal(run("c.good", "!facets 10000\n", NULL, &xf), 0);
	assert_int_equal(xf.ndocs, 1);
	assert_int_equal(xf.docs[0]->facets.n, 10000);
	xfile_clear(&xf);
	expect_error("c.good", "!facets 10001\n", "more than 10000 facets");
	expect_error("c.good", "!bigtext 17 1\n", "text over 16 MB");
	assert_int_equal(run("c.good", "!bigtext 15 1\n", NULL, &xf), 0);
	assert_int_equal(xf.docs[0]->text[SAVOIR_COL_BODY].len, 15 << 20);
	xfile_clear(&xf);
	expect_error("c.good", "!bigtext 15 5\n", "output exceeds 64 MB");
}

static void
t_extract_bad_ids(void **state)
{
	static const char *const bad[] = {
		"!id ../etc/passwd\nx\n",
		"!id a/../b\nx\n",
		"!id a/./b\nx\n",
		"!id ./a\nx\n",
		"!id a//b\nx\n",
		"!id a/\nx\n",
		"!id /absolu\nx\n",
		"!id avec espace\nx\n",
		"!id avec\ttab\nx\n",
		"!id ctl\x01" "char\nx\n",
		"!id insécable\xc2\xa0" "ici\nx\n",
		"!id bad\xff" "utf8\nx\n",
		NULL
	};
	const char *const *b;
	struct buf	 big;
	struct xfile	 xf;
	int		 i;

	(void)state;
	for (b = bad; *b != NULL; b++)
		expect_error("id.good", *b, "plugin good: invalid document id");
	/* Over 200 bytes. */
	buf_init(&big);
	buf_adds(&big, "!id ");
	for (i = 0; i < 201; i++)
		buf_addc(&big, 'a');
	buf_adds(&big, "\nx\n");
	expect_error("id.good", big.data, "longer than 200 bytes");
	buf_free(&big);

	/* Unicode and exactly 200 bytes are fine. */
	buf_init(&big);
	buf_adds(&big, "!id été/");
	/* "été/" is 6 bytes */
	for (i = 0; i < 200 - 6; i++)
		buf_addc(&big, 'b');
	buf_adds(&big, "\nx\n");
	assert_int_equal(run("id.good", big.data, NULL, &xf), 0);
	assert_int_equal(xf.ndocs, 1);
	assert_int_equal(strlen(xf.docs[0]->id), 200);
	xfile_clear(&xf);
	buf_free(&big);
}

static void
t_extract_utf8(void **state)
{
	struct xfile	 xf;

	(void)state;
	assert_int_equal(run("u.good", "caf\xe9 cr\xe8me\nbon\xc3\xa9\n"
	    "ctl\x01" "char\n", NULL, &xf), 0);
	assert_int_equal(xf.ndocs, 3);
	assert_string_equal(xf.docs[0]->text[SAVOIR_COL_TITLE].data,
	    "caf\xef\xbf\xbd cr\xef\xbf\xbdme");
	assert_true(utf8_valid(xf.docs[0]->text[SAVOIR_COL_BODY].data,
	    xf.docs[0]->text[SAVOIR_COL_BODY].len, NULL));
	assert_string_equal(xf.docs[1]->text[SAVOIR_COL_TITLE].data,
	    "bon\xc3\xa9");
	assert_string_equal(xf.docs[2]->text[SAVOIR_COL_TITLE].data,
	    "ctlchar");
	/* One warning per document that needed repair, naming it. */
	assert_int_equal(xf.nwarnings, 2);
	assert_non_null(strstr(xf.warnings[0], "good/1"));
	assert_non_null(strstr(xf.warnings[0], "invalid UTF-8"));
	assert_non_null(strstr(xf.warnings[1], "good/3"));
	xfile_clear(&xf);
}

static void
t_extract_sandbox(void **state)
{
	struct extract_limits	 lim;
	struct xfile		 xf;
	char			*lines;
	int			 fd0, fd;

	(void)state;
	/* A descriptor of the parent (a database, a socket) is not seen. */
	fd0 = open("/dev/null", O_RDONLY);
	assert_true(fd0 >= 0);
	fd = fcntl(fd0, F_DUPFD, 20);
	assert_true(fd >= 20);
	if (asprintf(&lines, "!fd %d\n!fd 2\n!fd 3\n!limits\n", fd) == -1)
		abort();
	extract_limits_default(&lim);
	lim.cpu_s = 7;
	assert_int_equal(run("s.good", lines, &lim, &xf), 0);
	assert_int_equal(xf.nwarnings, 4);
	free(lines);
	if (asprintf(&lines, "line 1: fd %d closed", fd) == -1)
		abort();
	assert_string_equal(xf.warnings[0], lines);
	assert_non_null(strstr(xf.warnings[1], "fd 2 open"));
	assert_non_null(strstr(xf.warnings[2], "fd 3 open"));
	assert_string_equal(xf.warnings[3], "line 4: core 0 cpu 7");
	xfile_clear(&xf);
	free(lines);
	close(fd);
	close(fd0);
}

static void
t_extract_crash(void **state)
{
	struct xfile	 xf;

	(void)state;
	assert_int_equal(run("x.crash", "boum\n", NULL, &xf), -1);
	assert_non_null(xf.error);
	assert_string_equal(xf.error,
	    "plugin crash: killed by signal 11 (Segmentation fault)");
	assert_string_equal(xf.plugin, "crash");
	assert_int_equal(xf.ndocs, 0);
	xfile_clear(&xf);
}

/* Run the hang plugin under lim: it must fail with want; microseconds. */
static int64_t
run_hang(const struct extract_limits *lim, const char *want)
{
	struct xfile	 xf;
	int64_t		 t0, dt;

	t0 = mono_us();
	assert_int_equal(run("x.hang", "...\n", lim, &xf), -1);
	dt = mono_us() - t0;
	assert_non_null(xf.error);
	assert_string_equal(xf.error, want);
	xfile_clear(&xf);
	return dt;
}

static void
t_extract_hang(void **state)
{
	struct extract_limits	 lim;
	int64_t			 dt;

	(void)state;
	extract_limits_default(&lim);
	lim.timeout_ms = 1000;
	dt = run_hang(&lim, "plugin hang: timed out after 1.0 s");
	/* About a second: not before, not much after. */
	assert_true(dt >= 950000);
	assert_true(dt < 4000000);
}

static void
t_extract_cpu(void **state)
{
	struct extract_limits	 lim;

	(void)state;
	extract_limits_default(&lim);
	lim.timeout_ms = 30000;
	lim.cpu_s = 1;
	assert_true(run_hang(&lim, "plugin hang: CPU limit exceeded (1 s)") <
	    15000000);
}

/* Valgrind serves the child's memory itself and ignores RLIMIT_AS. */
static int
under_valgrind(void)
{
	const char	*p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL;
}

static void
t_extract_memhog(void **state)
{
	struct extract_limits	 lim;
	struct xfile		 xf;

	(void)state;
#ifdef SAVOIR_SANITIZERS
	print_message("memhog skipped: sanitizer builds run without a memory "
	    "limit (ASan reserves terabytes of address space)\n");
	skip();
#endif
	if (under_valgrind()) {
		print_message("memhog skipped: valgrind does not enforce "
		    "RLIMIT_AS on the program it runs\n");
		skip();
	}
	extract_limits_default(&lim);
	lim.mem = (size_t)256 << 20;
	assert_int_equal(run("x.memhog", "...\n", &lim, &xf), -1);
	assert_non_null(xf.error);
	if (strncmp(xf.error, "plugin memhog: ", 15) != 0 ||
	    strstr(xf.error, "(memory limit 256 MB?)") == NULL)
		fail_msg("memhog error: %s", xf.error);
	xfile_clear(&xf);
}

static void
t_extract_too_large(void **state)
{
	struct extract_limits	 lim;
	struct xfile		 xf;
	char			 big[101];

	(void)state;
	memset(big, 'a', 100);
	big[100] = '\0';
	extract_limits_default(&lim);
	lim.max_file = 10;
	assert_int_equal(run("big.good", big, &lim, &xf), -1);
	assert_non_null(xf.error);
	assert_string_equal(xf.error, "file too large (100 bytes, limit 10)");
	xfile_clear(&xf);
}

static void
t_extract_unclaimed(void **state)
{
	struct xfile	 xf;

	(void)state;
	assert_int_equal(run("x.xyz", "?\n", NULL, &xf), -1);
	assert_string_equal(xf.error, "no plugin claims this file type (.xyz)");
	assert_null(xf.plugin);
	xfile_clear(&xf);
	assert_int_equal(run("Makefile", "?\n", NULL, &xf), -1);
	assert_string_equal(xf.error,
	    "no plugin claims this file type (no extension)");
	xfile_clear(&xf);
	/* Claimed by extension, refused by probe. */
	assert_int_equal(run("r.good", "REFUSE\n", NULL, &xf), -1);
	assert_string_equal(xf.error,
	    "no plugin accepts this file (tried: good)");
	xfile_clear(&xf);
	/* Missing file. */
	assert_int_equal(extract_file(ps, scratch, "absent.good", NULL, &xf),
	    -1);
	assert_non_null(strstr(xf.error, "cannot open"));
	xfile_clear(&xf);
}

/* Last: every child the tests started has been reaped. */
static void
t_no_zombies(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_load),
		cmocka_unit_test(t_refuse_writable),
		cmocka_unit_test(t_refuse_other),
		cmocka_unit_test(t_default_dirs),
		cmocka_unit_test(t_for_path),
		cmocka_unit_test(t_type),
		cmocka_unit_test(t_host),
		cmocka_unit_test(t_limits_default),
		cmocka_unit_test(t_extract_good),
		cmocka_unit_test(t_extract_input),
		cmocka_unit_test(t_extract_html_links),
		cmocka_unit_test(t_extract_warnings),
		cmocka_unit_test(t_extract_plugin_error),
		cmocka_unit_test(t_extract_misuse),
		cmocka_unit_test(t_extract_caps),
		cmocka_unit_test(t_extract_bad_ids),
		cmocka_unit_test(t_extract_utf8),
		cmocka_unit_test(t_extract_sandbox),
		cmocka_unit_test(t_extract_crash),
		cmocka_unit_test(t_extract_hang),
		cmocka_unit_test(t_extract_cpu),
		cmocka_unit_test(t_extract_memhog),
		cmocka_unit_test(t_extract_too_large),
		cmocka_unit_test(t_extract_unclaimed),
		cmocka_unit_test(t_no_zombies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
