/*
 * metrics.c - counters every worker updates and /metrics, which shows them
 * in Prometheus' text format with a few gauges read at scrape time (index
 * documents and age, connections, TLS handshakes).
 *
 * Workers observe concurrently, so every counter is a relaxed atomic in
 * fixed arrays allocated once: observing never locks and never allocates.
 * Routes are a closed list (an unknown one counts as "other") so a client
 * can never grow the label set.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"
#include "conn.h"

static const char *const metrics_routes[] = {
	"/", "/recherche", "/doc", "/api/search", "/api/doc",
	"/api/suggest", "/api/changes", "/grille", "/partenariats",
	"/chronologie", "/opensearch.xml",
	"/healthz", "/metrics", "/static", "/hors-ligne", "redirect", "other"
};
#define METRICS_NROUTES	(sizeof metrics_routes / sizeof metrics_routes[0])
#define METRICS_OTHER	(METRICS_NROUTES - 1)
#define METRICS_STATUS_MIN	100
#define METRICS_NSTATUS		500	/* 100 to 599 */

/* Upper bounds of the latency buckets, in microseconds (0.001 s ... 10 s). */
static const int64_t metrics_bounds_us[] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000
};
#define METRICS_NBUCKETS \
	(sizeof metrics_bounds_us / sizeof metrics_bounds_us[0])

struct metrics {
	atomic_uint_fast64_t	requests[METRICS_NROUTES][METRICS_NSTATUS];
	/* Not cumulative; the last one is +Inf.  Summed when shown. */
	atomic_uint_fast64_t	buckets[METRICS_NROUTES][METRICS_NBUCKETS + 1];
	atomic_uint_fast64_t	sum_us[METRICS_NROUTES];
	atomic_uint_fast64_t	count[METRICS_NROUTES];
	int64_t			started;	/* ms since the epoch */
};

struct metrics *
metrics_new(void)
{
	struct metrics	*m;
	size_t		 r, i;

	m = xcalloc(1, sizeof *m);
	for (r = 0; r < METRICS_NROUTES; r++) {
		for (i = 0; i < METRICS_NSTATUS; i++)
			atomic_init(&m->requests[r][i], 0);
		for (i = 0; i <= METRICS_NBUCKETS; i++)
			atomic_init(&m->buckets[r][i], 0);
		atomic_init(&m->sum_us[r], 0);
		atomic_init(&m->count[r], 0);
	}
	m->started = now_ms();
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

static size_t
metrics_route(const char *route)
{
	size_t	 r;

	if (route == NULL)
		return METRICS_OTHER;
	for (r = 0; r < METRICS_NROUTES; r++)
		if (strcmp(route, metrics_routes[r]) == 0)
			return r;
	return METRICS_OTHER;
}

void
metrics_observe(struct metrics *m, const char *route, int status, int64_t us)
{
	size_t	 r, b;

	if (m == NULL)
		return;
	r = metrics_route(route);
	if (status < METRICS_STATUS_MIN ||
	    status >= METRICS_STATUS_MIN + METRICS_NSTATUS)
		status = 500;
	if (us < 0)
		us = 0;
	for (b = 0; b < METRICS_NBUCKETS; b++)
		if (us <= metrics_bounds_us[b])
			break;
	atomic_fetch_add_explicit(&m->requests[r][status - METRICS_STATUS_MIN],
	    1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->buckets[r][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us[r], (uint64_t)us,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count[r], 1, memory_order_relaxed);
}

/* A label value: backslash, double quote and newline escaped. */
static void
metrics_label(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			evbuffer_add_printf(b, "\\%c", *s);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

static void
metrics_head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
metrics_http(struct evbuffer *b, struct metrics *m)
{
	uint64_t	 n, cum;
	size_t		 r, i;

	metrics_head(b, "savoir_http_requests_total", "counter",
	    "HTTP requests answered, by route and status.");
	for (r = 0; r < METRICS_NROUTES; r++) {
		for (i = 0; i < METRICS_NSTATUS; i++) {
			n = atomic_load_explicit(&m->requests[r][i],
			    memory_order_relaxed);
			if (n == 0)
				continue;
			evbuffer_add_printf(b, "savoir_http_requests_total"
			    "{route=\"%s\",status=\"%zu\"} %llu\n",
			    metrics_routes[r], i + METRICS_STATUS_MIN,
			    (unsigned long long)n);
		}
	}
	metrics_head(b, "savoir_http_request_duration_seconds", "histogram",
	    "Time from request parsed to response queued, by route.");
	for (r = 0; r < METRICS_NROUTES; r++) {
		if (atomic_load_explicit(&m->count[r],
		    memory_order_relaxed) == 0)
			continue;
		/* Read the buckets once; the count shown is their sum, so the
		 * +Inf bucket always equals _count even under load. */
		cum = 0;
		for (i = 0; i <= METRICS_NBUCKETS; i++) {
			cum += atomic_load_explicit(&m->buckets[r][i],
			    memory_order_relaxed);
			if (i < METRICS_NBUCKETS)
				evbuffer_add_printf(b, "savoir_http_request_"
				    "duration_seconds_bucket{route=\"%s\","
				    "le=\"%g\"} %llu\n", metrics_routes[r],
				    metrics_bounds_us[i] / 1e6,
				    (unsigned long long)cum);
			else
				evbuffer_add_printf(b, "savoir_http_request_"
				    "duration_seconds_bucket{route=\"%s\","
				    "le=\"+Inf\"} %llu\n", metrics_routes[r],
				    (unsigned long long)cum);
		}
		evbuffer_add_printf(b, "savoir_http_request_duration_seconds_"
		    "sum{route=\"%s\"} %.6f\n", metrics_routes[r],
		    atomic_load_explicit(&m->sum_us[r],
		    memory_order_relaxed) / 1e6);
		evbuffer_add_printf(b, "savoir_http_request_duration_seconds_"
		    "count{route=\"%s\"} %llu\n", metrics_routes[r],
		    (unsigned long long)cum);
	}
}

/* Gauges read from the index; savoir_up says whether it could be read. */
static void
metrics_index(struct evbuffer *b, struct worker *w)
{
	struct store		*st;
	struct store_type	*v;
	json_t			*last;
	char			*s, *cause = NULL;
	size_t			 i, n;
	int			 up = 0;

	st = worker_store(w);
	if (st != NULL && store_type_counts(st, 0, &v, &n, &cause) == 0) {
		metrics_head(b, "savoir_documents", "gauge",
		    "Documents in the index, by content type.");
		for (i = 0; i < n; i++) {
			evbuffer_add_printf(b, "savoir_documents{type=\"");
			metrics_label(b, v[i].name);
			evbuffer_add_printf(b, "\"} %lld\n",
			    (long long)v[i].count);
		}
		store_types_free(v, n);
		up = 1;
	} else if (st != NULL) {
		log_warnx("metrics: %s", cause);
		free(cause);
	}
	if (st != NULL && (s = store_meta_get(st, "last_index")) != NULL) {
		last = json_loads(s, 0, NULL);
		free(s);
		if (json_is_integer(json_object_get(last, "at"))) {
			metrics_head(b, "savoir_index_age_seconds", "gauge",
			    "Seconds since the index was last updated.");
			evbuffer_add_printf(b, "savoir_index_age_seconds "
			    "%.3f\n", (now_ms() - json_integer_value(
			    json_object_get(last, "at"))) / 1e3);
		}
		json_decref(last);
	}
	metrics_head(b, "savoir_up", "gauge",
	    "1 when the index can be read and searches can be answered.");
	evbuffer_add_printf(b, "savoir_up %d\n", up);
}

/* Each worker's connections against its cap (pool.c). */
static void
metrics_pools(struct evbuffer *b, struct server *s)
{
	struct pool_stats	 st;
	unsigned long long	 shed = 0, rcap = 0, raddr = 0, aerr = 0;
	int			 i;

	metrics_head(b, "savoir_connections", "gauge",
	    "Connections a worker holds now (HTTPS and plain HTTP).");
	for (i = 0; i < s->nworkers; i++) {
		pool_stats(s->workers[i].pool, &st);
		evbuffer_add_printf(b, "savoir_connections{worker=\"%d\"} "
		    "%lld\n", i, st.active);
		shed += st.shed;
		rcap += st.refused_cap;
		raddr += st.refused_address;
		aerr += atomic_load(&s->workers[i].accept_errors);
	}
	metrics_head(b, "savoir_connections_max", "gauge",
	    "A worker's cap: max_connections, or less if descriptors are "
	    "short.");
	for (i = 0; i < s->nworkers; i++) {
		pool_stats(s->workers[i].pool, &st);
		evbuffer_add_printf(b, "savoir_connections_max{worker=\"%d\"} "
		    "%d\n", i, st.cap);
	}
	metrics_head(b, "savoir_connections_shed_total", "counter",
	    "Idle or trickling connections closed for a new client at the "
	    "cap.");
	evbuffer_add_printf(b, "savoir_connections_shed_total %llu\n", shed);
	metrics_head(b, "savoir_connections_refused_total", "counter",
	    "Connections closed as soon as accepted, by reason.");
	evbuffer_add_printf(b,
	    "savoir_connections_refused_total{reason=\"cap\"} %llu\n"
	    "savoir_connections_refused_total{reason=\"address\"} %llu\n",
	    rcap, raddr);
	metrics_head(b, "savoir_accept_errors_total", "counter",
	    "accept() failures (out of descriptors): accepting paused.");
	evbuffer_add_printf(b, "savoir_accept_errors_total %llu\n", aerr);
}

static void
metrics_server(struct evbuffer *b, struct server *s)
{
	struct tls_stats	 ts, sum;
	int			 i;

	memset(&sum, 0, sizeof sum);
	for (i = 0; i < s->nworkers; i++) {
		if (s->workers[i].tls == NULL)
			continue;
		tls_worker_stats(s->workers[i].tls, &ts);
		sum.handshakes += ts.handshakes;
		sum.resumed += ts.resumed;
		sum.failed += ts.failed;
		sum.timeouts += ts.timeouts;
		sum.plain_http += ts.plain_http;
		sum.active += ts.active;
	}
	metrics_head(b, "savoir_workers", "gauge", "Worker threads.");
	evbuffer_add_printf(b, "savoir_workers %d\n", s->nworkers);
	metrics_head(b, "savoir_sqlite_page_cache_bytes", "gauge",
	    "Memory the workers' SQLite page caches hold.");
	evbuffer_add_printf(b, "savoir_sqlite_page_cache_bytes %lld\n",
	    (long long)store_cache_used());
	metrics_head(b, "savoir_tls_connections", "gauge",
	    "TLS connections open now.");
	evbuffer_add_printf(b, "savoir_tls_connections %lld\n",
	    (long long)sum.active);
	metrics_pools(b, s);
	metrics_head(b, "savoir_tls_handshakes_total", "counter",
	    "TLS handshakes, by outcome.");
	evbuffer_add_printf(b,
	    "savoir_tls_handshakes_total{result=\"full\"} %llu\n"
	    "savoir_tls_handshakes_total{result=\"resumed\"} %llu\n"
	    "savoir_tls_handshakes_total{result=\"failed\"} %llu\n"
	    "savoir_tls_handshakes_total{result=\"timeout\"} %llu\n"
	    "savoir_tls_handshakes_total{result=\"plain_http\"} %llu\n",
	    (unsigned long long)(sum.handshakes - sum.resumed),
	    (unsigned long long)sum.resumed, (unsigned long long)sum.failed,
	    (unsigned long long)sum.timeouts,
	    (unsigned long long)sum.plain_http);
}

void
metrics_page(struct req *q)
{
	struct server	*s = q->w->server;
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL)
		fatalx("metrics_page: out of memory");
	metrics_head(b, "savoir_build_info", "gauge",
	    "Version of the running savoird.");
	evbuffer_add_printf(b, "savoir_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
	metrics_head(b, "savoir_start_time_seconds", "gauge",
	    "When savoird started, in seconds since the epoch.");
	evbuffer_add_printf(b, "savoir_start_time_seconds %.3f\n",
	    (s->metrics != NULL ? s->metrics->started : now_ms()) / 1e3);
	metrics_index(b, q->w);
	metrics_server(b, s);
	if (s->metrics != NULL)
		metrics_http(b, s->metrics);
	http_send(q, 200, "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}
