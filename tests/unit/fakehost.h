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
const char *facet(const struct xdoc *, const char *, int);
size_t	 nfacets(const struct xdoc *, const char *);
int	 has_warning(const struct savoir_sink *, const char *, long);
const struct xdoc *doc(const struct savoir_sink *, const char *);
const struct xdoc *must_doc(const struct savoir_sink *, const char *);
void	 expect_error_mem(const char *, const char *, size_t, const char *);
void	 expect_error(const char *, const char *);

#endif /* FAKEHOST_H */
