/*
 * legi.h - what the legi plugin's two files share: legi.c (a LEGI code's
 * JSON tree, one document per article) and html.c (an article's HTML
 * written out as the body text and as allow-listed HTML).  The limits,
 * the table of known codes, struct legi (one code being read) and the
 * functions one file calls in the other.
 *
 * Private to plugins/legi: no other program or plugin includes it.  The
 * plugin is built with -fvisibility=hidden, so nothing declared here is
 * exported; the one exported symbol stays savoir_plugin_entry (legi.c).
 */
#ifndef LEGI_H
#define LEGI_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>

#include "savoir/plugin.h"
#include "../common/buf.h"

/* Distinct unknown `etat` values warned about. */
#define LEGI_MAX_ODD_ETATS	8
#define LEGIFRANCE_ARTICLE \
	"https://www.legifrance.gouv.fr/codes/article_lc/"

/* Set by the entry point (legi.c): the only way to reach the host. */
extern const struct savoir_host *host;

/* A code this plugin knows by its LEGITEXT id (legi.c says more). */
struct legi_code {
	const char	*cid;
	const char	*title;
	const char	*short_name;
};
extern const struct legi_code legi_codes[];
extern const size_t legi_ncodes;

/* Where an article stands, judged on the code's own version date. */
enum legi_status {
	ST_VIGUEUR,		/* in force */
	ST_FUTURE,		/* in force from a later date */
	ST_ENDED,		/* its version ended (dateFin passed) */
	ST_DEAD			/* ABROGE, ANNULE, PERIME ... */
};

/* One section of the tree; parent is an index + 1 (0: the root). */
struct legi_sec {
	const char	*title;
	size_t		 parent;
	int		 depth;
};

/* One article kept for emission; strings belong to the JSON tree. */
struct legi_art {
	json_t		*data;
	size_t		 sec;		/* index + 1 in l->sec, 0: the root */
	size_t		 order;		/* in the file */
	enum legi_status status;
	const char	*etat;		/* as written, may be NULL */
	char		 debut[11];	/* YYYY-MM-DD or "" */
	char		 fin[11];	/* "" when open-ended */
	char		*slug;		/* the id part after "<code>/" */
	const char	*dup_of;	/* LEGI id of the one that kept it */
	int		 skip;		/* its id would repeat another's */
};

struct legi {
	struct savoir_sink	*sink;
	uint32_t		 flags;
	json_t			*root;
	const char		*title;		/* full name of the code */
	const char		*cid;		/* LEGITEXT..., may be NULL */
	const char		*tid;
	char			*short_name;	/* "ct" */
	char			*facet_code;	/* "CT" */
	char			 ref[11];	/* the code's version date */
	struct legi_sec		*sec;
	size_t			 nsec;
	struct legi_art		*art;
	size_t			 nart;
	size_t			 narticles;	/* seen, kept or not */
	size_t			 nskipped;	/* repealed, not asked for */
	const char		*odd_etats[LEGI_MAX_ODD_ETATS];
	size_t			 nodd;
	htmlParserCtxtPtr	 ctxt;
	/* Scratch buffers, reused from one article to the next. */
	struct savoir_buf	 id, title_b, text, html, heads, chemin, facet,
				 tmp, tmp2;
	/* The HTML walker's state. */
	int			 line_start;	/* text is at a line start */
	int			 pending_space;
};

/* legi.c */
/* Is s NULL, empty or only white space? */
int	 legi_blank(const char *s);

/* html.c */
/* Text into the body text: white space runs become one space. */
void	 legi_text_add(struct legi *, const char *s, size_t n);
/* End the body text so far, or its line. */
void	 legi_text_end(struct legi *);
void	 legi_text_line(struct legi *);
/* Parse one piece of an article's HTML into l->text and l->html. */
void	 legi_html_piece(struct legi *, const char *html);

#endif /* LEGI_H */
