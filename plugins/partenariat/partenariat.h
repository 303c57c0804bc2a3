/*
 * partenariat.h - what the partenariat plugin's two files share:
 * partenariat.c (the format: reading CSV and JSON Lines records, checking
 * them) and document.c (a record as a document).  The columns, struct
 * pt_rec (one record), struct pt_file (one file being read) and the
 * functions one file calls in the other.
 *
 * Private to plugins/partenariat: no other program or plugin includes it.
 * The plugin is built with -fvisibility=hidden, so nothing declared here
 * is exported; the one exported symbol stays savoir_plugin_entry
 * (partenariat.c).
 */
#ifndef PARTENARIAT_H
#define PARTENARIAT_H

#include <stddef.h>

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/grille.h"

#define PT_ID_PREFIX	"partenariat/"

/* Set by the entry point (partenariat.c): the only way to reach the host. */
extern const struct savoir_host *host;

/* The columns, in the documented order. */
enum pt_col {
	PT_ID,
	PT_COLLECTIVITE,
	PT_TYPE,
	PT_PARTENAIRE,
	PT_PAYS,
	PT_DEBUT,
	PT_FIN,
	PT_THEMES,
	PT_STATUT,
	PT_FINANCEURS,
	PT_MONTANT,
	PT_DESCRIPTION,
	PT_SOURCE,
	PT_EXEMPLE,
	PT_NCOLS
};

#define PT_REQUIRED	0x1	/* a row without it is skipped */
#define PT_LIST		0x2	/* ';'-separated text, or a JSON array */
#define PT_NUMBER	0x4	/* may be a JSON integer */
#define PT_MULTILINE	0x8	/* line breaks are kept */

struct pt_column {
	const char	*name;
	const char	*label;		/* French, for metadata and the card */
	int		 flags;
};
extern const struct pt_column pt_columns[PT_NCOLS];

struct pt_list {
	char	**v;
	size_t	  n;
};

/* One record, its values cleaned: NULL where a value is empty or absent. */
struct pt_rec {
	long		 line;		/* where the record starts */
	char		*v[PT_NCOLS];	/* list columns: NULL, see lists */
	struct pt_list	 themes;
	struct pt_list	 financeurs;
	long long	 montant;	/* -1 without one */
	char		*docid;
	char		*title;
	/* The analysis grid (JSON Lines only): note + 1, 0 where absent. */
	signed char	 grid_note[GRILLE_N];
	char		*grid_comment[GRILLE_N];	/* or NULL */
	int		 bad;		/* a warning skips it */
	/* Other records with the same authority / partner: a run of
	 * pt_file.order[] sorted by that key. */
	size_t		 grp[2][2];
};

/* One file being read. */
struct pt_file {
	struct savoir_sink	*sink;		/* NULL while probing */
	struct pt_rec		*recs;
	size_t			 nrecs;
	size_t			 caprecs;
	size_t			*order[2];	/* record indexes by key */
	int			 failed;	/* out of memory */
	int			 stop;		/* a file error was reported */

	/* CSV only. */
	int			 probe;		/* stop after the header */
	int			 probe_ok;
	int			 header_done;
	int			*colmap;	/* header position -> pt_col */
	size_t			 ncolmap;
	struct pt_list		 fields;	/* the row being read */
	long			 line;		/* line being fed */
	long			 rec_line;	/* where that row started */
	int			 in_rec;
	size_t			 nrows;		/* rows after the header */
	char			 colname[24];	/* see pt_col_name */
};

/* partenariat.c */
/* The items of a list column joined by sep, in b (reset first). */
const char	*pt_join(struct savoir_buf *b, const struct pt_list *l,
		    const char *sep);
void		 pt_rec_free(struct pt_rec *);
/* Is s an http(s) URL: a scheme, a host, no blank or markup character? */
int		 pt_http_url(const char *s);
/* A warning for the file; nothing while probing (no sink). */
void		 pt_warn(struct pt_file *f, long line, const char *fmt, ...)
		    SAVOIR_PRINTF(3, 4);

/* document.c */
/* Drop the records that repeat an id (with a warning), then give each its
 * id, title and groups of records sharing a key: 0, or -1 (no memory). */
int		 pt_prepare(struct pt_file *);
/* Record i of the file as one document: 0, or -1. */
int		 pt_emit(struct pt_file *, size_t i);

#endif /* PARTENARIAT_H */
