/*
 * grille.h - the course's analysis grid as the plugins know it: the eight
 * criteria with their stable id and title (as in the note
 * corpus/notes/07-grille-analyse/01-la-grille-d-analyse.md and
 * www/grille.json, which tests/integration/grid.sh keeps in step), and how
 * a grid is written into a document's metadata: one entry a criterion,
 * key "grille-<id>", label the criterion's title, value "n/3 — comment".
 * savoird reads those entries back (routes.c, grid.c).
 *
 * It never touches the host: the callers emit.
 */
#ifndef PLUGIN_GRILLE_H
#define PLUGIN_GRILLE_H

#define GRILLE_N	8
#define GRILLE_KEY	"grille-"	/* + id: the metadata key */
#define GRILLE_COMMENT_MAX	4000	/* bytes of one comment */

struct grille_crit {
	const char	*id;
	const char	*title;
	/* The leading word a case's label starts with, folded to lower
	 * case (accented and plain). */
	const char	*word[2];
};
extern const struct grille_crit grille_criteria[GRILLE_N];

/* The criterion whose id is s, or -1. */
int	 grille_find_id(const char *s);
/* The criterion a label names by its leading word ("Appui institutionnel
 * plutôt qu'infrastructures" -> appui-institutionnel), or -1. */
int	 grille_find_label(const char *label, size_t len);
/* The ids as "equilibre, appui-institutionnel, …", for messages. */
#define GRILLE_IDS	"equilibre, appui-institutionnel, ancrage, " \
	"participation, perennite, cadre-juridique, financement, evaluation"

#endif /* PLUGIN_GRILLE_H */
