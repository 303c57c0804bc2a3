/*
 * grid.c - « Analyser un partenariat »: the course's analysis grid
 * (www/grille.json, loaded and checked with the templates) as a form at
 * /grille, the summary of the answers at /grille/synthese, and the answers
 * as one partnership record at /grille/fiche.jsonl, which `savoir index`
 * reads as it is (corpus/partenariats/README.md).
 *
 * Everything comes from the query string, strictly checked and bounded;
 * nothing is stored and nothing is written: the server stays read-only.
 * Like routes.c it writes no HTML (render.c escapes every value) and never
 * builds SQL: the links under each criterion come from search_run, the
 * comparison with the shipped cases from their grille-<id> metadata
 * (plugins/common/grille.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define GRID_FILE		"grille.json"
#define GRID_MAX_FILE		(256 * 1024)
#define GRID_N			8
#define GRID_FIELD_MAX		200	/* bytes of an identity field */
#define GRID_THEMES_MAX		400
#define GRID_SOURCE_MAX		500
#define GRID_COMMENT_MAX	2000	/* bytes of one comment */
#define GRID_LINKS		3	/* documents under each criterion */
#define GRID_CASES		20	/* cases compared, at most */
#define GRID_ID_MAX		120	/* bytes of a record's id */

#define HTML_TYPE	"text/html; charset=utf-8"

/* The criteria's ids, in the grid's order: the form's parameter names and
 * the metadata keys grille-<id> (plugins/common/grille.h). */
static const char *const grid_ids[GRID_N] = { "equilibre",
	"appui-institutionnel", "ancrage", "participation", "perennite",
	"cadre-juridique", "financement", "evaluation" };

/* The partnership's identity: parameter, label, size, required in a
 * record. */
enum {
	GF_COLLECTIVITE, GF_TYPE, GF_PARTENAIRE, GF_PAYS, GF_DEBUT, GF_THEMES,
	GF_STATUT, GF_SOURCE, GF_EXEMPLE, GF_N
};
static const struct {
	const char	*name;
	const char	*label;
	size_t		 max;
} grid_fields[GF_N] = {
	{ "collectivite", "Collectivité", GRID_FIELD_MAX },
	{ "type_collectivite", "Type de collectivité", GRID_FIELD_MAX },
	{ "partenaire", "Partenaire", GRID_FIELD_MAX },
	{ "pays", "Pays", GRID_FIELD_MAX },
	{ "annee_debut", "Année de début", 4 },
	{ "themes", "Thèmes", GRID_THEMES_MAX },
	{ "statut", "Statut", GRID_FIELD_MAX },
	{ "source", "Source", GRID_SOURCE_MAX },
	{ "exemple", "Exercice (partenariat fictif)", 3 },
};
static const char *const grid_types[] = { "commune", "EPCI", "département",
	"région", NULL };
static const char *const grid_statuts[] = { "actif", "terminé", NULL };

/* What a person answered. */
struct grid_in {
	const char	*f[GF_N];		/* NULL or "": not given */
	int		 note[GRID_N];		/* -1: not graded */
	const char	*comment[GRID_N];
	int		 any;			/* some parameter was given */
};

/* --- www/grille.json ------------------------------------------------ */

static int
grid_fail(char **cause, const char *path, int i, const char *what)
{
	if (i < 0)
		xasprintf(cause, "%s: %s", path, what);
	else
		xasprintf(cause, "%s: criterion %d (%s): %s", path, i + 1,
		    grid_ids[i], what);
	return -1;
}

static int
grid_text(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) && json_string_length(v) > 0;
}

static int
grid_texts(json_t *o, const char *key, size_t n)
{
	json_t	*a = json_object_get(o, key), *v;
	size_t	 i;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    (n > 0 && json_array_size(a) != n))
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || json_string_length(v) == 0)
			return 0;
	return 1;
}

json_t *
grid_load(const char *www, char **cause)
{
	json_error_t	 err;
	json_t		*g, *a, *c;
	char		*path;
	int		 i;

	path = xsprintf("%s/" GRID_FILE, www);
	if ((g = json_load_file(path, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		xasprintf(cause, "%s:%d: %s", path, err.line, err.text);
		free(path);
		return NULL;
	}
	a = json_object_get(g, "criteres");
	if (!json_is_object(g) || !grid_text(g, "note") ||
	    !grid_text(g, "mode_emploi")) {
		grid_fail(cause, path, -1, "an object with note, mode_emploi "
		    "and criteres is wanted");
		goto fail;
	}
	if (!json_is_array(a) || json_array_size(a) != GRID_N) {
		grid_fail(cause, path, -1, "criteres must list the 8 criteria");
		goto fail;
	}
	for (i = 0; i < GRID_N; i++) {
		c = json_array_get(a, i);
		if (!json_is_object(c) || strcmp(jstr_get(c, "id"),
		    grid_ids[i]) != 0) {
			grid_fail(cause, path, i, "the id must be this one, in "
			    "this order");
			goto fail;
		}
		if (!grid_text(c, "titre") || !grid_text(c, "question") ||
		    !grid_text(c, "recherche")) {
			grid_fail(cause, path, i, "titre, question and "
			    "recherche must be texts");
			goto fail;
		}
		if (!grid_texts(c, "questions", 0)) {
			grid_fail(cause, path, i, "questions must be a list of "
			    "texts");
			goto fail;
		}
		if (!grid_texts(c, "echelle", 4)) {
			grid_fail(cause, path, i, "echelle must hold 4 texts "
			    "(notes 0 to 3)");
			goto fail;
		}
	}
	free(path);
	return g;
fail:
	free(path);
	json_decref(g);
	return NULL;
}

/* --- the answers ---------------------------------------------------- */

static int
grid_oneof(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int
grid_find(const char *id)
{
	int	 i;

	for (i = 0; i < GRID_N; i++)
		if (strcmp(grid_ids[i], id) == 0)
			return i;
	return -1;
}

/* A 400 page, in French, saying what is wrong; -1 for the caller. */
static int SAVOIR_PRINTFLIKE(2, 3)
grid_bad(struct req *q, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *full;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	full = xsprintf("%s Revenez au formulaire (/grille) pour corriger.",
	    msg);
	http_error(q, 400, "bad_parameter", full);
	free(full);
	free(msg);
	return -1;
}

/* What a person typed, quoted in a message: at most max bytes, cut
 * before a UTF-8 sequence rather than inside it.  Caller frees. */
static char *
grid_quote(const char *s, size_t max)
{
	size_t	 n = strlen(s);

	if (n <= max)
		return xstrdup(s);
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return xsprintf("%.*s…", (int)n, s);
}

/* A single-line field has no control character. */
static int
grid_one_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A note-<id> or commentaire-<id> parameter: 0, or -1 with a 400 sent. */
static int
grid_param_crit(struct req *q, json_t *grid, struct grid_in *in,
    const char *k, const char *v)
{
	const char	*id = strchr(k, '-') + 1, *title;
	char		*quoted;
	int		 c;

	if ((c = grid_find(id)) == -1) {
		quoted = grid_quote(id, 40);
		grid_bad(q, "Critère inconnu « %s » : la grille a huit "
		    "critères, equilibre, appui-institutionnel, ancrage, "
		    "participation, perennite, cadre-juridique, financement "
		    "et evaluation.", quoted);
		free(quoted);
		return -1;
	}
	title = jstr_get(json_array_get(json_object_get(grid, "criteres"), c),
	    "titre");
	if (*k == 'c') {
		if (in->comment[c] != NULL)
			return grid_bad(q, "Le commentaire du critère « %s » "
			    "est donné deux fois.", title);
		if (strlen(v) > GRID_COMMENT_MAX)
			return grid_bad(q, "Le commentaire du critère « %s » "
			    "est trop long (%zu octets ; %d au plus).", title,
			    strlen(v), GRID_COMMENT_MAX);
		in->comment[c] = v;
		return 0;
	}
	if (in->note[c] != -1)
		return grid_bad(q, "La note du critère « %s » est donnée deux "
		    "fois.", title);
	if (*v == '\0')
		return 0;
	if (strlen(v) != 1 || *v < '0' || *v > '3') {
		quoted = grid_quote(v, 20);
		grid_bad(q, "La note du critère « %s » doit être 0, 1, 2 ou 3 "
		    "(reçu « %s »).", title, quoted);
		free(quoted);
		return -1;
	}
	in->note[c] = *v - '0';
	return 0;
}

/*
 * Read and check every parameter: known names only, each once, within its
 * size, notes 0 to 3.  0, or -1 with a 400 sent.
 */
static int
grid_params(struct req *q, json_t *grid, struct grid_in *in)
{
	struct evkeyval	*kv;
	const char	*k, *v;
	char		*quoted;
	int		 i;

	memset(in, 0, sizeof *in);
	for (i = 0; i < GRID_N; i++)
		in->note[i] = -1;
	TAILQ_FOREACH(kv, &q->args, next) {
		k = kv->key;
		v = kv->value;
		in->any = 1;
		if (strncmp(k, "note-", 5) == 0 ||
		    strncmp(k, "commentaire-", 12) == 0) {
			if (grid_param_crit(q, grid, in, k, v) == -1)
				return -1;
			continue;
		}
		for (i = 0; i < GF_N; i++)
			if (strcmp(k, grid_fields[i].name) == 0)
				break;
		if (i == GF_N) {
			quoted = grid_quote(k, 40);
			grid_bad(q, "Paramètre inconnu « %s ».", quoted);
			free(quoted);
			return -1;
		}
		if (in->f[i] != NULL)
			return grid_bad(q, "Le champ « %s » est donné deux "
			    "fois.", grid_fields[i].label);
		if (strlen(v) > grid_fields[i].max)
			return grid_bad(q, "Le champ « %s » est trop long "
			    "(%zu octets ; %zu au plus).", grid_fields[i].label,
			    strlen(v), grid_fields[i].max);
		if (!grid_one_line(v))
			return grid_bad(q, "Le champ « %s » doit tenir sur une "
			    "ligne.", grid_fields[i].label);
		in->f[i] = v;
	}
	if ((v = in->f[GF_TYPE]) != NULL && *v != '\0' &&
	    !grid_oneof(v, grid_types))
		return grid_bad(q, "Le type de collectivité doit être commune, "
		    "EPCI, département ou région.");
	if ((v = in->f[GF_STATUT]) != NULL && *v != '\0' &&
	    !grid_oneof(v, grid_statuts))
		return grid_bad(q, "Le statut doit être actif ou terminé.");
	if ((v = in->f[GF_DEBUT]) != NULL && *v != '\0' &&
	    (strlen(v) != 4 || (v[0] != '1' && v[0] != '2') ||
	    !isdigit((unsigned char)v[1]) || !isdigit((unsigned char)v[2]) ||
	    !isdigit((unsigned char)v[3])))
		return grid_bad(q, "L'année de début s'écrit sur quatre "
		    "chiffres (par exemple 2019).");
	if ((v = in->f[GF_EXEMPLE]) != NULL && *v != '\0' &&
	    strcmp(v, "oui") != 0)
		return grid_bad(q, "Le champ « exemple » vaut oui ou est "
		    "absent.");
	if ((v = in->f[GF_SOURCE]) != NULL && *v != '\0' &&
	    ((strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) !=
	    0) || strpbrk(v, " <>\"") != NULL))
		return grid_bad(q, "La source doit être une adresse web "
		    "complète, commençant par https:// ou http://.");
	return 0;
}

static const char *
grid_field(const struct grid_in *in, int f)
{
	return in->f[f] != NULL ? in->f[f] : "";
}

static int
grid_exemple(const struct grid_in *in)
{
	return strcmp(grid_field(in, GF_EXEMPLE), "oui") == 0;
}

/* The themes, split at ';' or ',', trimmed, empty ones left out. */
static json_t *
grid_themes(const char *s)
{
	json_t		*a = json_array();
	const char	*end;
	size_t		 n;

	while (*s != '\0') {
		n = strcspn(s, ";,");
		end = s + n;
		while (s < end && *s == ' ')
			s++;
		while (end > s && end[-1] == ' ')
			end--;
		if (end > s)
			json_array_append_new(a, jstr_free(xstrndup(s,
			    end - s)));
		s += n;
		if (*s != '\0')
			s++;
	}
	return a;
}

/*
 * What a record still lacks (the format's required fields, and the source
 * a real partnership needs), as a French list; NULL when complete.
 * Caller frees.
 */
static char *
grid_missing(const struct grid_in *in)
{
	static const int req[] = { GF_COLLECTIVITE, GF_TYPE, GF_PARTENAIRE,
	    GF_PAYS, GF_DEBUT, GF_THEMES, GF_STATUT };
	struct buf	 b;
	json_t		*t;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		if (*grid_field(in, req[i]) != '\0')
			continue;
		buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
		    grid_fields[req[i]].label);
	}
	t = grid_themes(grid_field(in, GF_THEMES));
	if (*grid_field(in, GF_THEMES) != '\0' && json_array_size(t) == 0)
		buf_printf(&b, "%s%s", b.len > 0 ? ", " : "", "Thèmes");
	json_decref(t);
	if (!grid_exemple(in) && *grid_field(in, GF_SOURCE) == '\0')
		buf_printf(&b, "%s%s", b.len > 0 ? ", " : "", "Source (une "
		    "fiche réelle en exige une ; sinon, cochez « exercice »)");
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* path and the answers as its query, for the links that carry them.
 * Caller frees. */
static char *
grid_url(const char *path, const struct grid_in *in)
{
	struct buf	 b;
	char		 name[64];
	char		 note[2] = { 0, 0 };
	int		 i;

	buf_init(&b);
	buf_adds(&b, path);
	for (i = 0; i < GF_N; i++)
		if (*grid_field(in, i) != '\0')
			url_param(&b, grid_fields[i].name, in->f[i]);
	for (i = 0; i < GRID_N; i++) {
		if (in->note[i] >= 0) {
			snprintf(name, sizeof name, "note-%s", grid_ids[i]);
			note[0] = (char)('0' + in->note[i]);
			url_param(&b, name, note);
		}
		if (in->comment[i] != NULL && *in->comment[i] != '\0') {
			snprintf(name, sizeof name, "commentaire-%s",
			    grid_ids[i]);
			url_param(&b, name, in->comment[i]);
		}
	}
	return buf_steal(&b);
}

/* --- the form ------------------------------------------------------- */

static json_t *
grid_choices(const char *const *set, const char *current)
{
	json_t	*a = json_array();

	for (; *set != NULL; set++)
		json_array_append_new(a, json_pack("{s:s,s:b}", "value", *set,
		    "selected", current != NULL && strcmp(current, *set) == 0));
	return a;
}

/* The page's data shared by the form and the summary. */
static json_t *
grid_page(const char *title)
{
	json_t	*o = json_object();

	json_object_set_new(o, "page", jstr("grille"));
	json_object_set_new(o, "title", jstr(title));
	json_object_set_new(o, "q", jstr(""));
	return o;
}

static void
grid_form(struct req *q, json_t *grid, const struct grid_in *in)
{
	json_t		*data, *crits, *c, *scale, *e, *fields;
	char		*s;
	size_t		 i, j;

	data = grid_page("Analyser un partenariat");
	json_object_set_new(data, "form", json_true());
	fields = json_object();
	for (i = 0; i < GF_N; i++)
		json_object_set_new(fields, grid_fields[i].name,
		    jstr(grid_field(in, i)));
	json_object_set_new(data, "f", fields);
	json_object_set_new(data, "types", grid_choices(grid_types,
	    in->f[GF_TYPE]));
	json_object_set_new(data, "statuts", grid_choices(grid_statuts,
	    in->f[GF_STATUT] != NULL ? in->f[GF_STATUT] : "actif"));
	json_object_set_new(data, "exemple", json_boolean(grid_exemple(in)));
	json_object_set_new(data, "comment_max", json_integer(
	    GRID_COMMENT_MAX));
	json_object_set_new(data, "note_url", jstr_free(url_for_doc(jstr_get(
	    grid, "note"), NULL)));
	json_object_set_new(data, "mode_emploi_url", jstr_free(url_for_doc(
	    jstr_get(grid, "mode_emploi"), NULL)));
	crits = json_array();
	json_array_foreach(json_object_get(grid, "criteres"), i, c) {
		scale = json_array();
		json_array_foreach(json_object_get(c, "echelle"), j, e) {
			s = xsprintf("%zu", j);
			json_array_append_new(scale, json_pack("{s:o,s:O,s:b}",
			    "value", jstr_free(s), "label", e, "checked",
			    in->note[i] == (int)j));
		}
		json_array_append_new(crits, json_pack("{s:O,s:O,s:O,s:O,s:O,"
		    "s:o,s:o,s:b}", "id", json_object_get(c, "id"), "numero",
		    json_object_get(c, "numero"), "titre", json_object_get(c,
		    "titre"), "question", json_object_get(c, "question"),
		    "questions", json_object_get(c, "questions"), "echelle",
		    scale, "commentaire", jstr(in->comment[i]), "none",
		    in->note[i] < 0));
	}
	json_object_set_new(data, "criteres", crits);
	route_render(q, 200, "grille", HTML_TYPE, data);
}

/* --- the summary ---------------------------------------------------- */

/* The documents a criterion's key words find: a few links, not to the
 * grid's own notes (the page links them once). */
static json_t *
grid_links(struct req *q, struct store *st, json_t *types, json_t *grid,
    const char *words)
{
	struct search_opts	 so;
	struct results		 res;
	json_t			*a = json_array();
	char			*cause = NULL;
	size_t			 i;

	memset(&so, 0, sizeof so);
	so.limit = GRID_LINKS + 2;
	so.budget_ms = q->w->server->conf->budget_ms;
	so.synonyms = q->w->server->conf->synonyms;
	so.no_correct = 1;
	if (search_run(st, words, &so, &res, &cause) == -1) {
		log_warnx("%s: search \"%s\": %s", q->route, words, cause);
		free(cause);
		return a;
	}
	for (i = 0; i < res.nhits && json_array_size(a) < GRID_LINKS; i++) {
		if (strcmp(res.hits[i].id, jstr_get(grid, "note")) == 0 ||
		    strcmp(res.hits[i].id, jstr_get(grid, "mode_emploi")) == 0)
			continue;
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "title",
		    jstr(res.hits[i].title), "url", jstr_free(url_for_doc(
		    res.hits[i].id, NULL)), "type_label", jstr(
		    facet_type_label(types, res.hits[i].type, 0))));
	}
	results_clear(&res);
	return a;
}

/* A grid entry's note: the digit its value starts with ("2/3 — …"). */
static int
grid_meta_note(const char *value)
{
	if (value[0] >= '0' && value[0] <= '3' && value[1] == '/')
		return value[0] - '0';
	return -1;
}

/*
 * A case's title short enough for a column head: what comes before " : "
 * ("Chambéry – Ouahigouya"); for a fictional case ("Cas d'école fictif :
 * Chantebrise et Sabarou, une relation…"), the start of what follows, up
 * to a comma or a few words.  Caller frees.
 */
static char *
grid_short_title(const char *title)
{
	static const char fict[] = "Cas d'école fictif : ";
	const char	*p, *sep, *cut;
	size_t		 n;

	if (strncmp(title, fict, sizeof fict - 1) != 0) {
		sep = strstr(title, " : ");
		return sep != NULL ? xstrndup(title, sep - title) :
		    xstrdup(title);
	}
	p = title + sizeof fict - 1;
	n = strcspn(p, ",:");
	if (n > 40) {
		/* At a space, never inside a UTF-8 sequence. */
		for (cut = p + 40; cut > p && *cut != ' '; cut--)
			;
		n = cut > p ? (size_t)(cut - p) : 40;
		return xsprintf("%.*s… (fictif)", (int)n, p);
	}
	while (n > 0 && p[n - 1] == ' ')
		n--;
	return xsprintf("%.*s (fictif)", (int)n, p);
}

/*
 * The shipped cases that carry a grid (their grille-<id> metadata): for
 * each, its title, page and notes.  Logged and left out on a read error.
 */
static json_t *
grid_cases(struct req *q, struct store *st)
{
	static const char *const filters[] = { "type", "cas", NULL };
	struct search_opts	 so;
	struct results		 res;
	struct store_doc	*sd;
	json_error_t		 err;
	json_t			*cases = json_array(), *fict = json_array();
	json_t			*meta, *m, *notes;
	const char		*key;
	char			*cause = NULL;
	size_t			 i, j;
	int			 c, n, found;

	memset(&so, 0, sizeof so);
	so.limit = GRID_CASES;
	so.budget_ms = q->w->server->conf->budget_ms;
	so.filters = filters;
	so.no_correct = 1;
	if (search_run(st, "", &so, &res, &cause) == -1) {
		log_warnx("%s: cases: %s", q->route, cause);
		free(cause);
		json_decref(fict);
		return cases;
	}
	for (i = 0; i < res.nhits; i++) {
		if (store_doc(st, res.hits[i].id, 0, &sd, &cause) != 1) {
			if (cause != NULL)
				log_warnx("%s: %s: %s", q->route,
				    res.hits[i].id, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		meta = json_loads(sd->meta, 0, &err);
		notes = json_array();
		for (c = 0; c < GRID_N; c++)
			json_array_append_new(notes, json_null());
		found = 0;
		json_array_foreach(meta, j, m) {
			key = json_string_value(json_array_get(m, 0));
			if (key == NULL || strncmp(key, "grille-", 7) != 0 ||
			    (c = grid_find(key + 7)) == -1)
				continue;
			n = grid_meta_note(json_string_value(json_array_get(m,
			    2)) != NULL ? json_string_value(json_array_get(m,
			    2)) : "");
			if (n < 0)
				continue;
			json_array_set_new(notes, c, json_integer(n));
			found = 1;
		}
		json_decref(meta);
		if (found)
			json_array_append_new(strncmp(sd->title, "Cas d'école ",
			    strlen("Cas d'école ")) == 0 ? fict : cases,
			    json_pack("{s:o,s:o,s:o,"
			    "s:o}", "title", jstr(sd->title), "short",
			    jstr_free(grid_short_title(sd->title)), "url",
			    jstr_free(url_for_doc(sd->id, NULL)), "notes",
			    notes));
		else
			json_decref(notes);
		store_doc_free(sd);
	}
	results_clear(&res);
	/* The real partnerships first, the made-up ones after. */
	json_array_extend(cases, fict);
	json_decref(fict);
	return cases;
}

static void
grid_summary(struct req *q, json_t *grid, const struct grid_in *in)
{
	struct store	*st;
	json_t		*data, *types, *crits, *c, *cases, *k, *row, *cells;
	json_t		*ident, *heads;
	char		*missing, *s;
	size_t		 i, j;
	int		 n, graded = 0;

	if ((st = api_store(q)) == NULL)
		return;
	if (*grid_field(in, GF_COLLECTIVITE) == '\0' ||
	    *grid_field(in, GF_PARTENAIRE) == '\0') {
		grid_bad(q, "Indiquez au moins la collectivité et son "
		    "partenaire.");
		return;
	}
	if ((types = api_types_json(q->w, 0, &s)) == NULL) {
		log_warnx("%s: content types: %s", q->route, s);
		free(s);
		types = json_array();
	}
	s = xsprintf("%s – %s — Analyse du partenariat",
	    grid_field(in, GF_COLLECTIVITE), grid_field(in, GF_PARTENAIRE));
	data = grid_page(s);
	free(s);
	json_object_set_new(data, "summary", json_true());
	json_object_set_new(data, "heading", jstr_free(xsprintf("%s – %s",
	    grid_field(in, GF_COLLECTIVITE), grid_field(in, GF_PARTENAIRE))));

	ident = json_array();
	for (i = 0; i < GF_N; i++) {
		if (i == GF_EXEMPLE || *grid_field(in, i) == '\0')
			continue;
		json_array_append_new(ident, json_pack("{s:s,s:s}", "label",
		    grid_fields[i].label, "value", in->f[i]));
	}
	if (grid_exemple(in))
		json_array_append_new(ident, json_pack("{s:s,s:s}", "label",
		    "Nature", "value", "exercice (partenariat fictif)"));
	json_object_set_new(data, "identite", ident);

	crits = json_array();
	json_array_foreach(json_object_get(grid, "criteres"), i, c) {
		n = in->note[i];
		graded += n >= 0;
		json_array_append_new(crits, json_pack("{s:O,s:O,s:O,s:o,s:o,"
		    "s:o,s:o}", "id", json_object_get(c, "id"), "numero",
		    json_object_get(c, "numero"), "titre", json_object_get(c,
		    "titre"), "note", n >= 0 ? jstr_free(xsprintf("%d/3", n)) :
		    jstr("non noté"), "sens", n >= 0 ? json_incref(
		    json_array_get(json_object_get(c, "echelle"), n)) :
		    jstr(""), "commentaire", jstr(in->comment[i]), "liens",
		    grid_links(q, st, types, grid, jstr_get(c,
		    "recherche"))));
	}
	json_object_set_new(data, "criteres", crits);
	json_object_set_new(data, "graded", json_integer(graded));

	/* Side by side: a row a criterion, the person's note first. */
	cases = grid_cases(q, st);
	heads = json_array();
	json_array_foreach(cases, j, k)
		json_array_append_new(heads, json_pack("{s:O,s:O,s:O}", "title",
		    json_object_get(k, "title"), "short", json_object_get(k,
		    "short"), "url", json_object_get(k, "url")));
	json_object_set_new(data, "cas", heads);
	row = json_array();
	json_array_foreach(json_object_get(grid, "criteres"), i, c) {
		cells = json_array();
		json_array_foreach(cases, j, k) {
			n = json_is_integer(json_array_get(json_object_get(k,
			    "notes"), i)) ? (int)json_integer_value(
			    json_array_get(json_object_get(k, "notes"), i)) :
			    -1;
			json_array_append_new(cells, json_pack("{s:o}", "note",
			    n >= 0 ? jstr_free(xsprintf("%d", n)) :
			    jstr("–")));
		}
		json_array_append_new(row, json_pack("{s:O,s:o,s:o}", "titre",
		    json_object_get(c, "titre"), "votre", in->note[i] >= 0 ?
		    jstr_free(xsprintf("%d", in->note[i])) : jstr("–"),
		    "cells", cells));
	}
	json_object_set_new(data, "comparaison", row);
	json_decref(cases);

	json_object_set_new(data, "edit_url", jstr_free(grid_url("/grille",
	    in)));
	if ((missing = grid_missing(in)) == NULL)
		json_object_set_new(data, "fiche_url", jstr_free(grid_url(
		    "/grille/fiche.jsonl", in)));
	else
		json_object_set_new(data, "fiche_manque", jstr_free(missing));
	json_object_set_new(data, "note_url", jstr_free(url_for_doc(jstr_get(
	    grid, "note"), NULL)));
	json_object_set_new(data, "mode_emploi_url", jstr_free(url_for_doc(
	    jstr_get(grid, "mode_emploi"), NULL)));
	json_decref(types);
	route_render(q, 200, "grille", HTML_TYPE, data);
}

/* --- the record ----------------------------------------------------- */

/* Lower-case ASCII words of s joined by '-', onto b. */
static void
grid_slug(struct buf *b, const char *s)
{
	char	*f = fmt_fold(s, strlen(s)), *p;
	int	 dash = b->len > 0;

	for (p = f; *p != '\0' && b->len < GRID_ID_MAX; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			if (dash)
				buf_addc(b, '-');
			dash = 0;
			buf_addc(b, *p);
		} else if (b->len > 0)
			dash = 1;
	}
	free(f);
}

static void
grid_fiche(struct req *q, json_t *grid, const struct grid_in *in)
{
	struct evbuffer	*out;
	struct buf	 id;
	json_t		*rec, *g, *c;
	char		*missing, *line, *disp;
	int		 i;

	(void)grid;
	if ((missing = grid_missing(in)) != NULL) {
		grid_bad(q, "La fiche ne peut pas être enregistrée : il manque "
		    "%s.", missing);
		free(missing);
		return;
	}
	buf_init(&id);
	if (grid_exemple(in))
		buf_adds(&id, "ex");
	grid_slug(&id, in->f[GF_COLLECTIVITE]);
	grid_slug(&id, in->f[GF_PARTENAIRE]);
	if (id.len == 0 || strcmp(id.data, "ex") == 0)
		buf_adds(&id, id.len > 0 ? "-partenariat" : "partenariat");
	rec = json_object();
	json_object_set_new(rec, "id", jstr(id.data));
	json_object_set_new(rec, "collectivite", jstr(in->f[GF_COLLECTIVITE]));
	json_object_set_new(rec, "type_collectivite", jstr(in->f[GF_TYPE]));
	json_object_set_new(rec, "partenaire", jstr(in->f[GF_PARTENAIRE]));
	json_object_set_new(rec, "pays", jstr(in->f[GF_PAYS]));
	json_object_set_new(rec, "annee_debut", jstr(in->f[GF_DEBUT]));
	json_object_set_new(rec, "themes", grid_themes(in->f[GF_THEMES]));
	json_object_set_new(rec, "statut", jstr(in->f[GF_STATUT]));
	json_object_set_new(rec, "description", jstr(grid_exemple(in) ?
	    "Exemple fictif. Fiche établie avec la grille d'analyse du cours "
	    "(page « Analyser un partenariat »)." :
	    "Fiche établie avec la grille d'analyse du cours (page « Analyser "
	    "un partenariat ») ; les notes sont celles de la personne qui l'a "
	    "remplie."));
	if (!grid_exemple(in))
		json_object_set_new(rec, "source", jstr(in->f[GF_SOURCE]));
	json_object_set_new(rec, "exemple", jstr(grid_exemple(in) ? "oui" :
	    "non"));
	g = json_object();
	for (i = 0; i < GRID_N; i++) {
		if (in->note[i] < 0)
			continue;
		c = json_pack("{s:i}", "note", in->note[i]);
		if (in->comment[i] != NULL && *in->comment[i] != '\0')
			json_object_set_new(c, "commentaire",
			    jstr(in->comment[i]));
		json_object_set_new(g, grid_ids[i], c);
	}
	json_object_set_new(rec, "grille", g);
	line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(rec);
	if (line == NULL)
		fatalx("grid_fiche: out of memory");
	if ((out = evbuffer_new()) == NULL)
		fatalx("grid_fiche: out of memory");
	evbuffer_add_printf(out, "%s\n", line);
	free(line);
	/* The id is [a-z0-9-]: nothing to quote in the header. */
	disp = xsprintf("attachment; filename=\"partenariat-%s.jsonl\"",
	    id.data);
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	    "Content-Disposition", disp);
	free(disp);
	buf_free(&id);
	http_send(q, 200, "application/jsonl; charset=utf-8", out);
	evbuffer_free(out);
}

/* --- /grille -------------------------------------------------------- */

void
page_grid(struct req *q, const char *rest)
{
	struct templates	*t = q->w->server->templates;
	struct grid_in		 in;
	json_t			*grid;

	if ((grid = t != NULL ? templates_grid(t) : NULL) == NULL) {
		http_error(q, 503, "no_grid", "La grille d'analyse n'est pas "
		    "installée sur ce serveur (www/grille.json).");
		return;
	}
	if (*rest != '\0' && strcmp(rest, "/synthese") != 0 &&
	    strcmp(rest, "/fiche.jsonl") != 0) {
		http_error(q, 404, "not_found", "Cette adresse ne correspond à "
		    "aucune page de Savoir.");
		return;
	}
	if (grid_params(q, grid, &in) == -1)
		return;
	if (*rest == '\0')
		grid_form(q, grid, &in);
	else if (strcmp(rest, "/synthese") == 0)
		grid_summary(q, grid, &in);
	else
		grid_fiche(q, grid, &in);
}
