/*
 * postings_int.h - what the postings writer (postings_write.c) and reader
 * (postings.c) share: the layout of a list and of a norm.  Private to the
 * core.
 */
#ifndef SAVOIR_POSTINGS_INT_H
#define SAVOIR_POSTINGS_INT_H

#include <math.h>
#include <stdint.h>

#include <sqlite3.h>

#define PSEG_FANOUT	8	/* segments of one level merged into one */
#define PNORM		4	/* bytes a document: 3 lengths, its weight */

/* --- varints and norms ------------------------------------------------- */

static inline void
vput(struct buf *b, uint64_t v)
{
	unsigned char	 tmp[10];
	size_t		 n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	buf_add(b, tmp, n);
}

static inline int
vget(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t	 r = 0;
	int		 shift = 0;

	while (*p < end && shift < 64) {
		r |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/*
 * One document of a list: its rowid (the delta added to *doc), then its
 * code (body count << 2, has title, has headings), the title and headings
 * counts when flagged, and the first body position when it has a body
 * count.  *rec is where the part after the code starts (a merge copies it
 * as it is).  0, or -1 when the list ends in the middle.
 */
static inline __attribute__((always_inline)) int
prec_next(const unsigned char **p, const unsigned char *end, int64_t *doc,
    uint32_t tf[3], uint32_t *first, uint64_t *code,
    const unsigned char **rec)
{
	uint64_t	 d, x;

	if (vget(p, end, &d) == -1 || vget(p, end, code) == -1)
		return -1;
	*doc += (int64_t)d;
	*rec = *p;
	tf[0] = tf[1] = *first = 0;
	tf[2] = (uint32_t)(*code >> 2);
	if ((*code & 1) && vget(p, end, &x) == -1)
		return -1;
	if (*code & 1)
		tf[0] = (uint32_t)x;
	if ((*code & 2) && vget(p, end, &x) == -1)
		return -1;
	if (*code & 2)
		tf[1] = (uint32_t)x;
	if (tf[2] > 0 && vget(p, end, &x) == -1)
		return -1;
	if (tf[2] > 0)
		*first = (uint32_t)x;
	return 0;
}

/*
 * A column's length in one byte: exact up to 32 tokens, then 6 % steps
 * (the length normalization of BM25 needs no more).  0 means "no text".
 */
static inline uint8_t
norm_encode(uint32_t len)
{
	double	 q;

	if (len <= 32)
		return (uint8_t)len;
	q = 32.0 + floor(log((double)len / 32.0) / log(1.06));
	return q > 255 ? 255 : (uint8_t)q;
}

/* postings_facets.c: a snapshot's facet values (maxdoc: its last rowid) */
struct pfacets	*pfacets_load(sqlite3 *, int64_t maxdoc);
void		 pfacets_free(struct pfacets *);

#endif /* SAVOIR_POSTINGS_INT_H */
