/*
 * frontmatter.h - the YAML front matter block shared by the notes and legal
 * plugins, the checks every plugin input needs before it is parsed, what
 * both plugins tell the host about a front matter, and the few helpers
 * (dates, lines) both need.
 *
 * Compiled into each plugin (not into libsavoir): it may use libc and
 * libyaml, and the host only through the function table the plugin passes
 * in, never a host symbol.  Every function returns 0 / -1; on -1, *cause
 * gets a message for a person (English, with a file line number where
 * there is one) that the caller frees, or the message went to the host.
 */
#ifndef FRONTMATTER_H
#define FRONTMATTER_H

#include <stddef.h>

#include "savoir/plugin.h"

/* One entry of `sources:`. */
struct fm_source {
	char	*titre;		/* never NULL nor empty */
	char	*url;		/* NULL when the source has none */
	long	 line;		/* line in the file */
};

enum fm_kind {
	FM_SCALAR,		/* title: "…"; a YAML null is "" */
	FM_LIST,		/* themes: [a, b], or a block list */
	FM_SOURCES		/* sources: a list of {titre, url} */
};

struct fm_entry {
	char		 *key;
	enum fm_kind	  kind;
	char		 *value;	/* FM_SCALAR */
	char		**items;	/* FM_LIST: non-empty strings */
	size_t		  nitems;
	struct fm_source *sources;	/* FM_SOURCES */
	size_t		  nsources;
	long		  line;		/* of the key, in the file */
};

/* Something odd that does not stop the file, for host->warn. */
struct fm_warning {
	long	 line;
	char	*text;
};

struct frontmatter {
	struct fm_entry		*v;	/* in the order of the file */
	size_t			 n;
	struct fm_warning	*warnings;
	size_t			 nwarnings;
	size_t			 body;	/* offset after the closing "---" */
	long			 body_line;	/* its line (from 1) */
};

/*
 * Does data start with a front matter block (a "---" line at byte 0 and a
 * closing "---" line)?  If so, 1 with the YAML text in [*yaml, *yaml +
 * *yamllen) and the offset of what follows the closing line in *body.
 * 0 if there is no opening line, -1 (with *cause) if it is not closed.
 */
int	 frontmatter_find(const char *data, size_t len, const char **yaml,
	    size_t *yamllen, size_t *body, char **cause);
/*
 * Parse the front matter of data into a new struct (caller frees with
 * frontmatter_free).  A missing block, a YAML error, a top level that is
 * not a mapping, a duplicate key, a nested mapping or a malformed source
 * are errors; unknown keys inside a source are warnings.
 */
int	 frontmatter_parse(const char *data, size_t len,
	    struct frontmatter **out, char **cause);
void	 frontmatter_free(struct frontmatter *);

/* The entry for key, or NULL. */
const struct fm_entry *frontmatter_get(const struct frontmatter *,
	    const char *key);
/* The text of a scalar key; NULL if absent, empty or not a scalar. */
const char *frontmatter_scalar(const struct frontmatter *, const char *key);
/* The items of a list key; a non-empty scalar counts as a one-item list.
 * Sets *n (0 when absent); the array belongs to the front matter. */
char *const *frontmatter_list(const struct frontmatter *, const char *key,
	    size_t *n);

/*
 * Read in's text and its front matter: text_check, then frontmatter_parse.
 * On -1 the error went to host->error.  The caller frees *out.
 */
int	 frontmatter_load(const struct savoir_host *,
	    const struct savoir_input *in, struct savoir_sink *,
	    struct frontmatter **out);
/* Pass on the parse's warnings, and warn about each key not in known
 * (NULL-terminated). */
void	 frontmatter_warn_keys(const struct savoir_host *,
	    struct savoir_sink *, const struct frontmatter *,
	    const char *const *known);
/* Warn about a `sources` key that is missing, malformed or empty. */
void	 frontmatter_warn_sources(const struct savoir_host *,
	    struct savoir_sink *, const struct frontmatter *);
/* Each source as a "source" metadata of the current document, "titre —
 * url".  On -1 the error went to the host. */
int	 frontmatter_meta_sources(const struct savoir_host *,
	    struct savoir_sink *, const struct frontmatter *);

/*
 * The checks before any parsing: not empty, no NUL byte, valid UTF-8.  The
 * message names the line of the first bad byte, since a Latin-1 file is
 * the usual culprit.
 */
int	 text_check(const struct savoir_host *, const char *data, size_t len,
	    char **cause);
/* Length of a line's content without trailing blanks and CR. */
size_t	 line_trimmed(const char *s, size_t n);
/* Is s a date written YYYY-MM-DD that exists?  Sets year, month, day. */
int	 date_parse(const char *s, int *year, int *month, int *day);
/* "6 août 2021", "1er mai 2020" for an ISO date; NULL if not one.
 * Caller frees. */
char	*date_french(const char *iso);
/* Is s a four-digit year (1000-2999)? */
int	 year_valid(const char *s);

#endif /* FRONTMATTER_H */
