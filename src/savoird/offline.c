/*
 * offline.c - GET /api/offline/index: the index as the browser searches it
 * when the server cannot be reached (store_offline.c builds it,
 * www/static/offline-search.js reads it).  A strong ETag from the index's
 * version (its epoch and last change) and the synonym groups; no-cache, so
 * a browser revalidates and gets a 304 while nothing changed.
 *
 * One copy is kept for the whole process, raw and gzipped, and built on a
 * thread of its own with its own read-only store when a request finds the
 * index newer than it (73-130 ms for the 154 documents of corpus/, seconds
 * for tens of thousands: bench/offline/README.md): a worker's event loop
 * never waits on it.  Meanwhile the older copy is served, with its own
 * ETag; with none yet, a 503 with Retry-After.  The first copy is built
 * as the daemon starts (offline_warm).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "savoird.h"

#define OFFLINE_MAX_BYTES	(96u * 1024 * 1024)

static struct {
	pthread_mutex_t	 lock;
	char		*etag;		/* of the copy held */
	char		*raw;
	size_t		 nraw;
	unsigned char	*gz;
	size_t		 ngz;
	char		*building;	/* the etag being built */
	char		*failed;	/* the etag that failed */
} oc = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, NULL, 0, NULL, NULL };

/* Build the copy of etag and keep it (the lock not held). */
static void
offline_make(struct store *st, const struct synonyms *syn, const char *etag)
{
	char		*raw = NULL, *cause = NULL;
	unsigned char	*gz = NULL;
	size_t		 nraw = 0, ngz = 0;
	int64_t		 t0 = mono_us(), t1, ndocs = -1;
	int		 built = 0;

	/* An empty index (a new install, savoir without savoir-corpus) has
	 * no postings and nothing to take offline: not worth a warning. */
	if (store_count_docs(st, &ndocs, &cause) == -1) {
		free(cause);	/* the build below says what is wrong */
		cause = NULL;
	}
	if (ndocs == 0)
		log_debug("/api/offline/index: the index is empty");
	else if (store_offline_build(st, syn, OFFLINE_MAX_BYTES, &raw, &nraw,
	    &cause) == 0 && (gz = gzip_mem(raw, nraw, &ngz)) != NULL)
		built = 1;
	else
		log_warnx("/api/offline/index: %s", cause != NULL ? cause :
		    "cannot compress");
	if (!built) {
		free(cause);
		free(raw);
		pthread_mutex_lock(&oc.lock);
		free(oc.failed);
		oc.failed = xstrdup(etag);
		pthread_mutex_unlock(&oc.lock);
		return;
	}
	t1 = mono_us();
	log_info("/api/offline/index: %s built in %lld ms: %zu bytes, %zu "
	    "gzipped", etag, (long long)(t1 - t0) / 1000, nraw, ngz);
	pthread_mutex_lock(&oc.lock);
	free(oc.etag);
	free(oc.raw);
	free(oc.gz);
	oc.etag = xstrdup(etag);
	oc.raw = raw;
	oc.nraw = nraw;
	oc.gz = gz;
	oc.ngz = ngz;
	pthread_mutex_unlock(&oc.lock);
}

struct offline_job {
	char	*db;
	char	*syntext;	/* the configuration's synonyms, as parsed */
	size_t	 synlen;
	char	*etag;
};

/* A build over (or never started): another may start; j is freed. */
static void
offline_job_end(struct offline_job *j)
{
	pthread_mutex_lock(&oc.lock);
	free(oc.building);
	oc.building = NULL;
	pthread_mutex_unlock(&oc.lock);
	free(j->db);
	free(j->syntext);
	free(j->etag);
	free(j);
}

static void *
offline_thread(void *arg)
{
	struct offline_job	*j = arg;
	struct synonyms		*syn = NULL;
	struct store		*st;
	char			*cause = NULL, *ver;

	/* Parsed again from the text the configuration read (as root,
	 * perhaps): the file itself may not be readable any more. */
	if (j->syntext != NULL && (syn = synonyms_parse(j->syntext,
	    j->synlen, &cause)) == NULL) {
		log_warnx("/api/offline/index: %s", cause);
		free(cause);
		cause = NULL;
	}
	if ((st = store_open(j->db, STORE_RDONLY, &cause)) == NULL) {
		log_debug("/api/offline/index: %s", cause);
		free(cause);
	} else {
		/* The version as this store sees it (the index may have
		 * changed since the request), read here, off the loop. */
		if ((ver = store_offline_version(st, &cause)) != NULL) {
			free(j->etag);
			j->etag = xsprintf("\"%s-%zu\"", ver,
			    synonyms_count(syn));
			free(ver);
		}
		free(cause);
		if (j->etag != NULL)
			offline_make(st, syn, j->etag);
		search_thread_done();
		store_close(st);
	}
	synonyms_free(syn);
	offline_job_end(j);
	return NULL;
}

/* Build the copy of etag (NULL: of the index as it is) on a thread of its
 * own, unless one is already building. */
static void
offline_spawn(const struct config *c, const char *etag)
{
	struct offline_job	*j;
	pthread_t		 th;
	const char		*text;

	pthread_mutex_lock(&oc.lock);
	if (oc.building != NULL) {
		pthread_mutex_unlock(&oc.lock);
		return;
	}
	oc.building = xstrdup(etag != NULL ? etag : "");
	pthread_mutex_unlock(&oc.lock);
	j = xcalloc(1, sizeof *j);
	j->db = xstrdup(c->db);
	if ((text = synonyms_source(c->synonyms, &j->synlen)) != NULL) {
		j->syntext = xmalloc(j->synlen + 1);
		memcpy(j->syntext, text, j->synlen + 1);
	}
	j->etag = etag != NULL ? xstrdup(etag) : NULL;
	if (pthread_create(&th, NULL, offline_thread, j) != 0) {
		log_warnx("/api/offline/index: cannot start a thread");
		offline_job_end(j);
		return;
	}
	pthread_detach(th);
}

/*
 * At start-up: build the copy before anyone asks, so that a service worker
 * installing itself finds it ready rather than a 503.
 */
void
offline_warm(const struct config *c)
{
	offline_spawn(c, NULL);
}

/* Does an If-None-Match header name etag? */
static int
offline_inm(const char *inm, const char *etag)
{
	const char	*p;
	size_t		 n = strlen(etag);

	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = inm; (p = strstr(p, etag)) != NULL; p += n)
		if ((p == inm || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

void
offline_index(struct req *q)
{
	struct config		*c = q->w->server->conf;
	struct evkeyvalq	*in = evhttp_request_get_input_headers(q->r);
	struct evkeyvalq	*h = evhttp_request_get_output_headers(q->r);
	struct store		*st;
	struct evbuffer		*b;
	const char		*ae;
	char			*ver, *etag, *cause = NULL;
	int			 gz, have, failed;

	if ((st = api_store(q)) == NULL)
		return;
	if ((ver = store_offline_version(st, &cause)) == NULL) {
		log_warnx("%s: %s", q->route, cause);
		free(cause);
		http_error(q, 500, "internal", "La version de l'index est "
		    "illisible.");
		return;
	}
	etag = xsprintf("\"%s-%zu\"", ver, synonyms_count(c->synonyms));
	free(ver);
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "Vary", "Accept-Encoding");
	if (offline_inm(evhttp_find_header(in, "If-None-Match"), etag)) {
		evhttp_add_header(h, "ETag", etag);
		http_send(q, 304, NULL, NULL);
		free(etag);
		return;
	}

	pthread_mutex_lock(&oc.lock);
	have = oc.etag != NULL && strcmp(oc.etag, etag) == 0;
	failed = oc.failed != NULL && strcmp(oc.failed, etag) == 0;
	pthread_mutex_unlock(&oc.lock);
	if (!have && !failed)
		offline_spawn(c, etag);

	/* The copy held, even of an older version while the new one is
	 * built: the browser revalidates and gets the new one later. */
	ae = evhttp_find_header(in, "Accept-Encoding");
	gz = ae != NULL && strstr(ae, "gzip") != NULL;
	if ((b = evbuffer_new()) == NULL)
		fatalx("offline_index: out of memory");
	pthread_mutex_lock(&oc.lock);
	if ((have = oc.etag != NULL) != 0) {
		evbuffer_add(b, gz ? (const void *)oc.gz : oc.raw,
		    gz ? oc.ngz : oc.nraw);
		evhttp_add_header(h, "ETag", oc.etag);
	}
	failed = oc.failed != NULL && strcmp(oc.failed, etag) == 0;
	pthread_mutex_unlock(&oc.lock);
	if (have) {
		if (gz)
			evhttp_add_header(h, "Content-Encoding", "gzip");
		http_send(q, 200, "application/json; charset=utf-8", b);
	} else if (failed)
		http_error(q, 503, "offline_unavailable", "La copie hors ligne "
		    "de la bibliothèque n’a pas pu être préparée (voir le "
		    "journal du serveur).");
	else {
		evhttp_add_header(h, "Retry-After", "1");
		http_error(q, 503, "offline_building", "La copie hors ligne de "
		    "la bibliothèque est en préparation : réessayez dans un "
		    "instant.");
	}
	evbuffer_free(b);
	free(etag);
}
