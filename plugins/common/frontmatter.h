/*
 * frontmatter.h - the YAML front matter block shared by the notes and legal
 * plugins, the checks every plugin input needs before it is parsed, and the
 * few helpers (dates, a string buffer) both plugins need.
 *
 * Compiled into each plugin (not into libsavoir): it may use libc and
 * libyaml only, never a host symbol.  Every function returns 0 / -1; on -1,
 * *cause gets a message for a person (English, with a file line number
 * where there is one) that the caller frees.
 */
#ifndef FRONTMATTER_H
#define FRONTMATTER_H

#include <stddef.h>

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
 * The checks before any parsing: not empty, no NUL byte, valid UTF-8.  The
 * message
 * names the line of the first bad byte, since a Latin-1 file is the usual
 * culprit.
 */
int	 text_check(const char *data, size_t len, char **cause);
/* Is s a date written YYYY-MM-DD that exists?  Sets year, month, day. */
int	 date_parse(const char *s, int *year, int *month, int *day);
/* "6 août 2021", "1er mai 2020" for an ISO date; NULL if not one.
 * Caller frees. */
char	*date_french(const char *iso);
/* Is s a four-digit year (1000-2999)? */
int	 year_valid(const char *s);

/*
 * A growable string for the plugins, which cannot use libsavoir's struct
 * buf.  An allocation failure is sticky: later adds do nothing and
 * ->failed stays set, so a caller checks once at the end.
 */
struct sbuf {
	char	*s;		/* NUL-terminated once added to */
	size_t	 len;
	size_t	 cap;
	int	 failed;
};
void	 sbuf_add(struct sbuf *, const char *, size_t);
void	 sbuf_adds(struct sbuf *, const char *);
void	 sbuf_addc(struct sbuf *, char);
/* Add text escaped for HTML (& < > " '). */
void	 sbuf_html(struct sbuf *, const char *, size_t);
/* Drop trailing white space. */
void	 sbuf_rtrim(struct sbuf *);
const char *sbuf_str(const struct sbuf *);	/* "" when empty */
void	 sbuf_reset(struct sbuf *);		/* keeps the memory */
void	 sbuf_free(struct sbuf *);

#endif /* FRONTMATTER_H */
