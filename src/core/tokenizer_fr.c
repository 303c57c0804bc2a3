/*
 * tokenizer_fr.c - the savoir_fr FTS5 tokenizer, the savoir_fold() SQL
 * function, and the French text helpers built on the same folding rules
 * (fr_fold, fr_is_stopword, article_ref_next).
 *
 * savoir_fr wraps FTS5's own unicode61 tokenizer (found through
 * xFindTokenizer, with remove_diacritics 0 so that the stemmer sees the
 * accents it needs) and adds, per token and without ever moving offsets:
 * legal article references kept whole ("L. 1115-1" is one token
 * "l1115-1"), French elisions dropped (l', qu', jusqu' ... with ' or ’),
 * ligatures expanded (œ, æ, ﬁ ...), diacritics folded, and Snowball French
 * stemming.  Snowball wants accents while people type without them, so a
 * word is indexed as colocated fold(stem(w)) and stem(fold(w)) (plus
 * fold(w) in documents, for prefix queries): this matched 17 of 18 test
 * pairs where either order alone matched 11 or 13 (see DESIGN.md).
 *
 * This file is linked both into libsavoir and into the loadable extension
 * savoir_fr.so, which holds nothing else but sqlite_ext.c.  So it must
 * never call util.c or log.c (no xmalloc, no fatal: a library loaded into
 * someone's sqlite3 shell does not abort it), and it never calls sqlite3_*
 * directly: every SQLite call goes through an api table, SQLite's own
 * routines in libsavoir and the host's table in the extension (the host may
 * carry its own copy of SQLite).  Token callbacks run on the indexing hot
 * path: no allocation there for words of usual length.
 */
#include "config.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "savoir.h"

/* The table type only: no macro may turn sqlite3_* into sqlite3_api->*. */
#define SQLITE_CORE 1
#include <sqlite3ext.h>

/* textpack.c: savoir_part() and savoir_pack(), registered with these. */
int	textpack_register_api(sqlite3 *, const sqlite3_api_routines *);

/* sqlite_ext.c: register through the host's api table. */
int	tokenizer_fr_register_api(sqlite3 *, const sqlite3_api_routines *,
	    char **);

/* Words longer than this (bytes) are folded but never stemmed. */
#define FR_STEM_MAX	64

/*
 * Stemming twice costs most of the tokenizer's time, and running text
 * repeats its words (Zipf): a small direct-mapped cache of the stems of
 * short words, per tokenizer instance, more than doubles throughput.
 */
#define FR_CACHE_SLOTS	16384
#define FR_CACHE_KEY	24
#define FR_CACHE_VAL	32
struct frcache {
	uint8_t	klen;		/* 0: empty */
	uint8_t	alen;
	uint8_t	blen;
	char	key[FR_CACHE_KEY];
	char	a[FR_CACHE_VAL];	/* fold(stem(w)) */
	char	b[FR_CACHE_VAL];	/* stem(fold(w)) */
};

/* The SQLite routines this file uses, when it is linked into libsavoir. */
static const sqlite3_api_routines fr_direct = {
	.prepare_v2 = sqlite3_prepare_v2,
	.bind_pointer = sqlite3_bind_pointer,
	.step = sqlite3_step,
	.finalize = sqlite3_finalize,
	.errmsg = sqlite3_errmsg,
	.mprintf = sqlite3_mprintf,
	.free = sqlite3_free,
	.create_function_v2 = sqlite3_create_function_v2,
	.value_text = sqlite3_value_text,
	.value_bytes = sqlite3_value_bytes,
	.value_type = sqlite3_value_type,
	.result_text = sqlite3_result_text,
	.result_null = sqlite3_result_null,
	.result_error_nomem = sqlite3_result_error_nomem,
	/* textpack.c's */
	.value_int = sqlite3_value_int,
	.value_blob = sqlite3_value_blob,
	.result_value = sqlite3_result_value,
	.result_blob = sqlite3_result_blob,
	.result_error = sqlite3_result_error,
	.user_data = sqlite3_user_data,
	.context_db_handle = sqlite3_context_db_handle,
	.bind_int64 = sqlite3_bind_int64,
	.column_blob = sqlite3_column_blob,
	.column_bytes = sqlite3_column_bytes,
};

/*
 * The table savoir_fold() calls through: it cannot be found from the
 * function's own context (sqlite3_user_data is itself in the table).  Set
 * once per extension load, always to the same host table.
 */
static _Atomic(const sqlite3_api_routines *) fr_api = &fr_direct;

/* --- UTF-8 and folding ------------------------------------------------ */

/* Character classes for folding and for article boundaries. */
#define CP_WORD	0	/* part of a word */
#define CP_SEP	1	/* separates words */
#define CP_DROP	2	/* invisible inside a word (combining mark, ZWJ) */

/*
 * Decode one UTF-8 character of s[0, n), n > 0.  Returns its length; *cp is
 * the code point, or UINT32_MAX for an invalid byte (length 1).
 */
static size_t
utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	c = s[0], min;
	size_t		len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = UINT32_MAX;
	return 1;
}

/* Also the toolkit's: this file, not util.c, is in savoir_fr.la. */
size_t
utf8_encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Only the blocks French text meets are told apart; any other character is
 * taken as part of a word, which keeps foreign scripts searchable as they
 * are.
 */
static int
cp_class(uint32_t c)
{
	if (c < 0x80)
		return isalnum((unsigned char)c) ? CP_WORD : CP_SEP;
	if (c == 0xAD || c == 0x200B || c == 0x200C || c == 0x200D ||
	    c == 0x2060 || (c >= 0x300 && c <= 0x36F) ||
	    (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
	    (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	    (c >= 0xFE20 && c <= 0xFE2F))
		return CP_DROP;
	if (c <= 0xBF || c == 0xD7 || c == 0xF7 ||
	    (c >= 0x2000 && c <= 0x206F) ||	/* spaces, ’ « — … */
	    (c >= 0x20A0 && c <= 0x20CF) ||	/* currencies */
	    (c >= 0x2100 && c <= 0x2BFF) ||	/* symbols, arrows, boxes */
	    (c >= 0x3000 && c <= 0x303F) ||	/* CJK punctuation */
	    c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF) ||
	    (c >= 0x1F000 && c <= 0x1FAFF))	/* emoji */
		return CP_SEP;
	return CP_WORD;
}

/* U+00C0-U+017F without diacritics, lower case; "" for × and ÷. */
static const char fold_latin[192][3] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* 00C0 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* 00C8 */
	"d", "n", "o", "o", "o", "o", "o", "",		/* 00D0 */
	"o", "u", "u", "u", "u", "y", "th", "ss",	/* 00D8 */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* 00E0 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* 00E8 */
	"d", "n", "o", "o", "o", "o", "o", "",		/* 00F0 */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* 00F8 */
	"a", "a", "a", "a", "a", "a", "c", "c",		/* 0100 */
	"c", "c", "c", "c", "c", "c", "d", "d",		/* 0108 */
	"d", "d", "e", "e", "e", "e", "e", "e",		/* 0110 */
	"e", "e", "e", "e", "g", "g", "g", "g",		/* 0118 */
	"g", "g", "g", "g", "h", "h", "h", "h",		/* 0120 */
	"i", "i", "i", "i", "i", "i", "i", "i",		/* 0128 */
	"i", "i", "ij", "ij", "j", "j", "k", "k",	/* 0130 */
	"k", "l", "l", "l", "l", "l", "l", "l",		/* 0138 */
	"l", "l", "l", "n", "n", "n", "n", "n",		/* 0140 */
	"n", "n", "n", "n", "o", "o", "o", "o",		/* 0148 */
	"o", "o", "oe", "oe", "r", "r", "r", "r",	/* 0150 */
	"r", "r", "s", "s", "s", "s", "s", "s",		/* 0158 */
	"s", "s", "t", "t", "t", "t", "t", "t",		/* 0160 */
	"u", "u", "u", "u", "u", "u", "u", "u",		/* 0168 */
	"u", "u", "u", "u", "w", "w", "y", "y",		/* 0170 */
	"y", "z", "z", "z", "z", "z", "z", "s",		/* 0178 */
};

/* U+FB00-U+FB06, the Latin typographic ligatures. */
static const char fold_fb[7][4] = {
	"ff", "fi", "fl", "ffi", "ffl", "st", "st"
};

#define FOLD_LIGATURES	0x0	/* expand ligatures only (a token) */
#define FOLD_DIACRITICS	0x1	/* and drop diacritics (a token) */
#define FOLD_WORDS	0x3	/* fr_fold: also lower case, separators */

/*
 * Fold s[0, n) into out and return the length written.  No rule makes text
 * longer (œ is 2 bytes and "oe" 2, ﬃ 3 and "ffi" 3 ...), so out needs n
 * bytes (n + 1 with FOLD_WORDS, which also writes a NUL).  Without
 * FOLD_WORDS the input is a token unicode61 already lower-cased: what is
 * not folded is copied as it is, invalid bytes included.
 */
static size_t
fold_into(const char *s, size_t n, char *out, int how)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*rep;
	size_t			 i = 0, o = 0, len;
	uint32_t		 c;
	int			 words = (how & 0x2) != 0, cls, sep = 0;

	while (i < n) {
		if (p[i] < 0x80) {
			c = p[i++];
			if (!words)
				out[o++] = (char)c;
			else if (isalnum(c)) {
				if (sep && o > 0)
					out[o++] = ' ';
				sep = 0;
				out[o++] = (char)tolower(c);
			} else
				sep = 1;
			continue;
		}
		len = utf8_dec(p + i, n - i, &c);
		if (c == UINT32_MAX) {
			if (words)
				sep = 1;
			else
				out[o++] = (char)p[i];
			i++;
			continue;
		}
		rep = NULL;
		if (c >= 0xC0 && c <= 0x17F) {
			if (how & FOLD_DIACRITICS)
				rep = fold_latin[c - 0xC0];
			else if (c == 0x152 || c == 0x153)
				rep = "oe";
			else if (c == 0xC6 || c == 0xE6)
				rep = "ae";
		} else if (c >= 0xFB00 && c <= 0xFB06)
			rep = fold_fb[c - 0xFB00];
		else if (words && ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
		    (c >= 0x410 && c <= 0x42F)))
			c += 0x20;		/* Greek, Cyrillic capitals */
		else if (words && c >= 0x400 && c <= 0x40F)
			c += 0x50;
		cls = rep != NULL ? (*rep != '\0' ? CP_WORD : CP_SEP) :
		    cp_class(c);
		if (cls == CP_DROP && (how & FOLD_DIACRITICS)) {
			i += len;
			continue;
		}
		if (words && cls == CP_SEP) {
			sep = 1;
			i += len;
			continue;
		}
		if (words && sep && o > 0)
			out[o++] = ' ';
		sep = 0;
		if (rep != NULL && *rep != '\0') {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else if (rep != NULL || words)
			o += utf8_encode(c, out + o);
		else {
			memcpy(out + o, p + i, len);
			o += len;
		}
		i += len;
	}
	if (words)
		out[o] = '\0';
	return o;
}

char *
fr_fold(const char *s, size_t n)
{
	char	*out;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	fold_into(s, n, out, FOLD_WORDS);
	return out;
}

/*
 * The Snowball French stop words, the elision heads, and the words of a
 * question that say nothing of its subject (quel, comment, peut, faut,
 * faire...), folded and sorted.  They are never required and never ranked
 * when a query has other words; documents keep them (phrases need them).
 */
static const char *const fr_stopwords[] = {
	"a", "ai", "aie", "aient", "aies", "ainsi", "ait", "alors", "as", "au",
	"aura", "aurai", "auraient", "aurais", "aurait", "auras", "aurez",
	"auriez", "aurions", "aurons", "auront", "aussi", "aux", "avaient",
	"avais", "avait", "avec", "avez", "aviez", "avions", "avoir", "avons",
	"ayant", "ayante", "ayantes", "ayants", "ayez", "ayons", "c", "ca",
	"ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet",
	"cette", "ceux", "chez", "combien", "comme", "comment", "d", "dans",
	"de", "des", "devoir", "devra", "dois", "doit", "doivent", "donc",
	"dont", "du", "elle", "en", "es", "est", "et", "etaient", "etais",
	"etait", "etant", "etante", "etantes", "etants", "ete", "etee",
	"etees", "etes", "etiez", "etions", "etre", "eu", "eue", "eues",
	"eumes", "eurent", "eus", "eusse", "eussent", "eusses", "eussiez",
	"eussions", "eut", "eutes", "eux", "faire", "fait", "falloir", "faut",
	"font", "fumes", "furent", "fus", "fusse", "fussent", "fusses",
	"fussiez", "fussions", "fut", "futes", "il", "ils", "j", "je", "jusqu",
	"l", "la", "laquelle", "le", "lequel", "les", "lesquelles", "lesquels",
	"leur", "lorsqu", "lui", "m", "ma", "mais", "me", "meme", "mes", "moi",
	"moins", "mon", "n", "ne", "ni", "non", "nos", "notre", "nous", "on",
	"ont", "ou", "oui", "par", "pas", "peut", "peuvent", "peux", "plus",
	"pour", "pourquoi", "pourra", "pourront", "pouvoir", "puis", "puisqu",
	"qu", "quand", "que", "quel", "quelle", "quelles", "quelque",
	"quelques", "quels", "qui", "quoi", "quoiqu", "s", "sa", "se", "sera",
	"serai", "seraient", "serais", "serait", "seras", "serez", "seriez",
	"serions", "serons", "seront", "ses", "si", "soient", "sois", "soit",
	"sommes", "son", "sont", "soyez", "soyons", "suis", "sur", "t", "ta",
	"te", "tes", "toi", "ton", "tous", "tout", "toute", "toutes", "tres",
	"tu", "un", "une", "vers", "vos", "votre", "vous", "y",
};

int
fr_is_stopword(const char *w, size_t n)
{
	size_t	lo = 0, hi = sizeof fr_stopwords / sizeof fr_stopwords[0];
	size_t	mid, len;
	int	cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		len = strlen(fr_stopwords[mid]);
		cmp = memcmp(w, fr_stopwords[mid], n < len ? n : len);
		if (cmp == 0)
			cmp = n < len ? -1 : n > len;
		if (cmp == 0)
			return 1;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* --- legal article references --------------------------------------- */

/* Is the character ending right before s[i] part of a word? */
static int
word_before(const unsigned char *s, size_t i)
{
	size_t		j;
	uint32_t	c;

	if (i == 0)
		return 0;
	if (s[i - 1] < 0x80)
		return isalnum(s[i - 1]) != 0;
	for (j = i - 1; j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80; j--)
		;
	if (utf8_dec(s + j, i - j, &c) != i - j || c == UINT32_MAX)
		return 0;
	return cp_class(c) != CP_SEP;
}

static int
word_at(const unsigned char *s, size_t len, size_t i)
{
	uint32_t	c;

	if (i >= len)
		return 0;
	utf8_dec(s + i, len - i, &c);
	return c != UINT32_MAX && cp_class(c) != CP_SEP;
}

/* Length of the space at s[i] (space, no-break spaces), or 0. */
static size_t
space_len(const unsigned char *s, size_t len, size_t i)
{
	if (i < len && s[i] == ' ')
		return 1;
	if (i + 1 < len && s[i] == 0xC2 && s[i + 1] == 0xA0)
		return 2;
	if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xAF || s[i + 2] == 0x89))	/* U+202F, U+2009 */
		return 3;
	return 0;
}

/*
 * ref_first: the letters a reference starts with (bit 1; L and l also bit
 * 2, for "LO").  ref_next: what may follow that letter (bit 1: digit, dot,
 * space, the first byte of U+00A0, U+2009 or U+202F; bit 2: O or o).
 */
#define REF_ANY	1
#define REF_O	2
static const unsigned char ref_first[256] = {
	['A'] = REF_ANY, ['D'] = REF_ANY, ['R'] = REF_ANY,
	['a'] = REF_ANY, ['d'] = REF_ANY, ['r'] = REF_ANY,
	['L'] = REF_ANY | REF_O, ['l'] = REF_ANY | REF_O,
};
static const unsigned char ref_next[256] = {
	['0'] = REF_ANY, ['1'] = REF_ANY, ['2'] = REF_ANY, ['3'] = REF_ANY,
	['4'] = REF_ANY, ['5'] = REF_ANY, ['6'] = REF_ANY, ['7'] = REF_ANY,
	['8'] = REF_ANY, ['9'] = REF_ANY, ['.'] = REF_ANY, [' '] = REF_ANY,
	[0xC2] = REF_ANY, [0xE2] = REF_ANY, ['O'] = REF_O, ['o'] = REF_O,
};

/*
 * A prefix (L, R, D, A, LO, in either case), an optional dot, one optional
 * space, 3 or more digits, then any number of -digits groups, standing
 * alone.  A number without a dash ("L. 1114", "A380") is a reference too:
 * whether it counts as a citation is cite.c's business.  A lower-case
 * prefix followed by a bare space is only taken for l, lo and r: "a
 * 1000-1500" is French ("il y a ..."), not an article.
 */
int
article_ref_next(const char *text, size_t len, size_t *pos, size_t *start,
    size_t *end, char norm[32])
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i, j, k, sp, ndig, o;
	int			 lower, dot;
	unsigned char		 c;

	for (i = *pos; i + 1 < len; i++) {
		/* The hot loop of indexing and snippets: one table lookup per
		 * byte pair.  A reference starts with one of the prefix
		 * letters followed by a digit, a dot, a space or "O". */
		if (!(ref_next[s[i + 1]] & ref_first[s[i]]))
			continue;
		c = s[i];
		if (word_before(s, i))
			continue;
		lower = islower(c);
		o = 0;
		norm[o++] = (char)toupper(c);
		j = i + 1;
		if ((c == 'L' || c == 'l') && j < len &&
		    (s[j] == 'O' || s[j] == 'o')) {
			norm[o++] = 'O';
			j++;
		}
		dot = 0;
		if (j < len && s[j] == '.') {
			dot = 1;
			j++;
		}
		if ((sp = space_len(s, len, j)) != 0) {
			if (lower && !dot && (c == 'a' || c == 'd'))
				continue;
			j += sp;
		}
		for (ndig = 0; j + ndig < len && isdigit(s[j + ndig]); ndig++)
			;
		if (ndig < 3 || o + ndig >= 32)
			continue;
		memcpy(norm + o, s + j, ndig);
		o += ndig;
		j += ndig;
		while (j + 1 < len && s[j] == '-' && isdigit(s[j + 1])) {
			for (k = j + 1; k < len && isdigit(s[k]); k++)
				;
			if (o + (k - j) >= 32)
				break;
			memcpy(norm + o, s + j, k - j);
			o += k - j;
			j = k;
		}
		if (o >= 32 || word_at(s, len, j) ||
		    (j + 1 < len && s[j] == '-' && isdigit(s[j + 1])))
			continue;
		norm[o] = '\0';
		*start = i;
		*end = j;
		*pos = j;
		return 1;
	}
	*pos = len;
	return 0;
}

/* --- the FTS5 tokenizer ---------------------------------------------- */

struct frtok {
	fts5_tokenizer		 uni;		/* unicode61's methods */
	Fts5Tokenizer		*inner;		/* remove_diacritics 0 */
	struct sb_stemmer	*stemmer;	/* not thread-safe: ours */
	struct frcache		*cache;		/* FR_CACHE_SLOTS */
};

/* One xTokenize call. */
struct frrun {
	struct frtok	*t;
	void		*ctx;
	int		(*xToken)(void *, int, const char *, int, int, int);
	int		 flags;
	const char	*text;
	int		 ntext;
	int		 base;		/* offset of the current segment */
	int		 done;		/* the caller said SQLITE_DONE */
	struct fr_capture *cap;		/* a document's capture, or NULL */
};

static void
frtok_delete(Fts5Tokenizer *tok)
{
	struct frtok	*t = (struct frtok *)tok;

	if (t == NULL)
		return;
	if (t->inner != NULL)
		t->uni.xDelete(t->inner);
	sb_stemmer_delete(t->stemmer);
	free(t->cache);
	free(t);
}

static int
frtok_create(void *arg, const char **argv, int argc, Fts5Tokenizer **out)
{
	fts5_api	*fts5 = arg;
	struct frtok	*t;
	void		*uarg;
	const char	*uargv[] = { "remove_diacritics", "0" };
	int		 rc;

	*out = NULL;
	if (argc != 0)
		return SQLITE_ERROR;	/* savoir_fr takes no option */
	if ((t = calloc(1, sizeof *t)) == NULL)
		return SQLITE_NOMEM;
	rc = fts5->xFindTokenizer(fts5, "unicode61", &uarg, &t->uni);
	if (rc == SQLITE_OK)
		rc = t->uni.xCreate(uarg, uargv, 2, &t->inner);
	if (rc == SQLITE_OK &&
	    (t->stemmer = sb_stemmer_new("french", "UTF_8")) == NULL)
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_OK && (t->cache = calloc(FR_CACHE_SLOTS,
	    sizeof *t->cache)) == NULL)
		rc = SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		frtok_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* Is w (lower case) an elided article or pronoun: l', qu', jusqu' ...? */
static int
frtok_elided(const struct frrun *r, const char *w, int n, int end)
{
	static const char *const heads[] = {
		"c", "d", "i", "j", "l", "m", "n", "s", "t", "qu",
		"jusqu", "lorsqu", "puisqu", "quoiqu"
	};
	const unsigned char	*p = (const unsigned char *)r->text + end;
	int			 left = r->ntext - end;
	size_t			 i;

	if (n > 6 || left < 1)
		return 0;
	if (p[0] != '\'' && !(left >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    p[2] == 0x99))
		return 0;
	for (i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if ((int)strlen(heads[i]) == n && memcmp(heads[i], w, n) == 0)
			return 1;
	return 0;
}

static int
same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && memcmp(a, b, na) == 0;
}

/* Folded, unstemmed: long words (the fold never grows text). */
static int
frtok_emit_long(struct frrun *r, const char *w, int n, int start, int end)
{
	char	*f;
	size_t	 nf;
	int	 rc;

	if ((f = malloc(n)) == NULL)
		return SQLITE_NOMEM;
	nf = fold_into(w, n, f, FOLD_DIACRITICS);
	if (nf == 0)
		rc = r->xToken(r->ctx, 0, w, n, start, end);
	else
		rc = r->xToken(r->ctx, 0, f, (int)nf, start, end);
	free(f);
	return rc;
}

/*
 * Stem w into out (room for FR_STEM_MAX * 2), or copy it when the stemmer
 * would make it longer than that; returns the length.  -1 on no memory.
 */
static int
frtok_stem(struct frrun *r, const char *w, size_t n, char *out)
{
	const sb_symbol	*s;
	int		 ns;

	s = sb_stemmer_stem(r->t->stemmer, (const sb_symbol *)w, (int)n);
	if (s == NULL)
		return -1;
	ns = sb_stemmer_length(r->t->stemmer);
	if (ns <= 0 || ns > FR_STEM_MAX * 2) {
		memcpy(out, w, n);
		return (int)n;
	}
	memcpy(out, s, ns);
	return ns;
}

/* Is s two to six capital letters (ASCII), nothing else: an acronym? */
static int
frtok_capitals(const char *s, size_t n)
{
	size_t	 i;

	if (n < 2 || n > 6)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/* One word from unicode61: the colocated forms, one position. */
static int
frtok_word(void *arg, int tflags, const char *w, int n, int start, int end)
{
	struct frrun	*r = arg;
	char		 lig[FR_STEM_MAX], fold[FR_STEM_MAX];
	char		 stem[FR_STEM_MAX * 2], a[FR_STEM_MAX * 2];
	char		 b[FR_STEM_MAX * 2];
	struct frcache	*slot;
	size_t		 nl, nf, na, ns, nb, i;
	uint32_t	 h;
	int		 rc, k;

	(void)tflags;
	start += r->base;
	end += r->base;
	if (n <= 0 || frtok_elided(r, w, n, end))
		return SQLITE_OK;
	/* highlight() and snippet() only read positions and offsets. */
	if (r->flags & FTS5_TOKENIZE_AUX)
		return r->xToken(r->ctx, 0, w, n, start, end);
	if (n > FR_STEM_MAX)
		return frtok_emit_long(r, w, n, start, end);

	nf = fold_into(w, n, fold, FOLD_DIACRITICS);
	if (nf == 0)	/* nothing but combining marks */
		return r->xToken(r->ctx, 0, w, n, start, end);
	for (i = 0; i < nf && !isdigit((unsigned char)fold[i]); i++)
		;
	/* The vocabulary of spelling corrections: words, not numbers. */
	if (r->cap != NULL && r->cap->word != NULL && i == nf)
		r->cap->word(r->cap->arg, fold, (int)nf, r->text + start,
		    end - start);
	if ((r->flags & FTS5_TOKENIZE_PREFIX) || i < nf)
		return r->xToken(r->ctx, 0, fold, (int)nf, start, end);
	/*
	 * A word typed in capitals in a query is a name or an acronym: DUER
	 * stemmed is "du", which every document holds.  It is searched as
	 * written (documents index the folded form of every word too).
	 */
	if ((r->flags & FTS5_TOKENIZE_QUERY) && frtok_capitals(r->text + start,
	    (size_t)(end - start)))
		return r->xToken(r->ctx, 0, fold, (int)nf, start, end);

	slot = NULL;
	if (n <= FR_CACHE_KEY) {
		for (h = 2166136261u, i = 0; i < (size_t)n; i++)
			h = (h ^ (unsigned char)w[i]) * 16777619u;
		slot = &r->t->cache[h % FR_CACHE_SLOTS];
		if (same(slot->key, slot->klen, w, n)) {
			na = slot->alen;
			memcpy(a, slot->a, na);
			nb = slot->blen;
			memcpy(b, slot->b, nb);
			goto emit;
		}
	}
	nl = fold_into(w, n, lig, FOLD_LIGATURES);
	if ((k = frtok_stem(r, lig, nl, stem)) == -1)
		return SQLITE_NOMEM;
	ns = (size_t)k;
	na = fold_into(stem, ns, a, FOLD_DIACRITICS);
	if (same(fold, nf, lig, nl)) {
		memcpy(b, stem, ns);
		nb = ns;
	} else {
		if ((k = frtok_stem(r, fold, nf, b)) == -1)
			return SQLITE_NOMEM;
		nb = (size_t)k;
	}
	if (na == 0) {
		memcpy(a, fold, nf);
		na = nf;
	}
	if (slot != NULL && na <= FR_CACHE_VAL && nb <= FR_CACHE_VAL) {
		slot->klen = (uint8_t)n;
		memcpy(slot->key, w, n);
		slot->alen = (uint8_t)na;
		memcpy(slot->a, a, na);
		slot->blen = (uint8_t)nb;
		memcpy(slot->b, b, nb);
	}

emit:
	rc = r->xToken(r->ctx, 0, a, (int)na, start, end);
	if (rc == SQLITE_OK && nb > 0 && !same(a, na, b, nb))
		rc = r->xToken(r->ctx, FTS5_TOKEN_COLOCATED, b, (int)nb, start,
		    end);
	if (rc == SQLITE_OK && !(r->flags & FTS5_TOKENIZE_QUERY) &&
	    !same(fold, nf, a, na) && !same(fold, nf, b, nb))
		rc = r->xToken(r->ctx, FTS5_TOKEN_COLOCATED, fold, (int)nf,
		    start, end);
	return rc;
}

/* A word to frtok_word, remembering a caller's SQLITE_DONE. */
static int
frtok_word_stop(void *arg, int tflags, const char *w, int n, int start,
    int end)
{
	struct frrun	*r = arg;
	int		 rc;

	if (r->done)
		return SQLITE_DONE;
	if ((rc = frtok_word(arg, tflags, w, n, start, end)) == SQLITE_DONE)
		r->done = 1;
	return rc;
}

/* Text between article references goes to unicode61, offsets shifted. */
static int
frtok_segment(struct frrun *r, size_t from, size_t to)
{
	r->base = (int)from;
	return r->t->uni.xTokenize(r->t->inner, r, r->flags, r->text + from,
	    (int)(to - from), frtok_word_stop);
}

/*
 * The capture of this thread (postings.c's writer): it sees each token of
 * a document on its way to FTS5, so the ranking index is built from the
 * same tokens without tokenizing twice.
 */
static _Thread_local struct fr_capture	*fr_cap;

struct capctx {
	struct fr_capture	*cap;
	int			 col;
	void			*ctx;
	int			(*xToken)(void *, int, const char *, int, int,
				    int);
};

static int
frtok_captured(void *arg, int tflags, const char *tok, int n, int start,
    int end)
{
	struct capctx	*cc = arg;

	cc->cap->token(cc->cap->arg, cc->col, tok, n,
	    (tflags & FTS5_TOKEN_COLOCATED) != 0);
	return cc->xToken(cc->ctx, tflags, tok, n, start, end);
}

void
tokenizer_fr_capture(struct fr_capture *cap)
{
	fr_cap = cap;
}

static int
frtok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
    int ntext, int (*xToken)(void *, int, const char *, int, int, int))
{
	struct frrun	 r;
	struct capctx	 cc;
	size_t		 len, pos = 0, seg = 0, start, end, i;
	char		 norm[32];
	int		 rc = SQLITE_OK;

	r.cap = NULL;
	if (fr_cap != NULL && flags == FTS5_TOKENIZE_DOCUMENT) {
		r.cap = fr_cap;
		cc.cap = fr_cap;
		cc.col = fr_cap->col++;
		cc.ctx = ctx;
		cc.xToken = xToken;
		ctx = &cc;
		xToken = frtok_captured;
	}
	if (text == NULL || ntext <= 0)
		return SQLITE_OK;
	len = (size_t)ntext;
	r.t = (struct frtok *)tok;
	r.ctx = ctx;
	r.xToken = xToken;
	r.flags = flags;
	r.text = text;
	r.ntext = ntext;
	r.base = 0;
	/*
	 * A caller that has read enough answers SQLITE_DONE; unicode61 ends
	 * its segment and reports success, so the stop is remembered here
	 * (frtok_word sees it) and no further segment is read.
	 */
	r.done = 0;
	while (rc == SQLITE_OK && !r.done &&
	    article_ref_next(text, len, &pos, &start, &end, norm)) {
		if (start > seg)
			rc = frtok_segment(&r, seg, start);
		if (rc != SQLITE_OK || r.done)
			break;
		/* One token, never stemmed: "L. 1115-1" is "l1115-1". */
		for (i = 0; norm[i] != '\0'; i++)
			norm[i] = (char)tolower((unsigned char)norm[i]);
		rc = xToken(ctx, 0, norm, (int)i, (int)start, (int)end);
		seg = end;
	}
	if (rc == SQLITE_OK && !r.done && seg < len)
		rc = frtok_segment(&r, seg, len);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static fts5_tokenizer frtok_methods = {
	frtok_create,
	frtok_delete,
	frtok_tokenize
};

/* --- registration ---------------------------------------------------- */

/* savoir_fold(text): fr_fold as SQL, for facet values. */
static void
fr_fold_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sqlite3_api_routines	*api = atomic_load(&fr_api);
	const unsigned char		*s;
	char				*f;
	int				 n;

	(void)argc;
	if (api->value_type(argv[0]) == SQLITE_NULL) {
		api->result_null(ctx);
		return;
	}
	s = api->value_text(argv[0]);
	n = api->value_bytes(argv[0]);
	if (s == NULL) {
		api->result_error_nomem(ctx);
		return;
	}
	if ((f = fr_fold((const char *)s, (size_t)n)) == NULL) {
		api->result_error_nomem(ctx);
		return;
	}
	api->result_text(ctx, f, -1, free);
}

static int
fr_register(sqlite3 *db, const sqlite3_api_routines *api, char **cause)
{
	sqlite3_stmt	*st = NULL;
	fts5_api	*fts5 = NULL;
	int		 rc;

	*cause = NULL;
	rc = api->prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		api->bind_pointer(st, 1, &fts5, "fts5_api_ptr", NULL);
		api->step(st);
	}
	api->finalize(st);
	if (fts5 == NULL || fts5->iVersion < 2) {
		*cause = api->mprintf("savoir_fr: FTS5 is not available");
		return SQLITE_ERROR;
	}
	rc = fts5->xCreateTokenizer(fts5, "savoir_fr", fts5, &frtok_methods,
	    NULL);
	if (rc == SQLITE_OK)
		rc = api->create_function_v2(db, "savoir_fold", 1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
		    fr_fold_sql, NULL, NULL, NULL);
	/* The stored text's reader: the fts table's content view needs it. */
	if (rc == SQLITE_OK)
		rc = textpack_register_api(db, api);
	if (rc != SQLITE_OK)
		*cause = api->mprintf("savoir_fr: %s", api->errmsg(db));
	return rc;
}

int
tokenizer_fr_register(sqlite3 *db)
{
	char	*cause;

	if (fr_register(db, &fr_direct, &cause) != SQLITE_OK) {
		fr_direct.free(cause);
		return -1;
	}
	return 0;
}

/*
 * The loadable extension's way in: the same registration through the
 * host's api table.  Returns an SQLite code; *cause (sqlite3_malloc'd by
 * the host, may be NULL) says why.
 */
int
tokenizer_fr_register_api(sqlite3 *db, const sqlite3_api_routines *api,
    char **cause)
{
	atomic_store(&fr_api, api);
	return fr_register(db, api, cause);
}
