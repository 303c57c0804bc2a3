/*
 * extract_int.h - what the files of the extractor share (extract.c,
 * child.c, host.c, record.c, zygote.c): the limits on what a plugin may
 * send, the record format on the pipe from child to parent, the child's
 * sink and the parent's reader.  Only these files include it; the rest of
 * libsavoir-index sees index.h.
 */
#ifndef SAVOIR_EXTRACT_INT_H
#define SAVOIR_EXTRACT_INT_H

#include <sys/types.h>

#include "index.h"

#define X_OUT_MAX	((uint64_t)64 << 20)	/* all records of a file */
#define X_FIELD_MAX	((size_t)16 << 20)	/* a column, the HTML, a value */
#define X_REC_MAX	(X_FIELD_MAX + 1024)	/* one record on the pipe */
#define X_LIST_MAX	10000		/* facets, links, meta per document */
#define X_DOCS_MAX	1000000		/* documents per file */
#define X_WARN_MAX	1000		/* warnings per file */
#define X_MSG_MAX	1024		/* one warning or error, in bytes */
#define X_ID_MAX	200		/* a document id, in bytes */
#define X_KEY_MAX	64		/* a facet key, in bytes */
#define X_PIPE_FD	3		/* the result pipe, in the child */

/*
 * Records, child to parent: one type byte, a 32-bit length in host order
 * (both ends are the same binary), then the payload.  Strings inside a
 * payload are separated by NUL bytes, which repaired text never holds.
 */
enum {
	REC_PLUGIN = 'P',	/* uint32 index in plugins->v: now running */
	REC_BEGIN = 'B',	/* id, type */
	REC_TEXT = 'T',		/* column byte, then text */
	REC_FACET = 'F',	/* key, value */
	REC_LINK = 'L',		/* target, rel, label ("" = none) */
	REC_HTML = 'H',		/* HTML as given (UTF-8 repaired) */
	REC_META = 'M',		/* key, label ("" = none), value */
	REC_WEIGHT = 'G',	/* the weight as decimal text */
	REC_END = 'E',		/* (empty) */
	REC_WARN = 'W',		/* one line */
	REC_ERROR = 'X',	/* one line: why the file failed */
	REC_DONE = 'D'		/* (empty): extract returned 0 */
};
#define REC_HDR	5

/* The child's side: what the host functions check and where they write. */
struct savoir_sink {
	const struct plugins	*ps;
	const struct plugin	*plugin;	/* running now, or NULL */
	int			 fd;
	int			 failed;
	char			 error[X_MSG_MAX];
	int			 in_doc;
	char			 docid[X_ID_MAX + 1];
	size_t			 col[3];	/* bytes per text column */
	size_t			 nfacets;
	size_t			 nlinks;
	size_t			 nmeta;
	size_t			 repaired;	/* in the open document */
	size_t			 ndocs;
	size_t			 nwarnings;
	uint64_t		 out;		/* bytes sent */
	size_t			 wlen;
	unsigned char		 wbuf[65536];
};

/* The parent's side of one child's stream: record.c fills it, extract.c
 * judges the outcome from it. */
struct xcollect {
	const struct plugins	*ps;
	const struct plugin	**cand;
	size_t			  ncand;
	struct xfile		 *out;
	const struct plugin	 *plugin;	/* last announced */
	struct xdoc		 *doc;		/* open document */
	struct buf		  in;		/* bytes not yet parsed */
	uint64_t		  total;
	int			  done;
	char			 *error;	/* the child's REC_ERROR */
	char			 *garbled;	/* why the stream is refused */
	/* The open document, counted again here: the child's counts are
	 * not to be trusted. */
	char			  code[32];	/* folded "code" facet, or "" */
	size_t			  col[3];	/* bytes per text column */
	size_t			  nfacets;
	size_t			  nlinks;
	size_t			  nmeta;
	size_t			  repaired;	/* fixed here, not by the child */
};

/* child.c */
/* Run plugins on abspath in this new process, writing records on fd
 * (either end of the pipe, any number); never returns. */
/* In the zygote, before its filter: /dev/null kept for its children. */
void		 child_keep_null(void);
__dead void	 child_run(const struct plugins *, const struct plugin **,
		    size_t, const char *, const char *,
		    const struct extract_limits *, int, pid_t);

/* host.c */
/* The sink of this process, writing on fd: the host functions use it
 * from now on (child only). */
struct savoir_sink *sink_open(const struct plugins *, int);
int	 sink_fail(struct savoir_sink *, const char *, ...)
	    SAVOIR_PRINTFLIKE(2, 3);
int	 sink_send1(struct savoir_sink *, int, const void *, size_t, int);
void	 sink_flush(struct savoir_sink *);

/* record.c */
/* The checks both sides apply; record_clean and record_one_line are
 * described where they are defined.  record_read reads records until EOF
 * (0), the deadline (1) or a stream that must be cut (-1). */
const char	*record_id_check(const char *);
int		 record_type_declared(const struct plugin *, const char *);
const char	*record_facet_key_check(const char *);
const char	*record_clean(const char *, size_t, size_t *, char **,
		    size_t *);
char		*record_one_line(const char *, size_t);
int		 record_read(struct xcollect *, int, int64_t);

/* zygote.c */
/* Have the zygote fork a child: 0 with its pid and the pipe's read end. */
struct xzygote;
int	 zygote_request(struct xzygote *, const char *, const char *,
	    const struct extract_limits *, pid_t *, int *);

#endif /* SAVOIR_EXTRACT_INT_H */
