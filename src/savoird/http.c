/*
 * http.c - what every request goes through: method and size limits, URI
 * and query decoding (strict: a bad percent-encoding or invalid UTF-8 is a
 * 400, never guessed at), access control, routing, security headers,
 * error responses and the access log.  Handlers never write headers of
 * their own beyond content type and caching.
 *
 * Request heads are checked before evhttp parses them (h1.c); a head the
 * check refused arrives here as a stand-in request, answered by
 * http_refused like any other error, so that no error page is evhttp's.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

static const char http_csp[] = "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "manifest-src 'self'; worker-src 'self'";

void
http_security_headers(struct req *q)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(q->r);
	char			 hsts[64];

	evhttp_add_header(h, "Content-Security-Policy", http_csp);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
	if (q->tls && q->w->server->conf->hsts_max_age > 0) {
		snprintf(hsts, sizeof hsts, "max-age=%d",
		    q->w->server->conf->hsts_max_age);
		evhttp_add_header(h, "Strict-Transport-Security", hsts);
	}
}

void
http_peer(struct evhttp_request *r, char *out, size_t len)
{
	struct evhttp_connection	*con = evhttp_request_get_connection(r);
	const char			*addr = NULL;
	ev_uint16_t			 port = 0;

	if (con != NULL)
		evhttp_connection_get_peer(con, (char **)&addr, &port);
	snprintf(out, len, "%s", addr != NULL ? addr : "-");
}

static void
http_log(struct req *q, size_t bytes)
{
	struct config	*c = q->w->server->conf;
	const char	*uri = evhttp_request_get_uri(q->r);
	const char	*method;
	char		 peer[64];
	int64_t		 us = mono_us() - q->start_us;
	int		 n;

	switch (evhttp_request_get_command(q->r)) {
	case EVHTTP_REQ_GET:
		method = "GET";
		break;
	case EVHTTP_REQ_HEAD:
		method = "HEAD";
		break;
	case EVHTTP_REQ_POST:
		method = "POST";
		break;
	default:
		method = "OTHER";
	}
	if (uri == NULL)
		uri = "-";
	n = (int)strcspn(uri, c->log_queries ? "" : "?");
	if (n > 512)
		n = 512;
	http_peer(q->r, peer, sizeof peer);
	log_info("%s %s %.*s %d %zu %lldus", peer, method, n, uri, q->status,
	    bytes, (long long)us);
	metrics_observe(q->w->server->metrics, q->route, q->status, us);
}

void
http_send(struct req *q, int status, const char *ctype, struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(q->r);
	size_t			 bytes = body != NULL ? evbuffer_get_length(body) : 0;

	q->status = status;
	http_security_headers(q);
	if (ctype != NULL)
		evhttp_add_header(h, "Content-Type", ctype);
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-cache");
	http_log(q, bytes);
	/* HEAD: the headers GET would send, no body (evhttp 2.1 would send
	 * one). */
	if (evhttp_request_get_command(q->r) == EVHTTP_REQ_HEAD) {
		char	 len[32];

		snprintf(len, sizeof len, "%zu", bytes);
		evhttp_remove_header(h, "Content-Length");
		evhttp_add_header(h, "Content-Length", len);
		evhttp_send_reply(q->r, status, NULL, NULL);
		return;
	}
	evhttp_send_reply(q->r, status, NULL, body);
}

/* Minimal HTML escaping for the fallback error page (no template). */
static void
http_escape(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			evbuffer_add(b, "&lt;", 4);
			break;
		case '>':
			evbuffer_add(b, "&gt;", 4);
			break;
		case '&':
			evbuffer_add(b, "&amp;", 5);
			break;
		case '"':
			evbuffer_add(b, "&quot;", 6);
			break;
		default:
			evbuffer_add(b, s, 1);
		}
	}
}

static const char *
http_reason_fr(int status)
{
	switch (status) {
	case 400:
		return "Requête invalide";
	case 401:
		return "Authentification requise";
	case 403:
		return "Accès refusé";
	case 404:
		return "Page introuvable";
	case 405:
		return "Méthode non permise";
	case 413:
		return "Requête trop volumineuse";
	case 414:
		return "Adresse trop longue";
	case 417:
		return "Attente impossible à satisfaire";
	case 429:
		return "Trop de tentatives";
	case 431:
		return "En-têtes trop volumineux";
	case 501:
		return "Méthode non reconnue";
	case 503:
		return "Service momentanément indisponible";
	case 505:
		return "Version de HTTP non prise en charge";
	default:
		return "Erreur du serveur";
	}
}

/*
 * Is this page served with the generated self-signed certificate?  Then
 * the browser will refuse the service worker: the layout says so (an
 * attribute savoir.js reads), so that the page does not try, which would
 * log an error in the browser's console on every page.
 */
void
http_mark_certificate(struct req *q, json_t *data)
{
	if (q->tls && *q->w->server->conf->cert == '\0')
		json_object_set_new(data, "selfsigned", json_true());
}

/* Is this path or raw target the API's: /api, /api/..., /api?...? */
static int
http_is_api(const char *s)
{
	return s != NULL && strncmp(s, "/api", 4) == 0 && (s[4] == '\0' ||
	    s[4] == '/' || s[4] == '?');
}

void
http_error(struct req *q, int status, const char *code, const char *message)
{
	struct evbuffer	*b;
	json_t		*data;

	if (http_is_api(q->path)) {
		api_send(q, status, json_pack("{s:{s:s,s:s}}", "error", "code",
		    code, "message", message));
		return;
	}
	b = evbuffer_new();
	data = json_pack("{s:i,s:s,s:s,s:s}", "status", status, "title",
	    http_reason_fr(status), "message", message, "code", code);
	http_mark_certificate(q, data);
	if (q->w->server->templates == NULL || templates_render(
	    q->w->server->templates, "error", data, b) == -1) {
		evbuffer_drain(b, evbuffer_get_length(b));
		evbuffer_add_printf(b, "<!doctype html><html lang=\"fr\"><meta "
		    "charset=\"utf-8\"><title>%d</title><h1>", status);
		http_escape(b, http_reason_fr(status));
		evbuffer_add_printf(b, "</h1><p>");
		http_escape(b, message);
		evbuffer_add_printf(b, "</p></html>\n");
	}
	json_decref(data);
	http_send(q, status, "text/html; charset=utf-8", b);
	evbuffer_free(b);
}

const char *
http_arg(struct req *q, const char *name)
{
	return evhttp_find_header(&q->args, name);
}

int
http_arg_int(struct req *q, const char *name, int min, int max, int def,
    long long *out)
{
	const char	*v = http_arg(q, name);
	char		*msg;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (parse_int(v, min, max, out) == -1) {
		xasprintf(&msg, "Le paramètre « %s » doit être un nombre entier "
		    "entre %d et %d.", name, min, max);
		http_error(q, 400, "bad_parameter", msg);
		free(msg);
		return -1;
	}
	return 0;
}

/* What h1.c's refusal codes mean, for people. */
static const struct {
	const char	*code;
	const char	*message;
} http_refusals[] = {
	{ "bad_request_line", "La ligne de requête est mal formée (attendu : "
	    "MÉTHODE, espace, adresse, espace, HTTP/1.1)." },
	{ "bad_target", "L'adresse demandée est mal formée." },
	{ "version_not_supported", "Savoir ne parle que HTTP/1.0 et "
	    "HTTP/1.1." },
	{ "not_implemented", "Cette méthode HTTP n'existe pas pour Savoir." },
	{ "method_not_allowed", "Savoir ne répond qu'aux requêtes GET et "
	    "HEAD." },
	{ "bare_lf", "Chaque ligne de la requête doit se terminer par CR LF." },
	{ "obs_fold", "Un en-tête replié sur plusieurs lignes n'est pas "
	    "accepté." },
	{ "bad_header_name", "Un nom d'en-tête est invalide (ou suivi d'une "
	    "espace avant les deux-points)." },
	{ "bad_header_value", "La valeur d'un en-tête contient un caractère "
	    "de contrôle." },
	{ "duplicate_content_length", "L'en-tête Content-Length est répété." },
	{ "bad_content_length", "L'en-tête Content-Length est invalide." },
	{ "transfer_encoding", "L'en-tête Transfer-Encoding n'est pas "
	    "accepté : Savoir n'attend pas de corps de requête." },
	{ "missing_host", "L'en-tête Host est obligatoire en HTTP/1.1." },
	{ "duplicate_host", "L'en-tête Host est répété." },
	{ "bad_host", "L'en-tête Host est invalide." },
	{ "expectation_failed", "Seul « Expect: 100-continue » est accepté." },
	{ "unexpected_body", "Cette requête ne peut pas avoir de corps." },
	{ "body_too_large", "Le corps de la requête est trop volumineux." },
	{ "uri_too_long", "L'adresse demandée est trop longue." },
	{ "header_too_large", "Les en-têtes de la requête sont trop "
	    "volumineux." },
};

/*
 * A request that h1.c put in place of a head it refused: answer it with
 * the status and code it carries ("400 bare_lf").  It asked for
 * "Connection: close": evhttp closes once the answer has left.  1 if it
 * was one.
 */
static int
http_refused(struct req *q)
{
	const char	*v, *uri, *message = "La requête est mal formée.";
	char		 code[48];
	size_t		 i;
	int		 status;

	v = evhttp_find_header(evhttp_request_get_input_headers(q->r),
	    H1_REFUSED_HEADER);
	if (v == NULL)
		return 0;
	if (sscanf(v, "%d %47s", &status, code) != 2 || status < 400 ||
	    status > 599) {
		status = 400;
		snprintf(code, sizeof code, "bad_request");
	}
	for (i = 0; i < sizeof http_refusals / sizeof http_refusals[0]; i++)
		if (strcmp(http_refusals[i].code, code) == 0)
			message = http_refusals[i].message;
	uri = evhttp_request_get_uri(q->r);
	q->path = http_is_api(uri) ? "/api/" : "/";
	q->route = "other";
	if (status == 405)
		evhttp_add_header(evhttp_request_get_output_headers(q->r),
		    "Allow", "GET, HEAD");
	http_error(q, status, code, message);
	return 1;
}

/* Routes taking a rest-of-path argument ("/doc/" + id). */
static const char *
http_prefix(const char *path, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static void
http_route(struct req *q)
{
	const char	*p = q->path, *rest;

	if (strcmp(p, "/") == 0) {
		q->route = "/";
		page_home(q);
	} else if (strcmp(p, "/recherche") == 0) {
		q->route = "/recherche";
		page_search(q);
	} else if ((rest = http_prefix(p, "/doc/")) != NULL) {
		q->route = "/doc";
		page_doc(q, rest);
	} else if (strcmp(p, "/hors-ligne") == 0) {
		q->route = "/hors-ligne";
		page_offline(q);
	} else if (strcmp(p, "/api/search") == 0) {
		q->route = "/api/search";
		api_search(q);
	} else if ((rest = http_prefix(p, "/api/doc/")) != NULL) {
		q->route = "/api/doc";
		api_doc(q, rest);
	} else if ((rest = http_prefix(p, "/api/similar/")) != NULL) {
		q->route = "/api/similar";
		api_similar(q, rest);
	} else if (strcmp(p, "/api/suggest") == 0) {
		q->route = "/api/suggest";
		suggest_api(q);
	} else if (strcmp(p, "/api/changes") == 0) {
		q->route = "/api/changes";
		api_changes(q);
	} else if ((rest = http_prefix(p, "/grille")) != NULL &&
	    (*rest == '\0' || *rest == '/')) {
		q->route = "/grille";
		page_grid(q, rest);
	} else if (strcmp(p, "/partenariats") == 0) {
		q->route = "/partenariats";
		page_partnerships(q);
	} else if (strcmp(p, "/chronologie") == 0) {
		q->route = "/chronologie";
		page_chronology(q);
	} else if (strcmp(p, "/api/openapi.json") == 0) {
		/* The API's description, a static file (doc/api.md). */
		q->route = "/static";
		static_serve(q, "openapi.json");
	} else if (strcmp(p, "/api/offline/index") == 0) {
		q->route = "/api/offline/index";
		offline_index(q);
	} else if (strcmp(p, "/opensearch.xml") == 0) {
		q->route = "/opensearch.xml";
		page_opensearch(q);
	} else if (strcmp(p, "/healthz") == 0) {
		struct evbuffer *b = evbuffer_new();

		q->route = "/healthz";
		evbuffer_add(b, "ok\n", 3);
		http_send(q, 200, "text/plain; charset=utf-8", b);
		evbuffer_free(b);
	} else if (strcmp(p, "/metrics") == 0) {
		q->route = "/metrics";
		metrics_page(q);
	} else if ((rest = http_prefix(p, "/static/")) != NULL) {
		q->route = "/static";
		static_serve(q, rest);
	} else if (strcmp(p, "/sw.js") == 0 || strcmp(p, "/favicon.ico") == 0 ||
	    strcmp(p, "/manifest.webmanifest") == 0) {
		/* Served from the root: a service worker's scope is its path. */
		q->route = "/static";
		static_serve(q, p + 1);
	} else {
		q->route = "other";
		http_error(q, 404, "not_found", "Cette adresse ne correspond à "
		    "aucune page de Savoir.");
	}
}

static void
http_handle(struct evhttp_request *r, struct worker *w, int tls)
{
	struct config			*c = w->server->conf;
	const char			*raw;
	struct req			 q;

	memset(&q, 0, sizeof q);
	q.r = r;
	q.w = w;
	q.tls = tls;
	q.start_us = mono_us();
	q.route = "other";
	q.path = "";
	TAILQ_INIT(&q.args);

	if (http_refused(&q))
		return;
	/* Until the path is decoded, an error is JSON for what asks /api/. */
	raw = evhttp_request_get_uri(r);
	if (http_is_api(raw))
		q.path = "/api/";
	switch (evhttp_request_get_command(r)) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		break;
	default:
		evhttp_add_header(evhttp_request_get_output_headers(r),
		    "Allow", "GET, HEAD");
		http_error(&q, 405, "method_not_allowed", "Savoir ne répond "
		    "qu'aux requêtes GET et HEAD.");
		return;
	}
	raw = evhttp_request_get_uri(r);
	if (raw == NULL || strlen(raw) > (size_t)c->max_uri) {
		http_error(&q, 414, "uri_too_long", "L'adresse demandée est "
		    "trop longue.");
		return;
	}
	switch (url_decode(raw, &q.path_buf, &q.args)) {
	case URL_BAD_FORM:
		http_error(&q, 400, "bad_uri", "L'adresse demandée est mal "
		    "formée (encodage « % » invalide ?).");
		goto out;
	case URL_BAD_PATH:
		http_error(&q, 400, "bad_uri", "L'adresse demandée contient "
		    "des caractères invalides.");
		goto out;
	case URL_BAD_QUERY:
		http_error(&q, 400, "bad_query", "Les paramètres de l'adresse "
		    "sont mal formés ou ne sont pas en UTF-8 valide.");
		goto out;
	}
	q.path = q.path_buf;
	if (!access_check(&q))
		goto out;
	http_route(&q);
out:
	evhttp_clear_headers(&q.args);
	free(q.path_buf);
}

void
http_dispatch(struct evhttp_request *r, void *arg)
{
	http_handle(r, arg, 1);
}

void
http_dispatch_plain(struct evhttp_request *r, void *arg)
{
	http_handle(r, arg, 0);
}

/* The redirect listener: everything to the same path over HTTPS. */
void
http_dispatch_redirect(struct evhttp_request *r, void *arg)
{
	struct worker		*w = arg;
	struct config		*c = w->server->conf;
	const char		*host, *uri;
	char			*loc, *colon, hostbuf[256];
	struct req		 q;

	memset(&q, 0, sizeof q);
	q.r = r;
	q.w = w;
	q.start_us = mono_us();
	q.route = "redirect";
	q.path = "";
	if (http_refused(&q))
		return;
	host = evhttp_find_header(evhttp_request_get_input_headers(r), "Host");
	uri = evhttp_request_get_uri(r);
	if (host == NULL || *host == '\0' || strlen(host) >= sizeof hostbuf ||
	    strpbrk(host, "/\\@ \t\r\n") != NULL || uri == NULL ||
	    *uri != '/') {
		http_error(&q, 400, "bad_host", "En-tête Host absent ou "
		    "invalide.");
		return;
	}
	snprintf(hostbuf, sizeof hostbuf, "%s", host);
	if (hostbuf[0] != '[' && (colon = strrchr(hostbuf, ':')) != NULL)
		*colon = '\0';		/* drop the plain-HTTP port */
	else if (hostbuf[0] == '[' && (colon = strstr(hostbuf, "]:")) != NULL)
		colon[1] = '\0';
	if (c->nlisten > 0 && strcmp(c->listen[0].port, "443") != 0)
		loc = xsprintf("https://%s:%s%s", hostbuf, c->listen[0].port,
		    uri);
	else
		loc = xsprintf("https://%s%s", hostbuf, uri);
	evhttp_add_header(evhttp_request_get_output_headers(r), "Location",
	    loc);
	free(loc);
	http_send(&q, 301, NULL, NULL);
}
