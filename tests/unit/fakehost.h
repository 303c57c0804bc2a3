/*
 * fakehost.h - the fake host shared by the plugin test programs
 * (plugins/\*\/tests/test_*.c): the collector that records one file's
 * output, the host table whose callbacks count every misuse of the ABI,
 * loading a plugin with dlopen from $SAVOIR_PLUGINS, running it on a file
 * or a buffer, and the lookups the tests assert with.
 */
#ifndef FAKEHOST_H
#define FAKEHOST_H

#include <stdint.h>

#include "index.h"

/* The fake host's collector: one file's worth of output. */
struct savoir_sink {
	const struct savoir_plugin *plugin;
	struct xfile	 f;
	struct xdoc	*cur;
	long		*wlines;	/* line of each warning */
	int		 misuse;	/* calls breaking the ABI */
	int		 nerrors;
};

extern const struct savoir_host	 fake_host;
extern const struct savoir_plugin *plugin;
extern void			*pstate;
/* The last message the plugin logged outside a file, or NULL. */
extern char			*last_log;
/*
 * Hook: when not NULL, the id_prefix of every run instead of the file's
 * path without its extension.
 */
extern const char		*fakehost_id_prefix;

void	 h_misuse(struct savoir_sink *, const char *);
int	 fakehost_load(const char *, const char *);
int	 fakehost_teardown(void **);
void	 fakehost_input(struct savoir_input *, const char *, const char *,
	    size_t, uint32_t, const char *);
char	*fakehost_data(const char *, size_t *);
int	 run_mem(struct savoir_sink *, const char *, const char *, size_t,
	    uint32_t);
int	 run(struct savoir_sink *, const char *, uint32_t);
void	 sink_clear(struct savoir_sink *);
int	 fakehost_sink_new(void **);
int	 fakehost_sink_free(void **);

/*
 * A test whose state (void **st) is a sink of its own: zeroed before,
 * cleared after, even when the test fails.
 */
#define FH_TEST(f)							\
	cmocka_unit_test_setup_teardown(f, fakehost_sink_new,		\
	    fakehost_sink_free)
const char *facet(const struct xdoc *, const char *, int);
size_t	 nfacets(const struct xdoc *, const char *);
size_t	 nmeta(const struct xdoc *, const char *);
void	 expect_facets(const struct xdoc *, const char *);
int	 has_warning(const struct savoir_sink *, const char *, long);
int	 has_warning_with(const struct savoir_sink *, const char *,
	    const char *);
const struct xdoc *doc(const struct savoir_sink *, const char *);
const struct xdoc *must_doc(const struct savoir_sink *, const char *);
void	 expect_error_mem(const char *, const char *, size_t, const char *);
void	 expect_error(const char *, const char *);
int	 probe_mem(const char *, const char *, size_t);
int	 probe_file(const char *, const char *);
const char *meta(const struct xdoc *, const char *, const char *);
/* A warning expected: what it contains, its line (< 0: any). */
struct fh_warning {
	const char	*needle;
	long		 line;
};

void	 dump_warnings(const struct savoir_sink *);
void	 expect_warning(const struct savoir_sink *, const char *, long);
void	 expect_warnings(const struct savoir_sink *, const struct fh_warning *,
	    size_t);
void	 run_ok(struct savoir_sink *, const char *, uint32_t, size_t, int);
void	 run_mem_ok(struct savoir_sink *, const char *, const char *, size_t,
	    uint32_t, size_t, int);
const struct xdoc *run_doc(struct savoir_sink *, const char *, uint32_t,
	    int);
const struct xdoc *run_mem_doc(struct savoir_sink *, const char *,
	    const char *, size_t, uint32_t, int);
const struct xdoc *run_mem_timed(struct savoir_sink *, const char *,
	    const char *, size_t, int);
const struct xdoc *run_made(struct savoir_sink *, const char *,
	    void (*)(struct buf *), int);
void	 fh_runs(struct buf *, int, const char *, const char *, size_t,
	    const char *);
void	 expect_cut(const struct savoir_sink *, const struct xdoc *);
void	 expect_doc(const struct xdoc *, const char *, const char *,
	    const char *);
void	 expect_strs(int, const char *, ...);
/* Each string up to NULL must be in hay; none may be. */
#define expect_in(hay, ...)	expect_strs(1, (hay), __VA_ARGS__)
#define expect_not_in(hay, ...)	expect_strs(0, (hay), __VA_ARGS__)
void	 expect_kv(const struct kvlist *, size_t, const char *, const char *,
	    const char *);
void	 expect_descriptor(const char *, ...);
void	 expect_type(const struct savoir_type_decl *, const char *,
	    const char *, const char *);
void	 expect_facet_decls(const struct savoir_type_decl *, const char *);
void	 expect_one_type(const char *, const char *, const char *,
	    const char *);

#endif /* FAKEHOST_H */
