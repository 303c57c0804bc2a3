/*
 * legi.c - the `legi` plugin: a whole code in the JSON tree of the DILA's
 * LEGI base, as the Légifrance API gives it and @socialgouv/legi-data
 * packages it (one file per code, e.g. LEGITEXT000006072050.json for the
 * Code du travail): a root {"type": "code", "data": {...}, "children": [...]}
 * whose children are sections, themselves holding sections and articles.
 * Each article in force becomes one document, id "<short name>/<num>"
 * ("ct/L1234-1"), so that it can be cited and linked on its own.
 *
 * The file is parsed once with jansson (the Code du travail is 55 MB),
 * then three passes: walk the tree once to collect the articles with their
 * section path, give each a unique id (an article in force keeps the plain
 * number when two share one), emit them in file order.  "In force" is
 * judged on the code's own version date (data.dateDebutVersion), from the
 * article's `etat` and dates: LEGI keeps an `etat` set when a version was
 * written (ABROGE_DIFF, VIGUEUR_DIFF, MODIFIE) long after it stopped
 * saying what holds.  The article text comes as HTML; html.c parses it
 * with libxml2's HTML parser and writes it out again as plain text (the
 * body column) and as HTML built from an allow-list, every piece of text
 * escaped, so nothing of the file reaches the page as markup.
 *
 * The `code` facet holds the short name in capitals ("CT", like the legal
 * plugin's "CGCT"): the host folds that facet to choose the code of an
 * article reference that names none (indexer.c, run_citations), so it must
 * fold to the id prefix.  The full name is the `code` metadata.
 *
 * It must never call a host symbol: everything goes through the host's
 * function table.  It must never call xmlCleanupParser either: libxml2 is
 * shared with the host's sanitizer in the same process.  Repealed articles
 * are skipped unless the host asks for them (SAVOIR_INPUT_WITH_REPEALED).
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/decl.h"
#include "legi.h"

#define LEGI_VERSION	"1.0.0"
#define LEGI_TYPE	"article-officiel"

/* Sections deeper than this are not walked (real codes have about 10). */
#define LEGI_MAX_DEPTH		64
/* How many top section levels make the `section` facet. */
#define LEGI_FACET_LEVELS	3
/* How many of the innermost section titles go in the headings column. */
#define LEGI_HEADING_LEVELS	3
/* How much of the file's head the probe reads. */
#define LEGI_PROBE_HEAD		65536
#define LEGI_PROBE_TAIL		4096
/* Document ids are at most 200 bytes (the host refuses longer ones). */
#define LEGI_ID_MAX		200
/* "Modifié par ..." lines shown per article. */
#define LEGI_MAX_MODIFS		8

const struct savoir_host *host;

static const struct savoir_facet_decl legi_facets[] = {
	FACET_CODE, FACET_ARTICLE,
	{ "section", "Section", SAVOIR_FACET_KEYWORD },
	FACET_ETAT, FACET_ANNEE, FACET_END
};

/*
 * Not "article": the host refuses a plugin that declares a type another
 * plugin already declared (plugin.c, plugin_check), and the legal plugin
 * owns "article" for its fiches.
 */
static const struct savoir_type_decl legi_types[] = {
	{ LEGI_TYPE, "Article (texte officiel)", "Articles (textes officiels)",
	    legi_facets }, TYPE_END
};

static const char *const legi_extensions[] = { ".json", NULL };
static const char *const legi_mime_types[] = { "application/json", NULL };

/*
 * Codes whose short name is settled, by LEGI id and by title (folded:
 * lower-case ASCII words).  The names the host's citation finder knows
 * (cite.c: cgct, ct, cenv) must stay as they are.  The ids were checked
 * against the LEGI index of codes; where an id is not certain only the
 * title is given.
 */
const struct legi_code legi_codes[] = {
	{ "LEGITEXT000006070633", "code general des collectivites "
	    "territoriales", "cgct" },
	{ "LEGITEXT000006072050", "code du travail", "ct" },
	{ "LEGITEXT000006074220", "code de l environnement", "cenv" },
	{ "LEGITEXT000006073189", "code de la securite sociale", "css" },
	{ "LEGITEXT000006071367", "code rural et de la peche maritime",
	    "crpm" },
	{ "LEGITEXT000022197698", "code rural et de la peche maritime",
	    "crpm" },
	{ "LEGITEXT000031366350", "code des relations entre le public et l "
	    "administration", "crpa" },
	{ "LEGITEXT000006070721", "code civil", "cciv" },
	{ "LEGITEXT000005634379", "code de commerce", "ccom" },
	{ "LEGITEXT000006070719", "code penal", "cp" },
	{ "LEGITEXT000006071154", "code de procedure penale", "cpp" },
	{ "LEGITEXT000006070716", "code de procedure civile", "cpc" },
	{ "LEGITEXT000006069577", "code general des impots", "cgi" },
	{ "LEGITEXT000006069583", "livre des procedures fiscales", "lpf" },
	{ "LEGITEXT000006072665", "code de la sante publique", "csp" },
	{ "LEGITEXT000006074075", "code de l urbanisme", "curb" },
	{ "LEGITEXT000006074069", "code de l action sociale et des familles",
	    "casf" },
	{ "LEGITEXT000006070933", "code de justice administrative", "cja" },
	{ "LEGITEXT000006070249", "code des juridictions financieres",
	    "cjf" },
	{ "LEGITEXT000006070239", "code electoral", "celec" },
	{ "LEGITEXT000006071191", "code de l education", "cedu" },
	{ "LEGITEXT000006070299", "code general de la propriete des "
	    "personnes publiques", "cg3p" },
	{ "LEGITEXT000006074228", "code de la route", "croute" },
	{ "LEGITEXT000006072026", "code monetaire et financier", "cmf" },
	{ "LEGITEXT000006070158", "code de l entree et du sejour des "
	    "etrangers et du droit d asile", "ceseda" },
	{ "LEGITEXT000006069565", "code de la consommation", "cconso" },
	{ "LEGITEXT000006074096", "code de la construction et de l "
	    "habitation", "cch" },
	{ "LEGITEXT000023983208", "code de l energie", "cener" },
	{ "LEGITEXT000006074236", "code du patrimoine", "cpat" },
	{ "LEGITEXT000023086525", "code des transports", "ctrans" },
	{ "LEGITEXT000025503132", "code de la securite interieure", "csi" },
	{ "LEGITEXT000006073984", "code des assurances", "cassur" },
	{ "LEGITEXT000006069414", "code de la propriete intellectuelle",
	    "cpi" },
	{ "LEGITEXT000006071307", "code de la defense", "cdef" },
	{ "LEGITEXT000006070667", "code de la voirie routiere", "cvr" },
	{ "LEGITEXT000006071318", "code du sport", "csport" },
	{ "LEGITEXT000006074073", "code du tourisme", "ctour" },
	{ NULL, "code de la commande publique", "ccp" },
	{ NULL, "code general de la fonction publique", "cgfp" },
};
const size_t legi_ncodes = sizeof legi_codes / sizeof legi_codes[0];

/* Words left out of the initials of a code we do not know. */
static const char *const legi_small_words[] = { "a", "au", "aux", "d", "de",
	"des", "du", "en", "et", "l", "la", "le", "les", "pour", "sur", NULL };

/* LEGI `etat` values, with what a person reads for each. */
static const struct legi_etat {
	const char	*etat;
	const char	*fr;
	int		 dead;
} legi_etats[] = {
	{ "VIGUEUR", "en vigueur", 0 },
	{ "VIGUEUR_DIFF", "en vigueur différée", 0 },
	{ "ABROGE_DIFF", "abrogation différée", 0 },
	{ "MODIFIE", "modifié", 0 },
	{ "ABROGE", "abrogé", 1 },
	{ "ANNULE", "annulé", 1 },
	{ "PERIME", "périmé", 1 },
	{ "DISJOINT", "disjoint", 1 },
	{ "TRANSFERE", "transféré", 1 },
	{ "MODIFIE_MORT_NE", "mort-né", 1 },
	FACET_END
};

#define FACET_VIGUEUR	"en vigueur"
#define FACET_FUTURE	"en vigueur différée"
#define FACET_ABROGE	"abrogé"

/* --- strings ---------------------------------------------------------- */

/*
 * Add s with its ASCII white space runs made one space and trimmed: LEGI
 * titles carry trailing blanks ("Partie législative  ") and line breaks.
 */
static void
legi_add_squeezed(struct savoir_buf *b, const char *s)
{
	static const char	 blanks[] = " \t\n\r\f\v";
	size_t			 n;
	int			 any = 0;

	for (s += strspn(s, blanks); *s != '\0'; s += strspn(s, blanks)) {
		n = strcspn(s, blanks);
		if (any)
			host->buf_adds(b, " ");
		host->buf_add(b, s, n);
		any = 1;
		s += n;
	}
}

/*
 * Decode one UTF-8 character of s (jansson has validated the text, but
 * nothing is taken on trust).  Returns its length; *c is U+FFFD for a bad
 * byte.
 */
static size_t
legi_utf8(const unsigned char *s, uint32_t *c)
{
	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*c = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*c = ((uint32_t)(s[0] & 0x0F) << 12) |
		    ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
		*c = ((uint32_t)(s[0] & 0x07) << 18) |
		    ((uint32_t)(s[1] & 0x3F) << 12) |
		    ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	*c = 0xFFFD;
	return 1;
}

/* ASCII for a Latin-1 or Latin Extended-A letter French uses, or NULL. */
static const char *
legi_latin(uint32_t c)
{
	static const char *const l1[64] = {
		"A", "A", "A", "A", "A", "A", "AE", "C",	/* C0 */
		"E", "E", "E", "E", "I", "I", "I", "I",		/* C8 */
		"D", "N", "O", "O", "O", "O", "O", NULL,	/* D0 */
		"O", "U", "U", "U", "U", "Y", "TH", "ss",	/* D8 */
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* E8 */
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* F0 */
		"o", "u", "u", "u", "u", "y", "th", "y"		/* F8 */
	};

	if (c >= 0xC0 && c <= 0xFF)
		return l1[c - 0xC0];
	if (c == 0x152)
		return "OE";
	if (c == 0x153)
		return "oe";
	if (c == 0x178)
		return "Y";
	return NULL;
}

/*
 * Fold s into b as ASCII words: letters lose their accents, anything else
 * separates words.  For a title (slug == 0) words are lower case and
 * separated by one space: "Code de l'environnement" gives "code de l
 * environnement".  For an id part (slug != 0) case is kept, words are
 * joined by '-' and a '*' vanishes: "R*1233-3-4" gives "R1233-3-4" (the
 * star marks a decree in Conseil d'État, not a different number) and
 * "Annexe II à l'article R4312-6" gives "Annexe-II-a-l-article-R4312-6".
 */
static void
legi_fold(struct savoir_buf *b, const char *s, int slug)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*rep;
	char			 one[2] = { 0, 0 }, ch;
	size_t			 start = b->len, i;
	uint32_t		 c;
	int			 sep = 0;

	while (*p != '\0') {
		p += legi_utf8(p, &c);
		if (c < 0x80 && isalnum((int)c)) {
			one[0] = (char)c;
			rep = one;
		} else if (c == '*' && slug)
			continue;
		else if ((rep = legi_latin(c)) == NULL) {
			sep = 1;
			continue;
		}
		if (sep && b->len > start)
			host->buf_adds(b, slug ? "-" : " ");
		sep = 0;
		for (i = 0; rep[i] != '\0'; i++) {
			ch = slug ? rep[i] :
			    (char)tolower((unsigned char)rep[i]);
			host->buf_add(b, &ch, 1);
		}
	}
}

/* "1er mai 2008" for "2008-05-01" into b. */
static void
legi_date_fr(struct savoir_buf *b, const char *iso)
{
	static const char *const months[] = { "janvier", "février", "mars",
	    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	    "novembre", "décembre" };
	int	 y, m, d;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		host->buf_adds(b, iso);
		return;
	}
	host->buf_printf(b, "%d%s %s %d", d, d == 1 ? "er" : "",
	    months[m - 1], y);
}

/* --- JSON ------------------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Is s a non-empty string of something other than white space? */
int
legi_blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Is s "YYYY-MM-DD" (followed by anything, like "T00:00:00Z")? */
static int
legi_iso_ok(const char *s)
{
	int	 i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/*
 * A LEGI date into out as "YYYY-MM-DD": articles carry milliseconds since
 * 1970 (UTC midnight), sections and the code carry strings.  Returns 0
 * when the value is absent or not a date.  Dates from 2999 on are LEGI's
 * "no end" and come back as "".
 */
static int
legi_date(const json_t *v, char out[11])
{
	struct tm	 tm;
	time_t		 t;
	double		 ms;
	const char	*s;

	out[0] = '\0';
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strlen(s) < 10 || !legi_iso_ok(s))
			return 0;
		memcpy(out, s, 10);
		out[10] = '\0';
	} else if (json_is_number(v)) {
		ms = json_number_value(v);
		/* Years 1000 to 9999, whatever time_t allows. */
		if (ms < -30610224000000.0 || ms > 253402300799000.0)
			return 0;
		t = (time_t)(ms / 1000.0);
		if ((double)t * 1000.0 > ms)
			t--;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
			return 0;
	} else
		return 0;
	if (strcmp(out, "2999") >= 0)
		out[0] = '\0';
	return 1;
}

/* --- the probe -------------------------------------------------------- */

/* Does [p, end) hold `"type"`, blanks, ':', blanks, `"code"`? */
static int
legi_has_type_code(const char *p, const char *end)
{
	static const char	 key[] = "\"type\"", val[] = "\"code\"";
	const char		*q;

	for (; (size_t)(end - p) >= sizeof key - 1; p++) {
		if (memcmp(p, key, sizeof key - 1) != 0)
			continue;
		q = p + sizeof key - 1;
		while (q < end && isspace((unsigned char)*q))
			q++;
		if (q == end || *q != ':')
			continue;
		for (q++; q < end && isspace((unsigned char)*q); q++)
			;
		if ((size_t)(end - q) >= sizeof val - 1 &&
		    memcmp(q, val, sizeof val - 1) == 0)
			return 1;
	}
	return 0;
}

static int
legi_has(const char *p, const char *end, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (*p == *needle && memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * A .json file is ours when its top looks like a LEGI code tree: an
 * object, a `"type": "code"`, `"children"` and a LEGI identifier in the
 * first 64 KB (the code's own `data` comes first in what the Légifrance
 * API and legi-data write; the type is also looked for at the very end,
 * for writers that put it last).  This reads the bytes rather than parsing
 * on purpose: the whole Code du travail is 55 MB, and a file meant for us
 * whose JSON is broken further down must still come to extract, which
 * reports the error with its line and column.
 */
static int
legi_probe(void *state, const struct savoir_input *in)
{
	const char	*p = (const char *)in->data, *end = p + in->len;
	const char	*head_end, *tail;

	(void)state;
	if (in->len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || *p != '{')
		return 0;
	head_end = (size_t)(end - p) > LEGI_PROBE_HEAD ? p + LEGI_PROBE_HEAD :
	    end;
	tail = (size_t)(end - p) > LEGI_PROBE_TAIL ? end - LEGI_PROBE_TAIL : p;
	if (!legi_has(p, head_end, "\"children\"") ||
	    !legi_has(p, head_end, "\"LEGI"))
		return 0;
	if (!legi_has_type_code(p, head_end) && !legi_has_type_code(tail, end))
		return 0;
	return 90;
}

/* --- the code --------------------------------------------------------- */

/* The short name of the code: known by its id or title, else made. */
static int
legi_short_name(struct legi *l)
{
	const struct legi_code	*c;
	struct savoir_buf	 fold = SAVOIR_BUF_INIT, ini = SAVOIR_BUF_INIT;
	const char		*w, *sp, *digits;
	size_t			 i, k, n;

	legi_fold(&fold, l->title, 0);
	for (i = 0; i < sizeof legi_codes / sizeof legi_codes[0]; i++) {
		c = &legi_codes[i];
		if ((c->cid != NULL && ((l->cid != NULL &&
		    strcmp(c->cid, l->cid) == 0) || (l->tid != NULL &&
		    strcmp(c->cid, l->tid) == 0))) ||
		    strcmp(c->title, buf_str(&fold)) == 0) {
			l->short_name = strdup(c->short_name);
			goto done;
		}
	}
	/*
	 * Unknown: the initials of its words ("Code de déontologie des
	 * architectes" gives "cda"), then the last four digits of its LEGI
	 * id so that two such codes hardly ever meet.  One word of letters
	 * and digits only: the host folds the `code` facet to name the
	 * code of citations, and a '-' would fold to a space.
	 */
	for (w = buf_str(&fold); *w != '\0'; w = *sp != '\0' ? sp + 1 : sp) {
		if ((sp = strchr(w, ' ')) == NULL)
			sp = w + strlen(w);
		n = (size_t)(sp - w);
		for (k = 0; legi_small_words[k] != NULL; k++)
			if (strlen(legi_small_words[k]) == n &&
			    memcmp(legi_small_words[k], w, n) == 0)
				break;
		if (legi_small_words[k] == NULL)
			host->buf_add(&ini, w, 1);
	}
	if (ini.len == 0)
		host->buf_adds(&ini, "code");
	digits = l->cid != NULL ? l->cid : l->tid;
	if (digits != NULL && (n = strlen(digits)) >= 4 &&
	    strspn(digits + n - 4, "0123456789") == 4)
		host->buf_adds(&ini, digits + n - 4);
	l->short_name = ini.failed ? NULL : strdup(buf_str(&ini));
	host->warn(l->sink, 0, "code \"%s\" (%s) is not in the table of "
	    "known codes: its articles get ids \"%s/...\"", l->title,
	    l->cid != NULL ? l->cid : "no LEGI id",
	    l->short_name != NULL ? l->short_name : "?");
done:
	host->buf_free(&fold);
	host->buf_free(&ini);
	if (l->short_name == NULL || (l->facet_code = strdup(l->short_name)) ==
	    NULL) {
		host->error(l->sink, "out of memory");
		return -1;
	}
	for (i = 0; l->facet_code[i] != '\0'; i++)
		l->facet_code[i] = (char)toupper((unsigned char)
		    l->facet_code[i]);
	return 0;
}

/* The root: a code with a title; its version date. */
static int
legi_root(struct legi *l)
{
	const json_t	*data;
	const char	*type;
	struct tm	 tm;
	time_t		 now;

	if (!json_is_object(l->root)) {
		host->error(l->sink, "the top level is not a JSON object: not "
		    "a LEGI code tree");
		return -1;
	}
	if ((type = jstr(l->root, "type")) == NULL ||
	    strcmp(type, "code") != 0) {
		host->error(l->sink, "the top level has \"type\": %s%s%s, "
		    "not \"code\": not a LEGI code tree", type != NULL ?
		    "\"" : "", type != NULL ? type : "nothing",
		    type != NULL ? "\"" : "");
		return -1;
	}
	data = json_object_get(l->root, "data");
	if (!json_is_object(data)) {
		host->error(l->sink, "the code has no \"data\" object");
		return -1;
	}
	l->title = jstr(data, "title");
	if (legi_blank(l->title))
		l->title = jstr(data, "titre");
	if (legi_blank(l->title)) {
		host->error(l->sink, "the code has no title (data.title)");
		return -1;
	}
	l->cid = jstr(data, "cid");
	l->tid = jstr(data, "id");
	if (!json_is_array(json_object_get(l->root, "children"))) {
		host->error(l->sink, "the code \"%s\" has no \"children\" "
		    "array", l->title);
		return -1;
	}
	/* In force means in force on the date of this version of the code. */
	if (!legi_date(json_object_get(data, "dateDebutVersion"), l->ref) ||
	    l->ref[0] == '\0') {
		if (!legi_date(json_object_get(data, "dateModif"), l->ref) ||
		    l->ref[0] == '\0') {
			now = time(NULL);
			if (gmtime_r(&now, &tm) == NULL || strftime(l->ref,
			    sizeof l->ref, "%Y-%m-%d", &tm) != 10)
				memcpy(l->ref, "2000-01-01", 11);
			host->warn(l->sink, 0, "the code has no version date "
			    "(data.dateDebutVersion): articles are judged in "
			    "force today, %s", l->ref);
		}
	}
	return legi_short_name(l);
}

/* --- pass 1: the tree ------------------------------------------------- */

/*
 * The section path of sec (index + 1) into b, levels joined by sep: all
 * of them (maxlev 0), the top maxlev levels (maxlev > 0), or the last
 * -maxlev levels (maxlev < 0).
 */
static void
legi_path(struct legi *l, struct savoir_buf *b, size_t sec, int maxlev,
    const char *sep)
{
	size_t	 chain[LEGI_MAX_DEPTH + 1], n = 0;

	/* chain[0] is the innermost section, chain[n - 1] the top one. */
	for (; sec != 0 && n < LEGI_MAX_DEPTH + 1; sec = l->sec[sec - 1].parent)
		chain[n++] = sec;
	if (maxlev > 0 && n > (size_t)maxlev) {
		memmove(chain, chain + n - maxlev, maxlev * sizeof *chain);
		n = (size_t)maxlev;
	} else if (maxlev < 0 && n > (size_t)-maxlev)
		n = (size_t)-maxlev;
	while (n-- > 0) {
		legi_add_squeezed(b, l->sec[chain[n] - 1].title);
		if (n > 0)
			host->buf_adds(b, sep);
	}
}

/* "the code" or "section <path>", for a message (in l->tmp). */
static const char *
legi_secname(struct legi *l, size_t sec)
{
	if (sec == 0)
		return "the code";
	buf_reset(&l->tmp);
	host->buf_adds(&l->tmp, "section ");
	legi_path(l, &l->tmp, sec, 0, " > ");
	return l->tmp.failed ? "a section" : buf_str(&l->tmp);
}

/* Name an article for a message: its number, LEGI id and place. */
static const char *
legi_where(struct legi *l, const json_t *data, size_t sec)
{
	const char	*num = jstr(data, "num"), *id = jstr(data, "id");

	buf_reset(&l->tmp2);
	host->buf_adds(&l->tmp2, "article ");
	if (!legi_blank(num))
		legi_add_squeezed(&l->tmp2, num);
	else
		host->buf_adds(&l->tmp2, "without num");
	host->buf_adds(&l->tmp2, " (");
	host->buf_adds(&l->tmp2, id != NULL ? id : "no LEGI id");
	if (sec != 0) {
		host->buf_adds(&l->tmp2, ", in ");
		legi_path(l, &l->tmp2, sec, 0, " > ");
	}
	host->buf_adds(&l->tmp2, ")");
	return l->tmp2.failed ? "article" : buf_str(&l->tmp2);
}

static const struct legi_etat *
legi_etat_find(const char *etat)
{
	const struct legi_etat	*e;

	for (e = legi_etats; etat != NULL && e->etat != NULL; e++)
		if (strcmp(e->etat, etat) == 0)
			return e;
	return NULL;
}

/* Judge an article on the code's version date. */
static void
legi_judge(struct legi *l, struct legi_art *a)
{
	const struct legi_etat	*e;
	size_t			 i;

	legi_date(json_object_get(a->data, "dateDebut"), a->debut);
	legi_date(json_object_get(a->data, "dateFin"), a->fin);
	e = legi_etat_find(a->etat);
	if (e == NULL && a->etat != NULL) {
		for (i = 0; i < l->nodd; i++)
			if (strcmp(l->odd_etats[i], a->etat) == 0)
				break;
		if (i == l->nodd && l->nodd < LEGI_MAX_ODD_ETATS) {
			l->odd_etats[l->nodd++] = a->etat;
			host->warn(l->sink, 0, "%s: unknown etat \"%s\" (the "
			    "article is judged by its dates alone)",
			    legi_where(l, a->data, a->sec), a->etat);
		}
	}
	if (e != NULL && e->dead)
		a->status = ST_DEAD;
	else if (a->fin[0] != '\0' && strcmp(a->fin, l->ref) <= 0)
		a->status = ST_ENDED;
	else if (a->debut[0] != '\0' && strcmp(a->debut, l->ref) > 0)
		a->status = ST_FUTURE;
	else
		a->status = ST_VIGUEUR;
}

static int
legi_oom(struct legi *l)
{
	host->error(l->sink, "out of memory");
	return -1;
}

static int
legi_article(struct legi *l, json_t *node, size_t sec)
{
	struct legi_art	*v, *a;
	json_t		*data = json_object_get(node, "data");

	l->narticles++;
	if (!json_is_object(data)) {
		host->warn(l->sink, 0, "an article node in %s has no "
		    "\"data\" object: skipped", legi_secname(l, sec));
		return 0;
	}
	if (l->nart % 1024 == 0) {
		v = reallocarray(l->art, l->nart + 1024, sizeof *v);
		if (v == NULL)
			return legi_oom(l);
		l->art = v;
	}
	a = &l->art[l->nart];
	memset(a, 0, sizeof *a);
	a->data = data;
	a->sec = sec;
	a->order = l->nart;
	a->etat = jstr(data, "etat");
	legi_judge(l, a);
	if ((a->status == ST_ENDED || a->status == ST_DEAD) &&
	    !(l->flags & SAVOIR_INPUT_WITH_REPEALED)) {
		l->nskipped++;
		return 0;
	}
	l->nart++;
	return 0;
}

/* Walk the children of a node whose section is sec (index + 1). */
static int
legi_walk(struct legi *l, json_t *children, size_t sec, int depth)
{
	struct legi_sec	*v;
	json_t		*node, *data, *kids;
	const char	*type, *title;
	size_t		 i, me;

	json_array_foreach(children, i, node) {
		if (!json_is_object(node) ||
		    (type = jstr(node, "type")) == NULL) {
			host->warn(l->sink, 0, "child %zu of %s is not a node "
			    "with a \"type\": skipped", i + 1,
			    legi_secname(l, sec));
			continue;
		}
		if (strcmp(type, "article") == 0) {
			if (legi_article(l, node, sec) == -1)
				return -1;
			continue;
		}
		if (strcmp(type, "section") != 0) {
			host->warn(l->sink, 0, "node of type \"%s\" in %s: "
			    "skipped", type, legi_secname(l, sec));
			continue;
		}
		if (depth >= LEGI_MAX_DEPTH) {
			host->warn(l->sink, 0, "sections nested deeper than "
			    "%d levels: the content of one is skipped",
			    LEGI_MAX_DEPTH);
			continue;
		}
		data = json_object_get(node, "data");
		title = json_is_object(data) ? jstr(data, "title") : NULL;
		if (legi_blank(title)) {
			title = "(section sans titre)";
			host->warn(l->sink, 0, "a section in %s has no title",
			    legi_secname(l, sec));
		}
		if (l->nsec % 256 == 0) {
			v = reallocarray(l->sec, l->nsec + 256, sizeof *v);
			if (v == NULL)
				return legi_oom(l);
			l->sec = v;
		}
		l->sec[l->nsec].title = title;
		l->sec[l->nsec].parent = sec;
		l->sec[l->nsec].depth = depth + 1;
		me = ++l->nsec;
		kids = json_object_get(node, "children");
		if (kids != NULL && !json_is_array(kids)) {
			host->warn(l->sink, 0, "%s: \"children\" is not an "
			    "array: skipped", legi_secname(l, me));
			continue;
		}
		if (kids != NULL && legi_walk(l, kids, me, depth + 1) == -1)
			return -1;
	}
	return 0;
}

/* --- pass 2: ids ------------------------------------------------------ */

static int
legi_rank(enum legi_status st)
{
	return st == ST_VIGUEUR ? 0 : st == ST_FUTURE ? 1 : 2;
}

static int
legi_slugcmp(const void *x, const void *y)
{
	const struct legi_art	*a = *(const struct legi_art *const *)x;
	const struct legi_art	*b = *(const struct legi_art *const *)y;
	int			 c;

	if ((c = strcmp(a->slug, b->slug)) != 0)
		return c;
	/* The one in force keeps the plain id, then the first in file. */
	if ((c = legi_rank(a->status) - legi_rank(b->status)) != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * Each article's id part: its number folded ("L1234-1", "R1233-3-4",
 * "Annexe-I"), or its LEGI id when it has no number.  Numbers met twice
 * (the Code du travail has several "Annexe") keep the plain id for the
 * first in force, and "<number>-<LEGI id>" for the others, which stays
 * the same from one version of the file to the next.
 */
static int
legi_ids(struct legi *l)
{
	struct legi_art	**v, *a;
	const char	 *num, *lid, *first;
	size_t		  i, j;

	for (i = 0; i < l->nart; i++) {
		a = &l->art[i];
		num = jstr(a->data, "num");
		lid = jstr(a->data, "cid");
		if (legi_blank(lid))
			lid = jstr(a->data, "id");
		buf_reset(&l->tmp);
		if (num != NULL)
			legi_fold(&l->tmp, num, 1);
		if (l->tmp.len == 0) {
			if (lid != NULL)
				legi_fold(&l->tmp, lid, 1);
			host->warn(l->sink, 0, "%s has no number: its id is "
			    "\"%s/%s\"", legi_where(l, a->data, a->sec),
			    l->short_name, l->tmp.len > 0 ? buf_str(&l->tmp) :
			    "article");
			if (l->tmp.len == 0)
				host->buf_adds(&l->tmp, "article");
		}
		if (l->tmp.len + strlen(l->short_name) + 1 > LEGI_ID_MAX - 40)
			l->tmp.len = LEGI_ID_MAX - 40 - strlen(l->short_name) -
			    1;
		if (l->tmp.failed || (a->slug = strndup(l->tmp.s,
		    l->tmp.len)) == NULL)
			return legi_oom(l);
	}
	if (l->nart < 2)
		return 0;
	if ((v = calloc(l->nart, sizeof *v)) == NULL)
		return legi_oom(l);
	for (i = 0; i < l->nart; i++)
		v[i] = &l->art[i];
	qsort(v, l->nart, sizeof *v, legi_slugcmp);
	for (i = 0; i < l->nart; i = j) {
		for (j = i + 1; j < l->nart && strcmp(v[j]->slug,
		    v[i]->slug) == 0; j++) {
			a = v[j];
			first = jstr(v[i]->data, "id");
			a->dup_of = first != NULL ? first : "?";
			lid = jstr(a->data, "cid");
			if (legi_blank(lid))
				lid = jstr(a->data, "id");
			buf_reset(&l->tmp);
			host->buf_adds(&l->tmp, a->slug);
			host->buf_adds(&l->tmp, "-");
			/* Without a LEGI id, a number tells them apart. */
			if (!legi_blank(lid))
				legi_fold(&l->tmp, lid, 1);
			else
				host->buf_printf(&l->tmp, "%zu", j - i + 1);
			free(a->slug);
			if (l->tmp.failed || (a->slug = strdup(l->tmp.s)) ==
			    NULL) {
				free(v);
				return legi_oom(l);
			}
			host->warn(l->sink, 0, "%s has the same number as "
			    "article %s: its id is \"%s/%s\"",
			    legi_where(l, a->data, a->sec), a->dup_of,
			    l->short_name, a->slug);
		}
	}
	/*
	 * The same article twice (same number, same LEGI id) would still
	 * give one id twice, which the index refuses for the whole file:
	 * keep the first.
	 */
	qsort(v, l->nart, sizeof *v, legi_slugcmp);
	for (i = 1; i < l->nart; i++) {
		if (strcmp(v[i]->slug, v[i - 1]->slug) != 0)
			continue;
		v[i]->skip = 1;
		host->warn(l->sink, 0, "%s is in the file twice: skipped",
		    legi_where(l, v[i]->data, v[i]->sec));
	}
	free(v);
	return 0;
}

/* --- pass 3: documents ------------------------------------------------ */

/* Does num read as an article number ("L1234-1", "R*1233-3", "12")? */
static int
legi_num_is_article(const char *num)
{
	const unsigned char	*p = (const unsigned char *)num;

	while (isspace(*p))
		p++;
	if (*p == 'L' && p[1] == 'O')
		p += 2;
	else if (*p == 'L' || *p == 'R' || *p == 'D' || *p == 'A')
		p++;
	if (*p == '*')
		p++;
	return isdigit(*p);
}

/*
 * An article number as people read it, blanks squeezed.  The star of
 * "R*1233-3-4" (a decree in Conseil d'État taken in the Council of
 * ministers) stays on the page (keep_star) but not in the title and facet,
 * where it would keep "R1233-3-4" from matching.
 */
static void
legi_num(struct savoir_buf *b, const char *num, int keep_star)
{
	size_t	 from = b->len, i, o;

	legi_add_squeezed(b, num);
	if (keep_star || b->failed)
		return;
	for (i = o = from; i < b->len; i++)
		if (b->s[i] != '*')
			b->s[o++] = b->s[i];
	b->len = o;
	b->s[o] = '\0';
}

/* "Article L1234-1 du Code du travail", "Annexe I du Code du travail". */
static void
legi_title(struct legi *l, struct savoir_buf *b, const char *num, int keep_star)
{
	buf_reset(b);
	if (!legi_blank(num)) {
		if (legi_num_is_article(num))
			host->buf_adds(b, "Article ");
		legi_num(b, num, keep_star);
	} else
		host->buf_adds(b, "Article sans numéro");
	host->buf_adds(b, strncmp(l->title, "Code ", 5) == 0 ? " du " :
	    " — ");
	legi_add_squeezed(b, l->title);
}

static const char *
legi_modif_label(const char *type)
{
	if (type == NULL)
		return "Texte lié";
	if (strcmp(type, "CREE") == 0 || strcmp(type, "CREATION") == 0)
		return "Créé par";
	if (strcmp(type, "MODIFIE") == 0)
		return "Modifié par";
	if (strcmp(type, "ABROGE") == 0)
		return "Abrogé par";
	if (strcmp(type, "TRANSFERE") == 0)
		return "Transféré par";
	if (strcmp(type, "CODIFIE") == 0)
		return "Codifié par";
	if (strcmp(type, "RECTIFICATION") == 0)
		return "Rectifié par";
	if (strcmp(type, "ANNULE") == 0)
		return "Annulé par";
	return "Texte lié";
}

/* The version and its state, as a person reads them, into l->tmp. */
static const char *
legi_state_fr(struct legi *l, const struct legi_art *a)
{
	const struct legi_etat	*e = legi_etat_find(a->etat);

	buf_reset(&l->tmp);
	switch (a->status) {
	case ST_VIGUEUR:
		host->buf_adds(&l->tmp, "en vigueur");
		if (a->etat != NULL && strcmp(a->etat, "ABROGE_DIFF") == 0 &&
		    a->fin[0] != '\0') {
			host->buf_adds(&l->tmp, " (abrogation différée au ");
			legi_date_fr(&l->tmp, a->fin);
			host->buf_adds(&l->tmp, ")");
		} else if (a->fin[0] != '\0') {
			host->buf_adds(&l->tmp, " jusqu'au ");
			legi_date_fr(&l->tmp, a->fin);
			host->buf_adds(&l->tmp, " (exclu)");
		}
		break;
	case ST_FUTURE:
		host->buf_adds(&l->tmp, "en vigueur à compter du ");
		legi_date_fr(&l->tmp, a->debut);
		break;
	case ST_ENDED:
	case ST_DEAD:
		host->buf_adds(&l->tmp, e != NULL && e->dead ? e->fr :
		    a->etat != NULL && strcmp(a->etat, "MODIFIE") == 0 ?
		    "version modifiée, plus en vigueur" : "abrogé");
		if (a->fin[0] != '\0') {
			host->buf_adds(&l->tmp, " depuis le ");
			legi_date_fr(&l->tmp, a->fin);
		}
		break;
	}
	return buf_str(&l->tmp);
}

/*
 * The ranking weight of an article by its number: the law (L, LO) first,
 * then the decrees (R, D) and orders (A), annexes last.  Measured on the
 * tuning half of bench/relevance: the law's articles are what answers a
 * question about the code most often (58 % of the judged articles, 32 %
 * of the codes), the annexes almost never.
 */
static double
legi_weight(const char *num)
{
	if (num == NULL)
		return 1.0;
	while (*num == ' ')
		num++;
	if (strncasecmp(num, "annexe", 6) == 0)
		return 0.4;
	if (num[0] == 'L')
		return 1.0;
	if ((num[0] == 'R' || num[0] == 'D' || num[0] == 'A') &&
	    (isdigit((unsigned char)num[1]) || num[1] == '*' ||
	    num[1] == '.' || num[1] == ' '))
		return 0.83;
	return 1.0;
}

static int
legi_emit(struct legi *l, struct legi_art *a)
{
	struct savoir_sink	*sink = l->sink;
	const char		*num, *lid, *html, *nota, *facet_etat, *v;
	json_t			*mods, *m;
	char			 year[5], ch;
	size_t			 i, nmods, textlen, htmllen, notalen;

	num = jstr(a->data, "num");
	lid = jstr(a->data, "id");

	/* Id, title. */
	buf_reset(&l->id);
	host->buf_adds(&l->id, l->short_name);
	host->buf_adds(&l->id, "/");
	host->buf_adds(&l->id, a->slug);
	legi_title(l, &l->title_b, num, 0);

	/* Place in the code: breadcrumb, facet, headings. */
	buf_reset(&l->chemin);
	legi_path(l, &l->chemin, a->sec, 0, " > ");
	buf_reset(&l->facet);
	legi_path(l, &l->facet, a->sec, LEGI_FACET_LEVELS, " > ");
	/*
	 * Headings weigh more than the body: the titles of the chapter and
	 * section say what the article is about; "Partie législative" or
	 * "Première partie" over thousands of articles would only be noise.
	 */
	buf_reset(&l->heads);
	legi_path(l, &l->heads, a->sec, -LEGI_HEADING_LEVELS, "\n");

	/* The text, as plain text and as HTML. */
	buf_reset(&l->text);
	buf_reset(&l->html);
	l->line_start = 1;
	l->pending_space = 0;
	host->buf_adds(&l->html, "<p class=\"ref\">");
	buf_reset(&l->tmp);
	legi_title(l, &l->tmp, num, 1);
	host->buf_html(&l->html, buf_str(&l->tmp), l->tmp.len);
	host->buf_adds(&l->html, "</p>\n");
	if (a->status == ST_FUTURE || a->status == ST_ENDED ||
	    a->status == ST_DEAD) {
		host->buf_adds(&l->html, "<p class=\"etat\"><strong>");
		v = legi_state_fr(l, a);
		if (*v != '\0') {
			ch = (char)toupper((unsigned char)*v);
			host->buf_html(&l->html, &ch, 1);
			host->buf_html(&l->html, v + 1, strlen(v + 1));
		}
		host->buf_adds(&l->html, "</strong></p>\n");
	}
	html = jstr(a->data, "texteHtml");
	if (legi_blank(html))
		html = jstr(a->data, "texte");
	if (!legi_blank(html))
		legi_html_piece(l, html);
	legi_text_end(l);
	if (l->text.len == 0)
		host->warn(sink, 0, "%s has no text", legi_where(l, a->data,
		    a->sec));
	nota = jstr(a->data, "notaHtml");
	if (legi_blank(nota))
		nota = jstr(a->data, "nota");
	if (!legi_blank(nota)) {
		/* Notes are often empty paragraphs: keep only real text. */
		textlen = l->text.len;
		htmllen = l->html.len;
		legi_text_line(l);
		legi_text_add(l, "NOTA :", 6);
		legi_text_line(l);
		notalen = l->text.len;
		host->buf_adds(&l->html, "<div class=\"nota\">\n<p><strong>Nota"
		    "</strong></p>\n");
		legi_html_piece(l, nota);
		host->buf_adds(&l->html, "</div>\n");
		legi_text_end(l);
		if (l->text.len < notalen) {
			l->text.len = textlen;
			l->html.len = htmllen;
			if (l->text.s != NULL)
				l->text.s[textlen] = '\0';
			if (l->html.s != NULL)
				l->html.s[htmllen] = '\0';
		}
	}

	if (l->id.failed || l->title_b.failed || l->chemin.failed ||
	    l->facet.failed || l->heads.failed || l->text.failed ||
	    l->html.failed || l->tmp.failed)
		return legi_oom(l);

	if (host->doc_begin(sink, buf_str(&l->id), LEGI_TYPE) == -1 ||
	    host->doc_weight(sink, legi_weight(num)) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, l->title_b.s,
	    l->title_b.len) == -1 ||
	    (l->heads.len > 0 && host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    l->heads.s, l->heads.len) == -1) ||
	    (l->text.len > 0 && host->doc_text(sink, SAVOIR_COL_BODY,
	    l->text.s, l->text.len) == -1))
		return -1;

	/* Facets. */
	switch (a->status) {
	case ST_VIGUEUR:
		facet_etat = FACET_VIGUEUR;
		break;
	case ST_FUTURE:
		facet_etat = FACET_FUTURE;
		break;
	default:
		facet_etat = FACET_ABROGE;
		break;
	}
	buf_reset(&l->tmp);
	if (!legi_blank(num))
		legi_num(&l->tmp, num, 0);
	else
		host->buf_adds(&l->tmp, a->slug);
	if (l->tmp.failed)
		return legi_oom(l);
	if (host->doc_facet(sink, "code", l->facet_code) == -1 ||
	    host->doc_facet(sink, "article", buf_str(&l->tmp)) == -1 ||
	    (l->facet.len > 0 && host->doc_facet(sink, "section",
	    l->facet.s) == -1) ||
	    host->doc_facet(sink, "etat", facet_etat) == -1)
		return -1;
	if (a->debut[0] != '\0') {
		memcpy(year, a->debut, 4);
		year[4] = '\0';
		if (year[0] >= '1' && year[0] <= '2' &&
		    host->doc_facet(sink, "annee", year) == -1)
			return -1;
	}

	/* Metadata, in the order the page shows it. */
	if (host->doc_meta(sink, "code", "Code", l->title) == -1 ||
	    (l->chemin.len > 0 && host->doc_meta(sink, "chemin",
	    "Emplacement", l->chemin.s) == -1) ||
	    host->doc_meta(sink, "nature", "Nature", "texte officiel") == -1)
		return -1;
	if (a->debut[0] != '\0') {
		buf_reset(&l->tmp);
		if (a->fin[0] != '\0') {
			host->buf_adds(&l->tmp, "du ");
			legi_date_fr(&l->tmp, a->debut);
			host->buf_adds(&l->tmp, " au ");
			legi_date_fr(&l->tmp, a->fin);
		} else {
			host->buf_adds(&l->tmp, "depuis le ");
			legi_date_fr(&l->tmp, a->debut);
		}
		if (l->tmp.failed)
			return legi_oom(l);
		if (host->doc_meta(sink, "version", "Version", l->tmp.s) == -1)
			return -1;
	}
	v = legi_state_fr(l, a);
	if (l->tmp.failed)
		return legi_oom(l);
	if (host->doc_meta(sink, "etat", "État", v) == -1)
		return -1;
	mods = json_object_get(a->data, "lienModifications");
	nmods = 0;
	json_array_foreach(mods, i, m) {
		v = jstr(m, "textTitle");
		if (legi_blank(v) || nmods == LEGI_MAX_MODIFS)
			continue;
		/* Links where this article is the target, not the source. */
		if (jstr(m, "linkOrientation") != NULL &&
		    strcmp(jstr(m, "linkOrientation"), "cible") != 0)
			continue;
		buf_reset(&l->tmp);
		legi_add_squeezed(&l->tmp, v);
		if (l->tmp.failed)
			return legi_oom(l);
		if (host->doc_meta(sink, "modification",
		    legi_modif_label(jstr(m, "linkType")), l->tmp.s) == -1)
			return -1;
		nmods++;
	}
	if (!legi_blank(lid)) {
		if (host->doc_meta(sink, "legi", "Identifiant LEGI", lid) == -1)
			return -1;
		buf_reset(&l->tmp);
		host->buf_adds(&l->tmp, LEGIFRANCE_ARTICLE);
		host->buf_adds(&l->tmp, lid);
		if (l->tmp.failed)
			return legi_oom(l);
		if (host->doc_meta(sink, "url", "Légifrance", l->tmp.s) == -1)
			return -1;
	}
	buf_reset(&l->tmp);
	host->buf_adds(&l->tmp, "Légifrance, base LEGI (DILA), version du "
	    "code du ");
	legi_date_fr(&l->tmp, l->ref);
	if (l->tmp.failed)
		return legi_oom(l);
	if (host->doc_meta(sink, "source", "Source", l->tmp.s) == -1)
		return -1;

	if (host->doc_html(sink, l->html.s, l->html.len) == -1 ||
	    host->doc_end(sink) == -1)
		return -1;
	return 0;
}

static int
legi_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct legi	 l;
	json_error_t	 err;
	size_t		 i;
	int		 rc = -1;

	(void)state;
	memset(&l, 0, sizeof l);
	l.sink = sink;
	l.flags = in->flags;
	/* The whole file at once: a code is one tree, walked three times. */
	l.root = json_loadb((const char *)in->data, in->len, 0, &err);
	if (l.root == NULL) {
		if (json_error_code(&err) == json_error_out_of_memory)
			host->error(sink, "out of memory reading the JSON tree "
			    "(%zu bytes)", in->len);
		else
			host->error(sink, "JSON error at line %d, column %d: "
			    "%s", err.line, err.column, err.text);
		return -1;
	}
	if (legi_root(&l) == -1)
		goto out;
	if (legi_walk(&l, json_object_get(l.root, "children"), 0, 0) == -1)
		goto out;
	if (l.narticles == 0) {
		host->error(sink, "the code \"%s\" holds no article", l.title);
		goto out;
	}
	if (l.nart == 0) {
		/* Nothing to index is not an error: all were repealed. */
		host->warn(sink, 0, "all %zu articles of \"%s\" are repealed "
		    "or no longer in force on %s (index them with "
		    "--with-repealed)", l.narticles, l.title, l.ref);
		rc = 0;
		goto out;
	}
	if (legi_ids(&l) == -1)
		goto out;
	if ((l.ctxt = htmlNewParserCtxt()) == NULL) {
		legi_oom(&l);
		goto out;
	}
	for (i = 0; i < l.nart; i++)
		if (!l.art[i].skip && legi_emit(&l, &l.art[i]) == -1)
			goto out;
	rc = 0;
out:
	if (l.ctxt != NULL)
		htmlFreeParserCtxt(l.ctxt);
	for (i = 0; i < l.nart; i++)
		free(l.art[i].slug);
	free(l.art);
	free(l.sec);
	free(l.short_name);
	free(l.facet_code);
	host->buf_free(&l.id);
	host->buf_free(&l.title_b);
	host->buf_free(&l.text);
	host->buf_free(&l.html);
	host->buf_free(&l.heads);
	host->buf_free(&l.chemin);
	host->buf_free(&l.facet);
	host->buf_free(&l.tmp);
	host->buf_free(&l.tmp2);
	json_decref(l.root);
	return rc;
}

static const struct savoir_plugin legi_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "legi", .version = LEGI_VERSION, .types = legi_types,
	.extensions = legi_extensions, .mime_types = legi_mime_types,
	.probe = legi_probe, .extract = legi_extract,
	.description = "Official codes in the LEGI JSON tree (Légifrance, "
	    "DILA open data), one document per article" };

SAVOIR_PLUGIN_ENTRY(legi_plugin, host, utf8_check)
