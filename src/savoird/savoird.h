/*
 * savoird.h - private prototypes of the daemon, one section per file.
 *
 * Threads: the main thread owns the configuration, signals and reloads;
 * each worker thread owns an event_base, its evhttp listeners and a
 * read-only index connection, so nothing is shared on the request path
 * but the refcounted TLS context and atomic counters.
 */
#ifndef SAVOIRD_H
#define SAVOIRD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <pthread.h>
#include <stdatomic.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "../core/savoir.h"
#include "tls.h"
#include "h1.h"

#define SAVOIRD_MAX_LISTEN	8
#define SAVOIRD_MAX_WORKERS	64
#define SAVOIRD_MAX_WATCH	16

/* config.c */
struct listen_addr {
	char	*host;		/* "127.0.0.1", "::1", "0.0.0.0" */
	char	*port;
	char	*bound;		/* the address bound, numeric: "[::1]:8443" */
};
struct config {
	char		*path;		/* NULL: embedded defaults */
	/* [server] */
	struct listen_addr listen[SAVOIRD_MAX_LISTEN];	/* HTTPS */
	int		 nlisten;
	struct listen_addr http_listen[SAVOIRD_MAX_LISTEN]; /* plain HTTP */
	int		 nhttp_listen;
	struct listen_addr redirect_listen[SAVOIRD_MAX_LISTEN];
	int		 nredirect_listen;
	int		 workers;	/* 0: number of CPUs */
	char		*user;		/* drop to this user if root */
	char		*state_dir;	/* generated certificate */
	char		*db;
	char		*www;		/* templates/ and static/ */
	int		 use_syslog;
	int		 log_level;
	int		 log_queries;
	char		*public_url;	/* for opensearch.xml; "" = from Host */
	/* [tls] */
	char		*cert;
	char		*key;
	int		 handshake_ms;
	int		 hsts_max_age;
	/* [limits] */
	int		 max_header;
	int		 max_uri;
	int		 max_body;
	int		 request_timeout;	/* s: whole request, slow clients */
	int		 idle_timeout;		/* s: keep-alive */
	int		 max_connections;	/* per worker */
	int		 max_per_address;	/* server-wide; 0: none */
	int		 shed_after_ms;		/* at the cap; 0: never */
	/* [search] */
	int		 budget_ms;
	int		 page_size;
	char		*synonyms_path;	/* [search] synonyms, "" for none */
	struct synonyms	*synonyms;	/* loaded with the configuration */
	/* [access] */
	char		*users;		/* user:hash file, "" = open */
	char		*realm;
	int		 auth_failures;	/* per address per minute */
	int		 verify_rate;	/* verifications a second, all */
	int		 verify_queue;	/* waiting for a verifier, at most */
	int		 verify_threads;	/* 0: one, two from 4 CPUs */
	/* [index] and [sync]: the side process's jobs (side.c) */
	char		*watch[SAVOIRD_MAX_WATCH];	/* index --watch */
	int		 nwatch;
	char		*sync_url;	/* "" = no sync */
	char		*sync_pin;	/* "" = none */
	char		*sync_ca;	/* "" = none */
	int		 sync_interval;	/* seconds */
};
/* Load and validate path (NULL: defaults only).  On error *cause says
 * "file:line: reason". */
int	 config_load(const char *path, struct config *, char **cause);
void	 config_free(struct config *);
void	 config_defaults(struct config *);

/* server.c */
struct metrics;
struct worker {
	int			 id;
	pthread_t		 thread;
	struct server		*server;
	struct event_base	*base;
	struct evhttp		*https;		/* TLS listeners */
	struct evhttp		*http;		/* plain HTTP, may be NULL */
	struct evhttp		*redirect;	/* http -> https, may be NULL */
	struct store		*store;		/* read-only */
	struct tls_worker	*tls;
	struct event		*reload_ev;	/* wakes the worker on reload */
	struct event		*stop_ev;
	int			 running;
	int			 fds[3][SAVOIRD_MAX_LISTEN];	/* https, http,
							   redirect */
	int			 nfds[3];
	struct evhttp_bound_socket *bound[SAVOIRD_MAX_LISTEN];	/* https */
	int			 nbound;
	struct evhttp_bound_socket *boundp[2 * SAVOIRD_MAX_LISTEN];
	int			 nboundp;	/* http and redirect */
	struct plain_watch	*plain;		/* their deadline, count */
	struct event		*guard_ev;	/* connection cap check */
	struct pool		*pool;		/* its connections (conn.h) */
	int			 full;		/* paused: at the cap */
	int			 starved;	/* paused: out of descriptors */
	int			 listening;	/* listeners enabled */
	int			 reserve;	/* /dev/null, given up on EMFILE */
	struct event		*starve_ev;	/* resumes after EMFILE */
	int64_t			 starve_logged;	/* mono_us */
	unsigned long long	 starve_dropped; /* since the last message */
	int64_t			 full_logged;	/* mono_us */
	int			 full_said;	/* that pause was logged */
	atomic_ullong		 accept_errors;	/* EMFILE and the like */
	int64_t			 store_checked;	/* mono_us of last stat */
	int64_t			 store_failed;	/* mono_us of last failure */
	ino_t			 store_ino;
	dev_t			 store_dev;
};
#define SERVER_MAX_RETIRED	64
struct server {
	/* Read by every worker on every request; swapped by the main
	 * thread on reload (atomic loads and stores). */
	struct config *_Atomic	 conf;
	struct templates *_Atomic templates;
	struct tls_ctx		*tls;
	struct worker		 workers[SAVOIRD_MAX_WORKERS];
	int			 nworkers;
	int			 fd_cap;	/* per worker, from RLIMIT_NOFILE */
	struct metrics		*metrics;
	int64_t			 started;	/* now_ms at start */
	struct config		*retired_conf[SERVER_MAX_RETIRED];
	struct templates	*retired_templates[SERVER_MAX_RETIRED];
	int			 nretired;
};
/* Bind every listener (before dropping privileges). */
int	 server_bind(struct server *, char **cause);
/* Is a bound address ("0.0.0.0:443", "[::]:443") every address? */
int	 server_wildcard(const char *bound);
/* Start the workers; returns when they run. */
int	 server_start(struct server *, char **cause);
/* Ask every worker to stop and join them. */
void	 server_stop(struct server *);
/* Apply a new, validated configuration, TLS context (NULL: keep) and
 * templates (NULL: keep).  The server takes them over. */
void	 server_reload(struct server *, struct config *, struct tls_ctx *,
	    struct templates *);

/* plain.c - the plain HTTP connections, watched for conn.c's request
 * deadline and count */
struct plain_watch;
struct plain_watch *plain_watch_new(struct event_base *, int request_ms);
void		 plain_watch_attach(struct plain_watch *, struct evhttp *);
struct pool;
/* Connections join this pool (the worker's cap); NULL: none. */
void		 plain_watch_set_pool(struct plain_watch *, struct pool *);
void		 plain_watch_set_request_ms(struct plain_watch *, int);
long long	 plain_watch_active(struct plain_watch *);
void		 plain_watch_free(struct plain_watch *);	/* after evhttp_free */

/* laptop.c - --db and --laptop, applied over every configuration */
struct laptop_opts {
	int		 laptop;	/* --laptop */
	const char	*db;		/* --db FILE, or NULL */
	const char	*address;	/* --address, loopback only */
	const char	*port;		/* --port, or NULL: 8080 or next free */
	char		*chosen_port;	/* decided once, kept across reloads */
};
int	 laptop_apply(struct config *, struct laptop_opts *, char **cause);
/* Open path read-only as a worker would; -1 with *cause if it cannot. */
int	 laptop_check_db(const char *path, char **cause);
/* "http://host:port/"; the caller frees it. */
char	*laptop_url(const struct listen_addr *);

/* http.c - shared request machinery */
struct req {
	struct evhttp_request	*r;
	struct worker		*w;
	struct evkeyvalq	 args;		/* decoded query string */
	const char		*path;		/* decoded path */
	char			*path_buf;
	int64_t			 start_us;
	int			 tls;
	int			 status;
	const char		*route;		/* for metrics: "/recherche" */
};
/* Dispatch one request (evhttp generic callbacks: HTTPS, plain HTTP and
 * the http -> https redirect listener). */
void	 http_dispatch(struct evhttp_request *, void *worker);
void	 http_dispatch_plain(struct evhttp_request *, void *worker);
void	 http_dispatch_redirect(struct evhttp_request *, void *worker);
/* The client's address as text. */
void	 http_peer(struct evhttp_request *, char *, size_t);
/* Headers every response carries (CSP, nosniff, HSTS on TLS ...). */
void	 http_security_headers(struct req *);
/* Send a response and log it. body may be NULL. */
void	 http_send(struct req *, int status, const char *ctype,
	    struct evbuffer *body);
/* An error page (HTML) or error object (JSON under /api/). */
void	 http_error(struct req *, int status, const char *code,
	    const char *message_fr);
/* Tell the layout the page is served with the self-signed certificate. */
void	 http_mark_certificate(struct req *, json_t *data);
/* A query parameter, NULL if absent; "" if present and empty. */
const char *http_arg(struct req *, const char *name);
/* Parse an integer parameter in [min, max]; def if absent; -1 on error
 * (an error response has then been sent). */
int	 http_arg_int(struct req *, const char *name, int min, int max,
	    int def, long long *out);

/* routes.c - HTML pages */
#define ROUTE_MAX_QUERY		2048	/* bytes of q */
void	 page_home(struct req *);
void	 page_search(struct req *);
void	 page_doc(struct req *, const char *id);
void	 page_opensearch(struct req *);
/* Render template name into a response; data is consumed. */
void	 route_render(struct req *, int status, const char *name,
	    const char *ctype, json_t *data);

/* grid.c - « Analyser un partenariat »: /grille, /grille/synthese,
 * /grille/fiche.jsonl */
/* www/grille.json, checked; NULL with *cause (caller frees). */
json_t	*grid_load(const char *www, char **cause);
/* rest: what follows /grille in the path. */
void	 page_grid(struct req *, const char *rest);
void	 page_offline(struct req *);

/* charts.c - « Partenariats » (/partenariats): the partnership records by
 * country on a world map (www/carte/pays.json) and by year, funder and
 * theme; « Chronologie du cadre juridique » (/chronologie) */
void	 page_partnerships(struct req *);
void	 page_chronology(struct req *);
/* 1 when the document of this type and id is on /chronologie. */
int	 chrono_has(const char *type, const char *id);

/* facet.c - a search's filters, and its facets as links */
#define FACET_MAX_FILTERS	32
/* The query and the filters of a search page, pointing into its args. */
struct sparams {
	const char	*q;
	const char	*keys[FACET_MAX_FILTERS];
	const char	*values[FACET_MAX_FILTERS];
	size_t		 n;
	int		 exact;		/* exact=1: no spelling correction */
};
/* Read q and the filters; 0, or -1 with a 400 sent. */
int	 facet_params(struct req *, json_t *types, struct sparams *);
/* The search URL for these parameters without filter drop (-1: none),
 * plus key=value when key is not NULL, at page (1: not written).  Caller
 * frees. */
char	*facet_url(const struct sparams *, ssize_t drop, const char *key,
	    const char *value, long long page);
/* The facet groups of a result page, their values as links. */
json_t	*facet_groups(json_t *types, const struct sparams *,
	    const struct results *);
/* Labels from the content types, falling back to the name or key. */
const char *facet_type_label(json_t *types, const char *name, int plural);
const char *facet_label(json_t *types, const char *key);
/* A key a filter may use: a fixed one or a facet the index declares. */
int	 facet_key_known(json_t *types, const char *key);
const char *facet_value_label(json_t *types, const char *key,
	    const char *value);

/* passage.c - the passages of a document that match a query */
/* An array of {snippet_html}, best chosen, in reading order; empty when
 * nothing matches or the body cannot be read (logged). */
json_t	*passage_list(struct store *, const char *id, const char *text,
	    int budget_ms);

/* url.c - links, every value percent-encoded */
/* Append key=value to a URL being built. */
void	 url_param(struct buf *, const char *key, const char *value);
/* A document's page, with q when not NULL or empty; caller frees. */
char	*url_for_doc(const char *id, const char *q);
/* The search page for q alone; caller frees. */
char	*url_for_search(const char *q);
/* Why url_decode refuses a request target. */
enum {
	URL_BAD_FORM = 1,	/* a '%' not starting %XX, %00, no /path */
	URL_BAD_PATH,		/* the decoded path: a NUL or not UTF-8 */
	URL_BAD_QUERY		/* parameters malformed or not UTF-8 */
};
/*
 * Decode a request target: *path its path, percent-decoded (the caller
 * frees it, even on failure), and its query's parameters added to args
 * (the caller clears them, even on failure).  0, or a URL_BAD_ reason.
 */
int	 url_decode(const char *raw, char **path, struct evkeyvalq *args);

/* jstr.c - JSON strings that are never NULL */
json_t	*jstr(const char *);		/* NULL as "" */
json_t	*jstr_free(char *);		/* the same, and frees s */
/* An object's string member, "" if absent or not a string. */
const char *jstr_get(json_t *, const char *key);

/* fmt.c - numbers, durations and folding, the French way */
char	*fmt_int(int64_t);		/* "12 345"; caller frees */
char	*fmt_duration(int64_t us);	/* "0,4 ms"; caller frees */
char	*fmt_fold(const char *, size_t);	/* fr_fold, fatal on OOM */
/* name's place in order (NULL-terminated); unknown names come last. */
int	 fmt_rank(const char *const *order, const char *name);

/* api.c - JSON API */
void	 api_search(struct req *);
void	 api_doc(struct req *, const char *id);
void	 api_similar(struct req *, const char *id);
void	 api_changes(struct req *);
/* The worker's index, or a 503 sent (NULL). */
struct store	*api_store(struct req *);
/* An index read failed: logged, a French 500; frees cause. */
void	 api_read_error(struct req *, char *cause);
/* Send a JSON value (stolen) with status. */
void	 api_send(struct req *, int status, json_t *);
/* One document as the API returns it (also used by the HTML page): id,
 * type, type_label, title, breadcrumb, meta [{key,label,value}], html,
 * source, seq, links [{id,title,rel,exists}], cited_by [{id,title,type}].
 * 1 with *out, 0 if there is no such document (or no index), -1 with
 * *cause (caller frees) when the index cannot be read. */
int	 api_doc_json(struct worker *, const char *id, json_t **out,
	    char **cause);
/* The content types with French labels, document counts and facets:
 * [{name,label,label_plural,count,facets:[{key,label,kind}]}]; NULL with
 * *cause (caller frees) when they cannot be read. */
/* The content types as JSON (with their documents' count if counts). */
json_t	*api_types_json(struct worker *, int counts, char **cause);

/* toc.c - « Sommaire »: [{level, id, text}] of the h2/h3 with an id in
 * the sanitizer's HTML of a document. */
json_t	*toc_from_html(const char *html);

/* suggest.c - /api/suggest */
void	 suggest_api(struct req *);

/* offline.c - /api/offline/index */
void	 offline_index(struct req *);
/* Build the offline copy of the index in the background, at start-up. */
void	 offline_warm(const struct config *);

/* The worker's read-only index, opened on first use (NULL if absent: the
 * caller answers 503). */
struct store *worker_store(struct worker *);

/* static.c - files under www/static */
void	 static_serve(struct req *, const char *rel);

/* render.c - templates with structural escaping */
struct templates;
/* Load every .html file of www/templates; -1 with *cause naming file and line. */
struct templates *templates_load(const char *dir, char **cause);
void	 templates_free(struct templates *);
/* The analysis grid loaded with the templates (grid.c): set takes it
 * over; get returns it borrowed, or NULL. */
void	 templates_set_grid(struct templates *, json_t *);
json_t	*templates_grid(struct templates *);
/*
 * Render template name with data into out.  {{x}} inserts escaped text,
 * {{#x}}...{{/x}} repeats over arrays or shows when truthy, {{^x}} when
 * falsy, {{> name}} includes; raw HTML is only ever inserted from keys
 * ending in "_html", which hold HTML the index sanitized.
 */
int	 templates_render(struct templates *, const char *name, json_t *data,
	    struct evbuffer *out);

/* metrics.c - Prometheus text */
struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
void		 metrics_observe(struct metrics *, const char *route,
		    int status, int64_t us);
void		 metrics_page(struct req *);

/* access.c - optional HTTP Basic access control */
/*
 * 1 if the request may go on; 0 if an answer was sent (401, 403, 429,
 * 503) or if the request waits for its password to be verified: it is
 * then answered later, or replayed through http_dispatch or
 * http_dispatch_plain once verified (access_check then returns 1).
 */
int	 access_check(struct req *);

/* verify.c - password hashing off the event loops */
/* ok: 1 the password matches, 0 not, -1 the worker stopped (free arg and
 * touch nothing else).  Called on the worker's thread. */
typedef void verify_cb(int ok, void *arg);
/* Queue a verification of password against hash (NULL: an unknown user,
 * costing the same) for worker w, which must be the calling thread's;
 * both are copied.  -1 when the queue is full (cb is never called). */
int	 verify_submit(struct worker *w, const char *password,
	    const char *hash, verify_cb *cb, void *arg);
/* After w's loop stopped, before its event_base is freed: its waiting
 * verifications are called back with -1. */
void	 verify_worker_stop(struct worker *w);

/* side.c - the side process and its background jobs */
/* Fork the side process, which runs c's [index] and [sync] jobs (0 when
 * it could not fork); call with no thread running.  scrub, if not NULL,
 * runs first in the side process, to wipe what it must not keep. */
pid_t	 side_start(const struct config *c, int use_syslog,
	    void (*scrub)(void));
/* Have it read the configuration again (validated by the caller). */
void	 side_reload(pid_t);
/* Stop it and its jobs, and wait for it. */
void	 side_stop(pid_t);

#endif
