/*
 * grille.c - the criteria of the course's analysis grid, and the lookup of
 * a criterion by id or by the leading word of a label (grille.h).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "grille.h"

const struct grille_crit grille_criteria[GRILLE_N] = {
	{ "equilibre", "Équilibre et réciprocité",
	    { "équilibre", "equilibre" } },
	{ "appui-institutionnel",
	    "Appui institutionnel et place des infrastructures",
	    { "appui", "appui" } },
	{ "ancrage", "Ancrage dans les politiques locales",
	    { "ancrage", "ancrage" } },
	{ "participation", "Participation des acteurs",
	    { "participation", "participation" } },
	{ "perennite", "Pérennité", { "pérennité", "perennite" } },
	{ "cadre-juridique", "Cadre juridique respecté",
	    { "cadre", "cadre" } },
	{ "financement", "Financement et transparence",
	    { "financement", "financement" } },
	{ "evaluation", "Évaluation et apprentissage",
	    { "évaluation", "evaluation" } },
};

int
grille_find_id(const char *s)
{
	int	 i;

	for (i = 0; i < GRILLE_N; i++)
		if (strcmp(grille_criteria[i].id, s) == 0)
			return i;
	return -1;
}

int
grille_find_label(const char *label, size_t len)
{
	char		 word[64];
	size_t		 i, n = 0;
	unsigned char	 c;
	int		 k;

	/* The first word in lower case: ASCII, and the Latin-1 capitals
	 * (U+00C0 to U+00DE, "É" is C3 89) that French words start with. */
	for (i = 0; i < len && n + 2 < sizeof word; i++) {
		c = (unsigned char)label[i];
		if (c == ' ' || c == '\t')
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c == 0xc3 && i + 1 < len &&
		    (unsigned char)label[i + 1] >= 0x80 &&
		    (unsigned char)label[i + 1] <= 0x9e &&
		    (unsigned char)label[i + 1] != 0x97) {
			word[n++] = (char)c;
			word[n++] = (char)((unsigned char)label[++i] + 0x20);
			continue;
		}
		word[n++] = (char)c;
	}
	word[n] = '\0';
	for (k = 0; k < GRILLE_N; k++)
		if (strcmp(word, grille_criteria[k].word[0]) == 0 ||
		    strcmp(word, grille_criteria[k].word[1]) == 0)
			return k;
	return -1;
}
