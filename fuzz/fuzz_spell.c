/*
 * fuzz_spell.c - libFuzzer: the speller (spell.c) on any words against a
 * small vocabulary: spell_suggest and spell_complete give words of the
 * vocabulary, and spell_distance is 0 between equal words and
 * its early stop never changes a distance within the budget.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct speller	*sp;

static const char *const words[] = {
	"cooperation", "decentralisee", "jumelage", "collectivite",
	"territoriale", "convention", "partenariat", "commune", "region",
	"departement", "subvention", "humanitaire", "deliberation",
	"interregional", "action", "exterieure", "loi", "decret", "article",
	"conseil", "etat", "code", "general", "amitie", "pacte", "burkina",
	"senegal", "maroc", "aect", "l1115", "mm", "rn", "illlegal",
};

static void
build(void)
{
	size_t	 i;

	sp = spell_new();
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		spell_add(sp, words[i], strlen(words[i]), NULL, 0,
		    (int64_t)(i % 7 + 1));
	spell_add(sp, "cooperation", 11, "coopération", 12, 5);
	spell_build(sp);
}

static void
check_cand(const struct spell_cand *c)
{
	if (c->word == NULL || spell_df(sp, c->word, strlen(c->word)) == 0 ||
	    c->dist < 0 || c->df < 0)
		abort();
	if (c->word2 != NULL && spell_df(sp, c->word2, strlen(c->word2)) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char		*a = (const char *)data, *b;
	struct spell_cand	 c;
	size_t			 na, nb;
	int			 max, full, cut;

	if (sp == NULL)
		build();
	if (len < 1)
		return 0;
	max = data[0] % 16;
	a++;
	len--;
	/* "a\0b": two words for the distance; a alone for the speller. */
	if ((b = memchr(a, '\0', len)) != NULL) {
		na = (size_t)(b - a);
		b++;
		nb = len - na - 1;
	} else {
		na = len;
		b = a;
		nb = len;
	}
	full = spell_distance(a, na, b, nb, 1 << 20);
	cut = spell_distance(a, na, b, nb, max);
	if (full < 0 || cut < 0 || (na == nb && memcmp(a, b, na) == 0 &&
	    full != 0 && na <= 48))
		abort();
	if ((full <= max) != (cut <= max) || (full <= max && full != cut))
		abort();	/* the early stop changed the answer */
	if (memchr(a, '\0', na) == NULL) {
		memset(&c, 0, sizeof c);
		if (spell_suggest(sp, a, na, &c) == 1)
			check_cand(&c);
		memset(&c, 0, sizeof c);
		if (spell_complete(sp, a, na, &c) == 1)
			check_cand(&c);
	}
	return 0;
}
