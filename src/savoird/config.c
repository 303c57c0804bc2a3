/*
 * config.c - savoir.conf: an INI file read with inih, validated as a whole
 * into a struct config.  A file with any bad line is refused with its line
 * and the reason; the caller keeps the configuration it had.  Every key is
 * documented in doc/savoir.conf.5.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "savoird.h"

struct parse {
	struct config	*c;
	char		*cause;		/* the first error; inih gives its line */
	const char	*section;
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->listen[0].host = xstrdup("127.0.0.1");
	c->listen[0].port = xstrdup("8443");
	c->nlisten = 1;
	c->user = xstrdup("savoir");
	c->state_dir = xstrdup(".");
	c->db = xstrdup("savoir.db");
	c->www = xstrdup(access("www/templates", F_OK) == 0 ? "www" :
	    PKGDATADIR "/www");
	c->log_level = SAVOIR_LOG_INFO;
	c->log_queries = 1;
	c->public_url = xstrdup("");
	c->cert = xstrdup("");
	c->key = xstrdup("");
	c->handshake_ms = 10000;
	c->hsts_max_age = 31536000;
	c->max_header = 8192;
	c->max_uri = 4096;
	c->max_body = 65536;
	c->request_timeout = 20;
	c->idle_timeout = 60;
	c->max_connections = 1024;
	c->max_per_address = 64;
	c->shed_after_ms = 500;
	c->budget_ms = 2000;
	c->page_size = 10;
	c->synonyms_path = xstrdup("");
	c->users = xstrdup("");
	c->realm = xstrdup("Savoir");
	c->auth_failures = 10;
	c->verify_rate = 20;
	c->verify_queue = 64;
	c->verify_threads = 0;
	c->sync_url = xstrdup("");
	c->sync_pin = xstrdup("");
	c->sync_ca = xstrdup("");
	c->sync_interval = 300;
}

static void
listen_free(struct listen_addr *a, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		free(a[i].host);
		free(a[i].port);
		free(a[i].bound);
	}
}

void
config_free(struct config *c)
{
	int	 i;

	if (c == NULL)
		return;
	listen_free(c->listen, c->nlisten);
	listen_free(c->http_listen, c->nhttp_listen);
	listen_free(c->redirect_listen, c->nredirect_listen);
	free(c->path);
	free(c->user);
	free(c->state_dir);
	free(c->db);
	free(c->www);
	free(c->public_url);
	free(c->cert);
	free(c->key);
	free(c->users);
	free(c->realm);
	free(c->synonyms_path);
	synonyms_free(c->synonyms);
	for (i = 0; i < c->nwatch; i++)
		free(c->watch[i]);
	free(c->sync_url);
	free(c->sync_pin);
	free(c->sync_ca);
	memset(c, 0, sizeof *c);
}

static int
bad(struct parse *p, const char *fmt, ...) SAVOIR_PRINTFLIKE(2, 3);

static int
bad(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->cause != NULL)
		return 0;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	p->cause = msg;
	return 0;
}

/* "host:port", "[v6]:port" or ":port", separated by spaces or commas. */
static int
parse_listen(struct parse *p, const char *key, const char *value,
    struct listen_addr *a, int *n)
{
	char	*copy, *tok, *save, *colon, *host, *port;
	long long v;

	listen_free(a, *n);
	*n = 0;
	copy = xstrdup(value);
	for (tok = strtok_r(copy, " ,\t", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,\t", &save)) {
		if (*n == SAVOIRD_MAX_LISTEN) {
			free(copy);
			return bad(p, "%s: at most %d addresses", key,
			    SAVOIRD_MAX_LISTEN);	/* key is not in copy */
		}
		if (*tok == '[') {
			if ((colon = strstr(tok, "]:")) == NULL) {
				bad(p, "%s: '%s' is not [address]:port",
				    key, tok);
				free(copy);
				return 0;
			}
			*colon = '\0';
			host = tok + 1;
			port = colon + 2;
		} else {
			if ((colon = strrchr(tok, ':')) == NULL ||
			    strchr(tok, ':') != colon) {
				bad(p, "%s: '%s' is not host:port (an IPv6 "
				    "address goes in brackets: [::1]:port)", key,
				    tok);
				free(copy);
				return 0;
			}
			*colon = '\0';
			host = *tok != '\0' ? tok : "0.0.0.0";
			port = colon + 1;
		}
		if (parse_int(port, 0, 65535, &v) == -1) {
			bad(p, "%s: '%s' is not a port number", key, port);
			free(copy);
			return 0;
		}
		a[*n].host = xstrdup(host);
		a[*n].port = xstrdup(port);
		(*n)++;
	}
	free(copy);
	return 1;
}

static int
parse_bool(struct parse *p, const char *key, const char *v, int *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return bad(p, "%s: '%s' is not yes or no", key, v);
	return 1;
}

static int
parse_num(struct parse *p, const char *key, const char *v, long long min,
    long long max, int *out)
{
	long long	 n;

	if (parse_int(v, min, max, &n) == -1)
		return bad(p, "%s: '%s' is not a whole number from %lld to %lld",
		    key, v, min, max);
	*out = (int)n;
	return 1;
}

static int
set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
	return 1;
}

/* [index] watch: folders separated by spaces, each an existing folder. */
static int
parse_watch(struct parse *p, const char *v)
{
	struct config	*c = p->c;
	struct stat	 sb;
	char		*copy, *tok, *save;
	int		 i;

	for (i = 0; i < c->nwatch; i++)
		free(c->watch[i]);
	c->nwatch = 0;
	copy = xstrdup(v);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (c->nwatch == SAVOIRD_MAX_WATCH) {
			free(copy);
			return bad(p, "watch: at most %d folders",
			    SAVOIRD_MAX_WATCH);
		}
		if (stat(tok, &sb) == -1) {
			bad(p, "watch: %s: %s", tok, strerror(errno));
			free(copy);
			return 0;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad(p, "watch: %s is not a folder", tok);
			free(copy);
			return 0;
		}
		c->watch[c->nwatch++] = xstrdup(tok);
	}
	free(copy);
	if (c->nwatch == 0)
		return bad(p, "watch: which folders? e.g. watch = "
		    "/srv/savoir/corpus");
	return 1;
}

/* Plain http is only for the loopback: anything else goes over https. */
static int
parse_sync_url(struct parse *p, const char *v)
{
	static const char *const loop[] = { "127.0.0.1", "localhost",
	    "[::1]" };
	const char	*host;
	size_t		 i, n;

	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
			return bad(p, "url: spaces or control characters in "
			    "'%s'", v);
	if (i > 2048)
		return bad(p, "url: longer than 2048 bytes");
	if (strncmp(v, "https://", 8) == 0) {
		host = v + 8;
		if (*host == '\0' || *host == '/' || *host == ':')
			return bad(p, "url: '%s' has no host", v);
		return set_str(&p->c->sync_url, v);
	}
	if (strncmp(v, "http://", 7) == 0) {
		host = v + 7;
		for (i = 0; i < sizeof loop / sizeof loop[0]; i++) {
			n = strlen(loop[i]);
			if (strncmp(host, loop[i], n) == 0 && (host[n] ==
			    '\0' || host[n] == ':' || host[n] == '/'))
				return set_str(&p->c->sync_url, v);
		}
		return bad(p, "url: '%s': plain http only to this machine "
		    "(127.0.0.1, [::1], localhost); use https://", v);
	}
	return bad(p, "url: '%s' is not an https:// address", v);
}

static int
config_handler(void *arg, const char *section, const char *key,
    const char *v)
{
	struct parse	*p = arg;
	struct config	*c = p->c;
	int		 level = 0;

#define IS(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
	if (IS("server", "listen"))
		return parse_listen(p, key, v, c->listen, &c->nlisten);
	if (IS("server", "http_listen"))
		return parse_listen(p, key, v, c->http_listen,
		    &c->nhttp_listen);
	if (IS("server", "redirect_listen"))
		return parse_listen(p, key, v, c->redirect_listen,
		    &c->nredirect_listen);
	if (IS("server", "workers"))
		return parse_num(p, key, v, 0, SAVOIRD_MAX_WORKERS,
		    &c->workers);
	if (IS("server", "user"))
		return set_str(&c->user, v);
	if (IS("server", "state_dir"))
		return set_str(&c->state_dir, v);
	if (IS("server", "db"))
		return set_str(&c->db, v);
	if (IS("server", "www"))
		return set_str(&c->www, v);
	if (IS("server", "public_url"))
		return set_str(&c->public_url, v);
	if (IS("server", "log")) {
		if (strcmp(v, "stderr") == 0)
			c->use_syslog = 0;
		else if (strcmp(v, "syslog") == 0)
			c->use_syslog = 1;
		else
			return bad(p, "log: '%s' is not stderr or syslog", v);
		return 1;
	}
	if (IS("server", "log_level")) {
		if (strcmp(v, "debug") == 0)
			level = SAVOIR_LOG_DEBUG;
		else if (strcmp(v, "info") == 0)
			level = SAVOIR_LOG_INFO;
		else if (strcmp(v, "warn") == 0)
			level = SAVOIR_LOG_WARN;
		else if (strcmp(v, "error") == 0)
			level = SAVOIR_LOG_ERROR;
		else
			return bad(p, "log_level: '%s' is not debug, info, "
			    "warn or error", v);
		c->log_level = level;
		return 1;
	}
	if (IS("server", "log_queries"))
		return parse_bool(p, key, v, &c->log_queries);
	if (IS("tls", "cert"))
		return set_str(&c->cert, v);
	if (IS("tls", "key"))
		return set_str(&c->key, v);
	if (IS("tls", "handshake_timeout")) {
		if (!parse_num(p, key, v, 1, 300, &level))
			return 0;
		c->handshake_ms = level * 1000;
		return 1;
	}
	if (IS("tls", "hsts_max_age"))
		return parse_num(p, key, v, 0, 63072000, &c->hsts_max_age);
	if (IS("limits", "max_header_size"))
		return parse_num(p, key, v, 1024, 1048576, &c->max_header);
	if (IS("limits", "max_uri"))
		return parse_num(p, key, v, 256, 65536, &c->max_uri);
	if (IS("limits", "max_body"))
		return parse_num(p, key, v, 0, 16777216, &c->max_body);
	if (IS("limits", "request_timeout"))
		return parse_num(p, key, v, 1, 3600, &c->request_timeout);
	if (IS("limits", "idle_timeout"))
		return parse_num(p, key, v, 1, 3600, &c->idle_timeout);
	if (IS("limits", "max_connections"))
		return parse_num(p, key, v, 1, 100000, &c->max_connections);
	if (IS("limits", "max_per_address"))
		return parse_num(p, key, v, 0, 1000000, &c->max_per_address);
	if (IS("limits", "shed_after_ms"))
		return parse_num(p, key, v, 0, 3600000, &c->shed_after_ms);
	if (IS("search", "budget_ms"))
		return parse_num(p, key, v, 10, 60000, &c->budget_ms);
	if (IS("search", "page_size"))
		return parse_num(p, key, v, 1, 100, &c->page_size);
	if (IS("search", "synonyms"))
		return set_str(&c->synonyms_path, v);
	if (IS("access", "users"))
		return set_str(&c->users, v);
	if (IS("access", "realm"))
		return set_str(&c->realm, v);
	if (IS("access", "max_failures"))
		return parse_num(p, key, v, 1, 10000, &c->auth_failures);
	if (IS("access", "verify_rate"))
		return parse_num(p, key, v, 1, 10000, &c->verify_rate);
	if (IS("access", "verify_queue"))
		return parse_num(p, key, v, 1, 100000, &c->verify_queue);
	if (IS("access", "verify_threads"))
		return parse_num(p, key, v, 0, 8, &c->verify_threads);
	if (IS("index", "watch"))
		return parse_watch(p, v);
	if (IS("sync", "url"))
		return parse_sync_url(p, v);
	if (IS("sync", "pin")) {
		if (*v == '\0' || strlen(v) > 256 || strpbrk(v, " \t") != NULL)
			return bad(p, "pin: '%s' is not a certificate "
			    "fingerprint (one word, at most 256 bytes)", v);
		return set_str(&c->sync_pin, v);
	}
	if (IS("sync", "ca")) {
		if (access(v, R_OK) == -1)
			return bad(p, "ca: %s: %s", v, strerror(errno));
		return set_str(&c->sync_ca, v);
	}
	if (IS("sync", "interval"))
		return parse_num(p, key, v, 10, 604800, &c->sync_interval);
#undef IS
	if (strcmp(section, "server") != 0 && strcmp(section, "tls") != 0 &&
	    strcmp(section, "limits") != 0 && strcmp(section, "search") != 0 &&
	    strcmp(section, "access") != 0 && strcmp(section, "index") != 0 &&
	    strcmp(section, "sync") != 0)
		return bad(p, "unknown section [%s]", section);
	return bad(p, "unknown key '%s' in [%s]", key, section);
}

int
config_load(const char *path, struct config *c, char **cause)
{
	struct parse	 p;
	const char	*syn;
	int		 rc, syn_optional;

	config_defaults(c);
	if (path == NULL)
		return 0;
	c->path = xstrdup(path);
	memset(&p, 0, sizeof p);
	p.c = c;
	rc = ini_parse(path, config_handler, &p);
	if (rc == -1) {
		xasprintf(cause, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if (rc == -2) {
		xasprintf(cause, "%s: out of memory", path);
		goto fail;
	}
	if (p.cause != NULL) {
		xasprintf(cause, "%s: line %d: %s", path, rc, p.cause);
		goto fail;
	}
	if (rc > 0) {
		xasprintf(cause, "%s: line %d: not a 'key = value' line or a "
		    "[section]", path, rc);
		goto fail;
	}
	if ((*c->cert == '\0') != (*c->key == '\0')) {
		xasprintf(cause, "%s: [tls] cert and key go together: set both "
		    "or neither (neither: a self-signed certificate)", path);
		goto fail;
	}
	if (c->nlisten + c->nhttp_listen == 0) {
		xasprintf(cause, "%s: nothing to listen on: set [server] listen "
		    "or http_listen", path);
		goto fail;
	}
	if (*c->sync_url == '\0' && (*c->sync_pin != '\0' ||
	    *c->sync_ca != '\0')) {
		xasprintf(cause, "%s: [sync] pin and ca need a url", path);
		goto fail;
	}
	/* A missing file is the corpus package removed: serve without
	 * synonyms, with a warning, or quietly when the path starts with
	 * '-' (as systemd's EnvironmentFile=-): the packaged configuration
	 * names the file of a package that may not be installed.  A file
	 * that is there but wrong is refused. */
	syn = c->synonyms_path;
	if ((syn_optional = (*syn == '-')))
		syn++;
	if (*syn != '\0' && access(syn, F_OK) == -1 && errno == ENOENT) {
		if (syn_optional)
			log_debug("%s: [search] synonyms: %s is not installed: "
			    "searching without synonyms", path, syn);
		else
			log_warnx("%s: [search] synonyms: %s does not exist: "
			    "searching without synonyms", path, syn);
	} else if (*syn != '\0' && (c->synonyms = synonyms_load(syn,
	    &p.cause)) == NULL) {
		xasprintf(cause, "%s: [search] synonyms: %s", path, p.cause);
		goto fail;
	}
	free(p.cause);
	return 0;
fail:
	free(p.cause);
	config_free(c);
	return -1;
}
