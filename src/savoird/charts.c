/*
 * charts.c - pictures drawn on the server: « Partenariats » (/partenariats),
 * the partnership records counted by country on a world map and by start
 * year, funder and theme as bar charts, and « Chronologie du cadre
 * juridique » (/chronologie), the laws and court decisions of the corpus in
 * date order.
 *
 * Counts come from the index (store_facet_counts over the partenariat
 * type's facets), never from the CSV.  Every mark is a link to the search
 * its number counts; beside every chart, a table holds the same numbers
 * and links: the SVG is aria-hidden and its links are out of the tab
 * order, the table is what a screen reader or a keyboard reads.  Shapes
 * come from www/carte/pays.json (www/carte/make-map.py: Natural Earth, public
 * domain), read once, the first time a map is drawn (a reload that
 * changes [server] www keeps the shapes read first).
 *
 * Like routes.c it writes no markup itself: it computes coordinates and
 * hands them to the partenariats and chronologie templates, which render.c
 * escapes.  It never writes anything and never fetches anything.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define HTML_TYPE	"text/html; charset=utf-8"
#define CHART_TYPE	"partenariat"
#define MAP_FILE	"carte/pays.json"
#define MAP_MAX_FILE	(2 * 1024 * 1024)
#define MAP_MAX_SHAPES	1000
#define MAP_LEVELS	4	/* shades of a country with partnerships */
#define BAR_WIDTH	400	/* viewBox width of a bar chart */
#define BAR_ROW		34	/* height of one bar and its label */
#define BAR_MAX		60	/* bars drawn; the table holds them all */
#define COL_HEIGHT	160	/* plot height of the year chart */
#define CHRONO_PAGE	100	/* documents read a search */
#define CHRONO_MAX	1000	/* laws and decisions shown, at most */

/* --- the shapes ------------------------------------------------------ */

struct map_shape {
	char		*iso;
	char		*name;		/* French, for a title */
	char		*d;		/* SVG path data */
	double		 x, y;		/* marker */
	char		**names;	/* folded, compact: "senegal" */
	size_t		 nnames;
};
struct map {
	struct map_shape *v;
	size_t		 n;
	int		 w, h;
	char		*source;
};

static pthread_mutex_t	 map_lock = PTHREAD_MUTEX_INITIALIZER;
static struct map	*map_loaded;
static int		 map_tried;

/* A name as the map compares it: folded, letters and digits only, so
 * « Viêt Nam », « Vietnam » and « VIETNAM » are one.  Caller frees. */
static char *
map_key(const char *s)
{
	char	*f = fmt_fold(s, strlen(s)), *p, *q;

	for (p = q = f; *p != '\0'; p++)
		if (isalnum((unsigned char)*p))
			*q++ = *p;
	*q = '\0';
	return f;
}

static void
map_free(struct map *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->v[i].iso);
		free(m->v[i].name);
		free(m->v[i].d);
		for (j = 0; j < m->v[i].nnames; j++)
			free(m->v[i].names[j]);
		free(m->v[i].names);
	}
	free(m->v);
	free(m->source);
	free(m);
}

/* Only what a path's d may hold: nothing to escape, nothing surprising. */
static int
map_path_ok(const char *d)
{
	return *d != '\0' && strspn(d, "0123456789.-+ MmLlHhVvZz") ==
	    strlen(d);
}

static struct map *
map_read(const char *www, char **cause)
{
	struct stat	 sb;
	json_error_t	 err;
	json_t		*j, *a, *c, *names, *v;
	struct map	*m = NULL;
	struct map_shape *s;
	char		*path;
	size_t		 i, k;

	path = xsprintf("%s/" MAP_FILE, www);
	if (stat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	if (sb.st_size > MAP_MAX_FILE) {
		xasprintf(cause, "%s: larger than %d bytes", path,
		    MAP_MAX_FILE);
		free(path);
		return NULL;
	}
	if ((j = json_load_file(path, JSON_REJECT_DUPLICATES, &err)) ==
	    NULL) {
		xasprintf(cause, "%s:%d: %s", path, err.line, err.text);
		free(path);
		return NULL;
	}
	a = json_object_get(j, "pays");
	if (!json_is_integer(json_object_get(j, "largeur")) ||
	    !json_is_integer(json_object_get(j, "hauteur")) ||
	    !json_is_array(a) || json_array_size(a) > MAP_MAX_SHAPES) {
		xasprintf(cause, "%s: an object with largeur, hauteur and "
		    "pays is wanted", path);
		goto fail;
	}
	m = xcalloc(1, sizeof *m);
	m->w = (int)json_integer_value(json_object_get(j, "largeur"));
	m->h = (int)json_integer_value(json_object_get(j, "hauteur"));
	m->source = xstrdup(jstr_get(j, "source"));
	if (m->w <= 0 || m->w > 10000 || m->h <= 0 || m->h > 10000) {
		xasprintf(cause, "%s: largeur and hauteur out of range", path);
		goto fail;
	}
	m->v = xcalloc(json_array_size(a) + 1, sizeof *m->v);
	json_array_foreach(a, i, c) {
		names = json_object_get(c, "noms");
		if (!json_is_string(json_object_get(c, "d")) ||
		    !map_path_ok(jstr_get(c, "d")) ||
		    !json_is_number(json_object_get(c, "x")) ||
		    !json_is_number(json_object_get(c, "y")) ||
		    !json_is_array(names)) {
			xasprintf(cause, "%s: country %zu: d, x, y and noms "
			    "are wanted, d holding path data only", path,
			    i + 1);
			goto fail;
		}
		s = &m->v[m->n++];
		s->iso = xstrdup(jstr_get(c, "iso"));
		s->name = xstrdup(jstr_get(c, "nom"));
		s->d = xstrdup(jstr_get(c, "d"));
		s->x = json_number_value(json_object_get(c, "x"));
		s->y = json_number_value(json_object_get(c, "y"));
		s->names = xcalloc(json_array_size(names) + 1,
		    sizeof *s->names);
		json_array_foreach(names, k, v)
			if (json_is_string(v))
				s->names[s->nnames++] = map_key(
				    json_string_value(v));
	}
	json_decref(j);
	free(path);
	return m;
fail:
	map_free(m);
	json_decref(j);
	free(path);
	return NULL;
}

/* The shapes, read the first time (about 90 kB, a few milliseconds);
 * NULL, logged once, when they cannot be. */
static struct map *
map_get(const char *www)
{
	struct map	*m;
	char		*cause = NULL;

	pthread_mutex_lock(&map_lock);
	if (!map_tried) {
		map_tried = 1;
		if ((map_loaded = map_read(www, &cause)) == NULL) {
			log_warnx("world map: %s", cause);
			free(cause);
		}
	}
	m = map_loaded;
	pthread_mutex_unlock(&map_lock);
	return m;
}

static struct map_shape *
map_find(struct map *m, const char *name)
{
	char	*k = map_key(name);
	size_t	 i, j;

	for (i = 0; i < m->n; i++)
		for (j = 0; j < m->v[i].nnames; j++)
			if (*k != '\0' && strcmp(k, m->v[i].names[j]) == 0) {
				free(k);
				return &m->v[i];
			}
	free(k);
	return NULL;
}

/* --- numbers and links ----------------------------------------------- */

static json_t *
num(double v)
{
	char	 s[32];

	snprintf(s, sizeof s, "%.1f", v);
	return json_string(s);
}

/* "1 partenariat", "12 partenariats" */
static char *
count_text(int64_t n)
{
	char	*s = fmt_int(n), *t;

	t = xsprintf("%s partenariat%s", s, n > 1 ? "s" : "");
	free(s);
	return t;
}

/* The search its count stands for: the partnership records with
 * key=value.  Caller frees. */
static char *
chart_url(const char *key, const char *value)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "/recherche");
	url_param(&b, "type", CHART_TYPE);
	url_param(&b, key, value);
	return buf_steal(&b);
}

/* A table's row: the value as a link, its count. */
static json_t *
chart_row(const char *label, const char *url, int64_t n)
{
	return json_pack("{s:s,s:o,s:o}", "label", label, "url", jstr(url),
	    "count", jstr_free(fmt_int(n)));
}

/* --- the map --------------------------------------------------------- */

/* A count's shade, 1 to MAP_LEVELS, by its share of the largest. */
static int
map_level(int64_t n, int64_t max)
{
	int	 l = (int)((n * MAP_LEVELS + max - 1) / max);

	return l < 1 ? 1 : l > MAP_LEVELS ? MAP_LEVELS : l;
}

static json_t *
map_legend(int64_t max)
{
	json_t	*a = json_array();
	int64_t	 lo, hi, n;
	int	 l;

	for (l = 1; l <= MAP_LEVELS; l++) {
		lo = hi = 0;
		for (n = 1; n <= max; n++)
			if (map_level(n, max) == l) {
				if (lo == 0)
					lo = n;
				hi = n;
			}
		if (lo == 0)
			continue;
		json_array_append_new(a, json_pack("{s:i,s:o}", "level", l,
		    "text", jstr_free(lo == hi ? xsprintf("%lld",
		    (long long)lo) : xsprintf("%lld à %lld", (long long)lo,
		    (long long)hi))));
	}
	return a;
}

static json_t *
chart_map(struct req *q, struct facet_count *fc, size_t n)
{
	struct map	*m = map_get(q->w->server->conf->www);
	struct map_shape *s;
	json_t		*o = json_object(), *bg, *marks, *rows, *lost;
	unsigned char	*used;
	char		*url, *title;
	int64_t		 max = 0, total = 0;
	size_t		 i;

	rows = json_array();
	lost = json_array();
	for (i = 0; i < n; i++) {
		max = fc[i].count > max ? fc[i].count : max;
		total += fc[i].count;
	}
	json_object_set_new(o, "caption", jstr("Partenariats par pays"));
	if (m == NULL) {
		json_object_set_new(o, "absent", json_true());
		for (i = 0; i < n; i++) {
			url = chart_url("pays", fc[i].value);
			json_array_append_new(rows, chart_row(fc[i].value, url,
			    fc[i].count));
			free(url);
		}
		json_object_set_new(o, "rows", rows);
		json_decref(lost);
		return o;
	}
	used = xcalloc(m->n + 1, 1);
	marks = json_array();
	for (i = 0; i < n; i++) {
		url = chart_url("pays", fc[i].value);
		json_array_append_new(rows, chart_row(fc[i].value, url,
		    fc[i].count));
		if ((s = map_find(m, fc[i].value)) == NULL ||
		    used[s - m->v]) {
			json_array_append_new(lost, chart_row(fc[i].value, url,
			    fc[i].count));
			free(url);
			continue;
		}
		used[s - m->v] = 1;
		title = count_text(fc[i].count);
		json_array_append_new(marks, json_pack("{s:s,s:s,s:o,s:o,"
		    "s:i,s:o,s:o,s:o}", "iso", s->iso, "d", s->d, "url",
		    jstr(url), "title", jstr_free(xsprintf("%s : %s",
		    fc[i].value, title)), "level", map_level(fc[i].count, max),
		    "cx", num(s->x), "cy", num(s->y), "r", num(2.0 +
		    5.0 * sqrt((double)fc[i].count / (double)max))));
		free(title);
		free(url);
	}
	bg = json_array();
	for (i = 0; i < m->n; i++)
		if (!used[i])
			json_array_append_new(bg, json_pack("{s:s,s:s}", "d",
			    m->v[i].d, "iso", m->v[i].iso));
	free(used);
	json_object_set_new(o, "viewbox", jstr_free(xsprintf("0 0 %d %d",
	    m->w, m->h)));
	json_object_set_new(o, "fond", bg);
	json_object_set_new(o, "pays", marks);
	json_object_set_new(o, "legende", map_legend(max > 0 ? max : 1));
	json_object_set_new(o, "source", jstr(m->source));
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "non_places", lost);
	json_object_set_new(o, "total", jstr_free(count_text(total)));
	return o;
}

/* --- bar charts ------------------------------------------------------ */

/*
 * Horizontal bars, one a row: its label above it, its count after it,
 * every bar as long as its share of the largest.  Rows in the order
 * given (most held first).
 */
static json_t *
chart_bars(const char *id, const char *title, const char *col,
    const char *key, struct facet_count *fc, size_t n)
{
	json_t	*o = json_object(), *bars = json_array(), *rows = json_array();
	char	*url, *t;
	double	 w, y;
	int64_t	 max = 1;
	size_t	 i;

	for (i = 0; i < n; i++)
		max = fc[i].count > max ? fc[i].count : max;
	for (i = 0; i < n; i++) {
		url = chart_url(key, fc[i].value);
		json_array_append_new(rows, chart_row(fc[i].value, url,
		    fc[i].count));
		if (i >= BAR_MAX) {
			free(url);
			continue;
		}
		y = (double)i * BAR_ROW;
		w = (BAR_WIDTH - 40) * (double)fc[i].count / (double)max;
		t = count_text(fc[i].count);
		json_array_append_new(bars, json_pack("{s:o,s:o,s:o,s:o,s:o,"
		    "s:o,s:o,s:o,s:o}", "url", jstr(url), "title",
		    jstr_free(xsprintf("%s : %s", fc[i].value, t)), "label",
		    jstr(fc[i].value), "ly", num(y + 13), "y", num(y + 17),
		    "w", num(w < 1 ? 1 : w), "tx", num((w < 1 ? 1 : w) + 5),
		    "ty", num(y + 28), "count", jstr_free(fmt_int(
		    fc[i].count))));
		free(t);
		free(url);
	}
	json_object_set_new(o, "id", jstr(id));
	json_object_set_new(o, "titre", jstr(title));
	json_object_set_new(o, "col", jstr(col));
	json_object_set_new(o, "viewbox", jstr_free(xsprintf("0 0 %d %zu",
	    BAR_WIDTH, (n < BAR_MAX ? n : BAR_MAX) * BAR_ROW + 4)));
	if (n > BAR_MAX)
		json_object_set_new(o, "partiel", jstr_free(xsprintf("Le "
		    "graphique montre les %d plus fréquents ; le tableau les "
		    "donne tous (%zu).", BAR_MAX, n)));
	json_object_set_new(o, "bars", bars);
	json_object_set_new(o, "rows", rows);
	return o;
}

static int
year_of(const char *s)
{
	if (strlen(s) != 4 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    !isdigit((unsigned char)s[3]))
		return -1;
	return atoi(s);
}

/*
 * Columns along the years, from the first to the last, one a year that
 * has partnerships, the decades marked; the table lists the years in
 * order.  A value that is not a year is left to the table alone.
 */
static json_t *
chart_years(struct facet_count *fc, size_t n)
{
	json_t	*o = json_object(), *cols = json_array(), *rows = json_array();
	json_t	*ticks = json_array();
	char	*url, *t;
	double	 x, step, h;
	int64_t	 max = 1;
	size_t	 i, j, *order;
	int	 lo = 9999, hi = -1, y, d;

	order = xcalloc(n + 1, sizeof *order);
	for (i = 0; i < n; i++) {
		order[i] = i;
		max = fc[i].count > max ? fc[i].count : max;
		if ((y = year_of(fc[i].value)) != -1) {
			lo = y < lo ? y : lo;
			hi = y > hi ? y : hi;
		}
	}
	/* the table in the years' order */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(fc[order[j - 1]].value,
		    fc[order[j]].value) > 0; j--) {
			size_t tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	if (hi == -1)
		lo = hi = 2000;
	lo -= lo % 10;
	hi += 10 - hi % 10;
	step = (double)(BAR_WIDTH - 40) / (double)(hi - lo);
	for (i = 0; i < n; i++) {
		const struct facet_count *c = &fc[order[i]];

		url = chart_url("annee", c->value);
		json_array_append_new(rows, chart_row(c->value, url,
		    c->count));
		if ((y = year_of(c->value)) != -1) {
			x = 20 + step * (y - lo);
			h = (COL_HEIGHT - 10) * (double)c->count / (double)max;
			t = count_text(c->count);
			json_array_append_new(cols, json_pack("{s:o,s:o,s:o,"
			    "s:o,s:o,s:o}", "url", jstr(url), "title",
			    jstr_free(xsprintf("%s : %s", c->value, t)), "x",
			    num(x - step * 0.4), "w", num(step * 0.8), "y",
			    num(COL_HEIGHT - h), "h", num(h)));
			free(t);
		}
		free(url);
	}
	for (d = lo; d <= hi; d += 10)
		json_array_append_new(ticks, json_pack("{s:o,s:i}", "x",
		    num(20 + step * (d - lo)), "year", d));
	free(order);
	json_object_set_new(o, "viewbox", jstr_free(xsprintf("0 0 %d %d",
	    BAR_WIDTH, COL_HEIGHT + 24)));
	json_object_set_new(o, "base", num(COL_HEIGHT));
	json_object_set_new(o, "ty", num(COL_HEIGHT + 18));
	json_object_set_new(o, "cols", cols);
	json_object_set_new(o, "ticks", ticks);
	json_object_set_new(o, "rows", rows);
	return o;
}

/* --- /partenariats --------------------------------------------------- */

static json_t *
chart_page(const char *page, const char *title)
{
	json_t	*o = json_object();

	json_object_set_new(o, "page", jstr(page));
	json_object_set_new(o, "title", jstr(title));
	json_object_set_new(o, "q", jstr(""));
	return o;
}

void
page_partnerships(struct req *q)
{
	static const struct {
		const char	*key, *id, *title, *col;
	} bars[] = {
		{ "financeur", "financeurs", "Partenariats par financeur",
		    "Financeur" },
		{ "theme", "themes", "Partenariats par thème", "Thème" },
	};
	struct store		*st;
	struct facet_count	*fc;
	json_t			*data, *charts;
	char			*cause = NULL;
	size_t			 n, i, total_docs = 0;

	if ((st = api_store(q)) == NULL)
		return;
	data = chart_page("partenariats", "Partenariats");
	if (store_facet_counts(st, CHART_TYPE, "pays", &fc, &n, &cause) == -1)
		goto fail;
	json_object_set_new(data, "carte", chart_map(q, fc, n));
	store_facet_counts_free(fc, n);
	if (store_facet_counts(st, CHART_TYPE, "type", &fc, &n, &cause) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		total_docs += fc[i].count;
	store_facet_counts_free(fc, n);
	json_object_set_new(data, "total", jstr_free(count_text(
	    (int64_t)total_docs)));
	json_object_set_new(data, "total_url", jstr("/recherche?type="
	    CHART_TYPE));
	if (total_docs == 0)
		json_object_set_new(data, "vide", json_true());

	if (store_facet_counts(st, CHART_TYPE, "annee", &fc, &n, &cause) == -1)
		goto fail;
	json_object_set_new(data, "annees", chart_years(fc, n));
	store_facet_counts_free(fc, n);

	charts = json_array();
	json_object_set_new(data, "graphiques", charts);
	for (i = 0; i < sizeof bars / sizeof bars[0]; i++) {
		if (store_facet_counts(st, CHART_TYPE, bars[i].key, &fc, &n,
		    &cause) == -1)
			goto fail;
		json_array_append_new(charts, chart_bars(bars[i].id,
		    bars[i].title, bars[i].col, bars[i].key, fc, n));
		store_facet_counts_free(fc, n);
	}
	route_render(q, 200, "partenariats", HTML_TYPE, data);
	return;
fail:
	json_decref(data);
	api_read_error(q, cause);
}

/* --- /chronologie ---------------------------------------------------- */

/* The kinds of legal texts on the timeline, by their id's first word. */
static const struct {
	const char	*prefix;
	const char	*label;
	const char	*kind;
} chrono_kinds[] = {
	{ "loi-", "Loi", "loi" },
	{ "ce-", "Conseil d'État", "decision" },
	{ "caa-", "Cour administrative d'appel", "decision" },
	{ "ta-", "Tribunal administratif", "decision" },
};

static const char *const chrono_months[] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

struct chrono_item {
	char	*id;
	char	*title;
	int	 kind;
	int	 y, m, d;	/* m, d: 0 when unknown */
};

/*
 * The date a title gives, « 6 février 1992 » or « 1er décembre 2009 »,
 * when its year is year; else the year alone (from the id).
 */
static void
chrono_date(const char *title, struct chrono_item *it)
{
	const char	*p, *s;
	size_t		 k, len;
	int		 d;

	for (p = title; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || (p > title &&
		    isdigit((unsigned char)p[-1])))
			continue;
		d = (int)strtol(p, (char **)&s, 10);
		if (d < 1 || d > 31)
			continue;
		if (strncmp(s, "er", 2) == 0)
			s += 2;
		if (*s++ != ' ')
			continue;
		for (k = 0; k < 12; k++) {
			len = strlen(chrono_months[k]);
			if (strncmp(s, chrono_months[k], len) == 0 &&
			    s[len] == ' ' && atoi(s + len + 1) == it->y) {
				it->m = (int)k + 1;
				it->d = d;
				return;
			}
		}
	}
}

static int
chrono_cmp(const void *a, const void *b)
{
	const struct chrono_item *x = a, *y = b;

	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* A law or decision: the kind its id's last part starts with, and the
 * first four-digit year in it; -1 when it is neither. */
static int
chrono_kind(const char *id, int *year)
{
	const char	*base = strrchr(id, '/'), *p;
	size_t		 k;

	base = base != NULL ? base + 1 : id;
	for (k = 0; k < sizeof chrono_kinds / sizeof chrono_kinds[0]; k++)
		if (strncmp(base, chrono_kinds[k].prefix,
		    strlen(chrono_kinds[k].prefix)) == 0)
			break;
	if (k == sizeof chrono_kinds / sizeof chrono_kinds[0])
		return -1;
	for (p = base; *p != '\0'; p++)
		if ((p == base || p[-1] == '-') && isdigit((unsigned char)p[0])
		    && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && (p[4] == '-' ||
		    p[4] == '\0')) {
			*year = atoi(p);
			return (int)k;
		}
	return -1;
}

/* Is this document on the timeline (its page links to it)? */
int
chrono_has(const char *type, const char *id)
{
	int	 y;

	return strcmp(type, "fiche") == 0 && chrono_kind(id, &y) != -1;
}

void
page_chronology(struct req *q)
{
	static const char *const filters[] = { "type", "fiche", NULL };
	struct search_opts	 so;
	struct results		 res;
	struct chrono_item	*v = NULL;
	struct store		*st;
	json_t			*data, *items;
	char			*cause = NULL, *date;
	size_t			 n = 0, i;
	int			 k, y, prev = -1;

	if ((st = api_store(q)) == NULL)
		return;
	memset(&so, 0, sizeof so);
	so.limit = CHRONO_PAGE;
	so.budget_ms = q->w->server->conf->budget_ms;
	so.filters = filters;
	so.no_correct = 1;
	for (;;) {
		if (search_run(st, "", &so, &res, &cause) == -1) {
			for (i = 0; i < n; i++) {
				free(v[i].id);
				free(v[i].title);
			}
			free(v);
			api_read_error(q, cause);
			return;
		}
		for (i = 0; i < res.nhits && n < CHRONO_MAX; i++) {
			if ((k = chrono_kind(res.hits[i].id, &y)) == -1)
				continue;
			v = xreallocarray(v, n + 1, sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].id = xstrdup(res.hits[i].id);
			v[n].title = xstrdup(res.hits[i].title);
			v[n].kind = k;
			v[n].y = y;
			chrono_date(v[n].title, &v[n]);
			n++;
		}
		i = res.nhits;
		results_clear(&res);
		if (i < (size_t)CHRONO_PAGE || so.offset >= CHRONO_MAX * 10)
			break;
		so.offset += CHRONO_PAGE;
	}
	if (n > 0)
		qsort(v, n, sizeof *v, chrono_cmp);
	items = json_array();
	for (i = 0; i < n; i++) {
		date = v[i].m > 0 ? xsprintf("%d%s %s %d", v[i].d,
		    v[i].d == 1 ? "er" : "", chrono_months[v[i].m - 1],
		    v[i].y) : xsprintf("%d", v[i].y);
		json_array_append_new(items, json_pack("{s:o,s:o,s:o,s:s,s:s,"
		    "s:o,s:b,s:o}", "url", jstr_free(url_for_doc(v[i].id,
		    NULL)), "title", jstr(v[i].title), "date", jstr_free(date),
		    "kind", chrono_kinds[v[i].kind].kind, "kind_label",
		    chrono_kinds[v[i].kind].label, "iso", jstr_free(
		    v[i].m > 0 ? xsprintf("%04d-%02d-%02d", v[i].y, v[i].m,
		    v[i].d) : xsprintf("%04d", v[i].y)), "new_year",
		    v[i].y != prev, "year", jstr_free(xsprintf("%d",
		    v[i].y))));
		prev = v[i].y;
		free(v[i].id);
		free(v[i].title);
	}
	free(v);
	data = chart_page("chronologie", "Chronologie du cadre juridique");
	json_object_set_new(data, "items", items);
	json_object_set_new(data, "count", json_integer((json_int_t)n));
	route_render(q, 200, "chronologie", HTML_TYPE, data);
}
