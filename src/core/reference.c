/*
 * reference.c - references to laws, decrees, ordinances and decisions of
 * the Conseil d'État in French text, as keys that name the text whatever
 * way it is written:
 *
 *   loi n° 2014-773, loi 2014-773, loi no 2014-773    loi/2014-773
 *   loi d'orientation n° 92-125                       loi/92-125
 *   loi du 7 juillet 2014                             loi/2014-07-07
 *   décret n° 2016-1403 (du 20 octobre 2016)          decret/2016-1403
 *   ordonnance n° 2015-1341                           ordonnance/2015-1341
 *   CE, 13 mai 2024, n° 478713                        ce/478713
 *   Conseil d'État, 17 février 2016, Région …, n° 368342   ce/368342
 *   Conseil d'État, 28 juillet 1995 (no number)       ce/1995-07-28
 *
 * A reference with both a number and a date has both keys.  Nothing
 * without its kind word is a reference: a date alone, an amount, a phone
 * number are not.  Used on both sides: the indexer links citations to the
 * document that declares it holds the text (its "reference" metadata),
 * the query parser ranks that document first.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "savoir.h"

/* Bytes between "CE"/"Conseil d'État" and its "n°", at most. */
#define REF_DECISION_SPAN	120

static const char *const ref_months[] = {
	"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
	"aout", "septembre", "octobre", "novembre", "decembre"
};

/* The ASCII letter at p, lower case, with é/è/ê/É and û read as e/u. */
static int
ref_letter(const char *p, const char *end, size_t *len)
{
	const unsigned char	*u = (const unsigned char *)p;

	*len = 1;
	if (p >= end)
		return 0;
	if (isalpha(u[0]))
		return tolower(u[0]);
	if (u[0] == 0xC3 && p + 1 < end) {
		*len = 2;
		switch (u[1]) {
		case 0xA9: case 0xA8: case 0xAA: case 0x89: case 0x88:
			return 'e';
		case 0xBB: case 0xB9:
			return 'u';
		case 0xB4:
			return 'o';
		}
	}
	*len = 1;
	return 0;
}

/* Does the word w (ASCII, lower case, accents folded) start at p, whole? */
static size_t
ref_word(const char *p, const char *end, const char *w)
{
	const char	*s = p;
	size_t		 n;
	int		 c;

	for (; *w != '\0'; w++) {
		if ((c = ref_letter(s, end, &n)) != *w)
			return 0;
		s += n;
	}
	if (ref_letter(s, end, &n) != 0 || (s < end && isdigit(
	    (unsigned char)*s)))
		return 0;
	return (size_t)(s - p);
}

static const char *
ref_space(const char *p, const char *end)
{
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		else if (end - p >= 2 && (unsigned char)p[0] == 0xC2 &&
		    (unsigned char)p[1] == 0xA0)
			p += 2;		/* no-break space */
		else if (end - p >= 3 && (unsigned char)p[0] == 0xE2 &&
		    (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF)
			p += 3;		/* narrow no-break space */
		else
			break;
	}
	return p;
}

/* "n°", "nº", "no", "n o", "numéro": the number sign; its length or 0. */
static size_t
ref_numsign(const char *p, const char *end)
{
	const char	*s;
	size_t		 n;

	if ((n = ref_word(p, end, "numero")) > 0)
		return n;
	if (p >= end || (*p != 'n' && *p != 'N'))
		return 0;
	s = p + 1;
	if (end - s >= 2 && (unsigned char)s[0] == 0xC2 &&
	    ((unsigned char)s[1] == 0xB0 || (unsigned char)s[1] == 0xBA))
		return (size_t)(s + 2 - p);
	if (s < end && *s == 'o' && (s + 1 == end || !isalnum(
	    (unsigned char)s[1])))
		return 2;
	if (s < end && *s == '.')	/* "n. 2014-773" */
		return 2;
	return 0;
}

/* Digits at p (at most max): their count, 0 if none or more than max. */
static size_t
ref_digits(const char *p, const char *end, size_t max)
{
	size_t	 n = 0;

	while (p + n < end && isdigit((unsigned char)p[n]))
		n++;
	return n > max ? 0 : n;
}

/* A text number "2014-773" or "92-125" at p: its length, into out. */
static size_t
ref_number(const char *p, const char *end, char *out, size_t outsz)
{
	const unsigned char	*u = (const unsigned char *)p;
	const char		*q;
	size_t			 y, dash, k;

	if ((y = ref_digits(p, end, 4)) != 2 && y != 4)
		return 0;
	if (p + y < end && p[y] == '-')
		dash = 1;
	else if (end - (p + y) >= 3 && u[y] == 0xE2 && u[y + 1] == 0x80 &&
	    u[y + 2] == 0x93)
		dash = 3;	/* an en dash, from a word processor */
	else
		return 0;
	if ((k = ref_digits(p + y + dash, end, 5)) == 0)
		return 0;
	q = p + y + dash + k;
	if (q < end && (isalnum((unsigned char)*q) || (*q == '-' &&
	    q + 1 < end && isdigit((unsigned char)q[1]))))
		return 0;
	if (y + 1 + k + 1 > outsz)
		return 0;
	memcpy(out, p, y);
	out[y] = '-';
	memcpy(out + y + 1, p + y + dash, k);
	out[y + 1 + k] = '\0';
	return y + dash + k;
}

/* A date "7 juillet 2014", "1er mai 2020" at p: its length, YYYY-MM-DD. */
static size_t
ref_date(const char *p, const char *end, char out[11])
{
	const char	*s = p;
	size_t		 n, i, m;
	int		 day;

	if ((n = ref_digits(s, end, 2)) == 0)
		return 0;
	day = s[0] - '0';
	if (n == 2)
		day = day * 10 + s[1] - '0';
	if (day < 1 || day > 31)
		return 0;
	s += n;
	if (end - s >= 2 && s[0] == 'e' && s[1] == 'r')
		s += 2;
	s = ref_space(s, end);
	for (m = 0; m < 12; m++)
		if ((n = ref_word(s, end, ref_months[m])) > 0)
			break;
	if (m == 12)
		return 0;
	s = ref_space(s + n, end);
	if (ref_digits(s, end, 4) != 4)
		return 0;
	for (i = 0; i < 4; i++)
		out[i] = s[i];
	out[4] = '-';
	out[5] = (char)('0' + (m + 1) / 10);
	out[6] = (char)('0' + (m + 1) % 10);
	out[7] = '-';
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = '\0';
	return (size_t)(s + 4 - p);
}

/* Skip one word of letters (and its elided article): its end, or p. */
static const char *
ref_skip_word(const char *p, const char *end)
{
	const char	*s = p;
	size_t		 n;

	while (s < end && ref_letter(s, end, &n) != 0)
		s += n;
	if (s > p && s < end && (*s == '\'' || (end - s >= 3 &&
	    (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x99))) {
		s += *s == '\'' ? 1 : 3;
		while (s < end && ref_letter(s, end, &n) != 0)
			s += n;
	}
	return s;
}

/* A law, decree or ordinance at p (its kind word matched, kn bytes). */
static int
ref_text(const char *kind, const char *p, const char *end, size_t kn,
    struct textref *ref)
{
	const char	*s = p + kn, *w;
	char		 num[24], date[11];
	size_t		 n;
	int		 words;

	ref->key[0] = ref->key2[0] = '\0';
	/* Up to two words between: "organique", "d'orientation". */
	for (words = 0; words <= 2; words++) {
		s = ref_space(s, end);
		if ((n = ref_numsign(s, end)) > 0) {
			s = ref_space(s + n, end);
			if ((n = ref_number(s, end, num, sizeof num)) == 0)
				return 0;
			snprintf(ref->key, sizeof ref->key, "%s/%s", kind,
			    num);
			s += n;
			break;
		}
		if (words == 0 && (n = ref_number(s, end, num,
		    sizeof num)) > 0) {
			snprintf(ref->key, sizeof ref->key, "%s/%s", kind,
			    num);
			s += n;
			break;
		}
		if (ref_word(s, end, "du") > 0)
			break;
		if ((w = ref_skip_word(s, end)) == s)
			break;
		s = w;
	}
	/* "du 7 juillet 2014", after the number or instead of it. */
	w = ref_space(s, end);
	if ((n = ref_word(w, end, "du")) > 0) {
		w = ref_space(w + n, end);
		if ((n = ref_date(w, end, date)) > 0) {
			if (ref->key[0] == '\0')
				snprintf(ref->key, sizeof ref->key, "%s/%s",
				    kind, date);
			else
				snprintf(ref->key2, sizeof ref->key2,
				    "%s/%s", kind, date);
			s = w + n;
		}
	}
	if (ref->key[0] == '\0')
		return 0;
	ref->end = (size_t)(s - ref->text0);
	return 1;
}

/* A decision of the Conseil d'État at p (its name matched, kn bytes). */
static int
ref_decision(const char *p, const char *end, size_t kn, struct textref *ref)
{
	const char	*s = p + kn, *lim, *datend = NULL;
	char		 date[11];
	size_t		 n;

	ref->key[0] = ref->key2[0] = '\0';
	lim = end - s > REF_DECISION_SPAN ? s + REF_DECISION_SPAN : end;
	for (; s < lim; s++) {
		if (*s == '.' || *s == ';' || *s == '\n' || *s == '(' ||
		    *s == ')')
			break;
		if (ref->key2[0] == '\0' && isdigit((unsigned char)*s) &&
		    !isdigit((unsigned char)s[-1]) && (n = ref_date(s, end,
		    date)) > 0) {
			snprintf(ref->key2, sizeof ref->key2, "ce/%s", date);
			s += n - 1;
			datend = s + 1;
			continue;
		}
		if ((s == p + kn || !isalnum((unsigned char)s[-1])) &&
		    (n = ref_numsign(s, end)) > 0) {
			const char	*d = ref_space(s + n, end);

			if ((n = ref_digits(d, end, 6)) < 5)
				return 0;
			if (d + n < end && isalnum((unsigned char)d[n]))
				return 0;
			snprintf(ref->key, sizeof ref->key, "ce/%.*s",
			    (int)n, d);
			ref->end = (size_t)(d + n - ref->text0);
			return 1;
		}
	}
	/* No number: the date names the decision ("CE, 28 juillet 1995"). */
	if (ref->key2[0] == '\0')
		return 0;
	memcpy(ref->key, ref->key2, sizeof ref->key);
	ref->key2[0] = '\0';
	ref->end = (size_t)(datend - ref->text0);
	return 1;
}

int
textref_next(const char *text, size_t len, size_t *pos,
    struct textref *ref)
{
	const char	*p, *end = text + len;
	size_t		 n;

	ref->text0 = text;
	for (p = text + *pos; p < end; p++) {
		/* Only at the start of a word. */
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    ((unsigned char)p[-1] & 0x80)))
			continue;
		ref->start = (size_t)(p - text);
		if (((n = ref_word(p, end, "loi")) > 0 &&
		    ref_text("loi", p, end, n, ref)) ||
		    ((n = ref_word(p, end, "decret")) > 0 &&
		    ref_text("decret", p, end, n, ref)) ||
		    ((n = ref_word(p, end, "ordonnance")) > 0 &&
		    ref_text("ordonnance", p, end, n, ref))) {
			*pos = ref->end;
			return 1;
		}
		n = 0;
		if (end - p >= 2 && p[0] == 'C' && p[1] == 'E' &&
		    (end - p == 2 || !isalnum((unsigned char)p[2])))
			n = 2;
		else if ((n = ref_word(p, end, "conseil")) > 0) {
			const char	*s = ref_space(p + n, end);
			size_t		 k;

			if (end - s > 2 && (s[0] == 'd' || s[0] == 'D') &&
			    (k = ref_word(s + 2, end, "etat")) > 0 &&
			    (s[1] == '\'' || (unsigned char)s[1] == 0xE2))
				n = (size_t)(s + 2 - p) + k;
			else if (end - s > 4 && (s[0] == 'd' ||
			    s[0] == 'D') && (unsigned char)s[1] == 0xE2 &&
			    (k = ref_word(s + 4, end, "etat")) > 0)
				n = (size_t)(s + 4 - p) + k;
			else
				n = 0;
		}
		if (n > 0 && ref_decision(p, end, n, ref)) {
			*pos = ref->end;
			return 1;
		}
	}
	*pos = len;
	return 0;
}
