/*
 * office.h - what the office plugin's files share, and nothing they do not:
 * the limits, the namespaces, struct office (one file being read), struct
 * office_style, the host's function table (whose toolkit gives the
 * growable strings, struct savoir_buf) and the functions one file calls
 * in another.
 *
 * Private to plugins/office: no other program or plugin includes it.  The
 * plugin is built with -fvisibility=hidden, so nothing declared here is
 * exported; the one exported symbol stays savoir_plugin_entry (office.c).
 */
#ifndef OFFICE_H
#define OFFICE_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "savoir/plugin.h"
#include "../common/buf.h"

/*
 * Zip bomb limits.  A real document has tens of entries and XML parts of a
 * few MB that deflate 5 to 20 times; zeros deflate about 1000 times.  The
 * ratio is only judged above a floor, where it costs real time and memory.
 */
#define OFFICE_MAX_ENTRIES	10000
#define OFFICE_PART_MAX		((uint64_t)256 << 20)	/* a streamed part */
#define OFFICE_TREE_MAX		((uint64_t)8 << 20)	/* styles, metadata */
#define OFFICE_TOTAL_MAX	((uint64_t)512 << 20)	/* all parts read */
#define OFFICE_RATIO_MAX	200
#define OFFICE_RATIO_FLOOR	((uint64_t)8 << 20)

/* The host refuses a column or an HTML body over 16 MB: stop short of it
 * and say so, rather than lose the whole document. */
#define OFFICE_TEXT_MAX		((size_t)15 << 20)
#define OFFICE_HTML_MAX		((size_t)15 << 20)
#define OFFICE_META_MAX		1000	/* bytes of one metadata value */
#define OFFICE_CHUNK		65536	/* bytes inflated at a time */
#define OFFICE_STYLE_HOPS	16	/* basedOn chains: loops end here */

/* No NOENT, no DTDLOAD, no HUGE: entities stay unexpanded, no DTD is
 * fetched, libxml2's depth and text-node limits hold (the depth limit
 * also bounds the recursion of the walkers below). */
#define OFFICE_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
				 XML_PARSE_NOWARNING | XML_PARSE_COMPACT | \
				 XML_PARSE_NOCDATA)

#define ODT_MIME	"application/vnd.oasis.opendocument.text"
#define DOCX_MIME	"application/vnd.openxmlformats-officedocument." \
			"wordprocessingml.document"

#define NS_W		"http://schemas.openxmlformats.org/wordprocessingml/" \
			"2006/main"
#define NS_W_STRICT	"http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC		"http://schemas.openxmlformats.org/markup-" \
			"compatibility/2006"
#define NS_OFFICE	"urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_STYLE	"urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define NS_TEXT		"urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE	"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_SVG		"urn:oasis:names:tc:opendocument:xmlns:svg-" \
			"compatible:1.0"
#define NS_META		"urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_MANIFEST	"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS	"http://purl.org/dc/terms/"
#define NS_CP		"http://schemas.openxmlformats.org/package/2006/" \
			"metadata/core-properties"

/* Set by the entry point (office.c): the only way to reach the host. */
extern const struct savoir_host *office_host;

/* A paragraph style: what makes a paragraph a heading. */
struct office_style {
	char	*name;		/* shown name ("heading 1"), or NULL */
	char	*parent;	/* id of the style it is based on, or NULL */
	int	 outline;	/* its outline level, 0 if none */
};

struct office {
	struct savoir_sink	*sink;
	const struct savoir_input *in;
	zip_t			*zip;
	int			 odf;		/* else Word */
	uint64_t		 total;		/* bytes inflated so far */
	xmlHashTablePtr		 styles;	/* id -> struct office_style */

	/* The part being parsed. */
	const char		*part;
	xmlParserCtxtPtr	 ctxt;
	int			 stream;	/* blocks read as they end */
	int			 notes;		/* a Word footnotes part */
	int			 doctype;	/* seen, so parsing stopped */
	int			 xml_line;	/* of the first XML error */
	char			*xml_error;

	/* The document. */
	struct savoir_buf	 body;
	struct savoir_buf	 heads;
	struct savoir_buf	 html;
	struct savoir_buf	 notes_text;
	struct savoir_buf	 notes_html;
	struct savoir_buf	 line;		/* scratch: a block's text */
	struct savoir_buf	 clean;		/* scratch: it squashed */
	struct savoir_buf	 row;		/* scratch: a table row */
	struct savoir_buf	 rowhtml;
	char			*first_heading;
	int			 list_open;	/* a <ul> is open in html */
	int			 list_depth;	/* inside an ODF text:list */
	int			 nnotes;

	/* Metadata. */
	char			*title;
	char			*author;
	char			*creator;	/* ODF: who saved it last */
	char			*created;
	char			*modified;
	char			*subject;
	char			*description;
	struct savoir_buf	 keywords;

	int			 full;		/* text cut at the limit */
	int			 errored;	/* error() was called */
};

/* text.c */
void		 office_html(struct savoir_buf *, const char *, size_t);
void		 office_line(struct savoir_buf *, const char *, size_t);
void		 office_squash(const struct savoir_buf *, struct savoir_buf *);
void		 office_addtext(struct savoir_buf *, const xmlChar *);
void		 office_space(struct savoir_buf *);

/* office.c */
void		 office_error(struct office *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 office_oom(struct office *);
int		 office_stopped(const struct office *);

/* xml.c */
int		 office_is(const xmlNode *, const char *, const char *);
int		 office_w(const xmlNode *, const char *);
int		 office_in_w(const xmlNode *);
const char	*office_attr(const xmlNode *, const char *, const char *);
xmlNode		*office_child(const xmlNode *, const char *, const char *);
int		 office_int(const char *, int);
char		*office_meta_text(struct office *, const xmlNode *);
void		 office_set(struct office *, char **, const xmlNode *);
void		 office_meta(struct office *, const xmlNode *);

/* container.c */
int		 office_open(struct office *);
int		 office_parse(struct office *, const char *, int, int,
		    xmlDocPtr *);

/* styles.c */
void		 office_style_free(void *, const xmlChar *);
void		 office_style_add(struct office *, const char *, const char *,
		    const char *, int);
int		 office_level(struct office *, const char *);

/* blocks.c */
void		 office_close_list(struct office *);
void		 office_para(struct office *, int, int,
		    const struct savoir_buf *);
void		 office_note(struct office *, const char *,
		    const struct savoir_buf *);
void		 office_block(struct office *, xmlNode *);

/* docx.c */
int		 office_docx_skip(const xmlNode *);
void		 office_docx_inline(struct office *, const xmlNode *,
		    struct savoir_buf *);
void		 office_docx_para(struct office *, const xmlNode *);
void		 office_docx_note(struct office *, const xmlNode *);
int		 office_read_docx(struct office *);

/* odf.c */
void		 office_styles_odf(struct office *, xmlNode *);
int		 office_odf_skip(const xmlNode *);
void		 office_odf_inline(struct office *, const xmlNode *,
		    struct savoir_buf *, int);
void		 office_odf_para(struct office *, const xmlNode *, int);
int		 office_read_odf(struct office *);

#endif /* OFFICE_H */
