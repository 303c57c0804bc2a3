/*
 * testutil.h - helpers shared by the cmocka unit tests: scratch
 * directories, writing files, finding the source and build trees.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* A case of a table-driven test: an input and the text expected of it. */
struct t_case {
	const char	*in;
	const char	*want;
};

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* $top_srcdir (set by make check), else "." */
static inline const char *
t_srcdir(void)
{
	const char	*s = getenv("top_srcdir");

	return s != NULL ? s : ".";
}

static inline const char *
t_builddir(void)
{
	const char	*s = getenv("top_builddir");

	return s != NULL ? s : ".";
}

/* A fresh scratch directory under $TMPDIR; caller frees the path. */
static inline char *
t_mkdtemp(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		*p;

	if (tmp == NULL)
		tmp = "/tmp";
	if (asprintf(&p, "%s/savoir-test.XXXXXX", tmp) == -1)
		abort();
	if (mkdtemp(p) == NULL)
		abort();
	return p;
}

/* Write a file (and its parent directories) under dir. */
static inline void
t_write(const char *dir, const char *rel, const char *data, size_t len)
{
	char	*path, *slash;
	FILE	*f;

	if (asprintf(&path, "%s/%s", dir, rel) == -1)
		abort();
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

static inline void
t_writes(const char *dir, const char *rel, const char *s)
{
	t_write(dir, rel, s, strlen(s));
}

/* A file of a test tree: its path under the tree and its text. */
struct t_file {
	const char	*rel;
	const char	*text;
};

/* Write each of the n files under dir. */
static inline void
t_write_files(const char *dir, const struct t_file *files, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		t_writes(dir, files[i].rel, files[i].text);
}

/* rm -rf dir (scratch directories only). */
static inline void
t_rmrf(const char *dir)
{
	char	*cmd;

	if (asprintf(&cmd, "rm -rf '%s'", dir) == -1)
		abort();
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

/* Undo t_mkdtemp(): remove dir and all it holds, and free the name. */
static inline void
t_rmdtemp(char *dir)
{
	t_rmrf(dir);
	free(dir);
}

#endif
