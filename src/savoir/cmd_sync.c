/*
 * cmd_sync.c - savoir sync URL: follow another Savoir instance.  Fetches
 * the pages of its change feed with content (/api/changes?full=1) after
 * the last change applied here and hands each to the core
 * (store_sync_apply), which applies it in one transaction with the sync
 * state: a sync killed half-way resumes after the last page applied.
 *
 * Owns the network side, through libcurl: TLS is always verified, against
 * the system's CAs, a CA file (--ca) or a public key pin (--pin, which
 * alone accepts a self-signed certificate whose key matches); plain http
 * only to a loopback address; connect and low-speed timeouts; a cap on
 * the size of an answer; redirects are errors, never followed.  Nothing
 * here reads or writes SQL.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <mbedtls/base64.h>

#include "savoir.h"

#define SYNC_MAX_ANSWER		(256LL * 1024 * 1024)	/* bytes of a page */
#define SYNC_CONNECT_TIMEOUT	15L	/* seconds */
#define SYNC_LOW_SPEED_TIME	60L	/* seconds below 1 byte/s */
#define SYNC_PAGE_DEFAULT	1000	/* changes a page (the server's max) */

struct sync {
	CURL		*curl;
	char		*origin;	/* the base URL, no trailing slash */
	char		*label;		/* its host[:port], the facet value */
	struct buf	 body;
	int		 toolarge;
	char		 err[CURL_ERROR_SIZE];
};

static void
sync_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir [--db FILE] %s [-q] [--pin PIN] [--ca FILE] "
	    "URL\n", cmd);
	if (f != stdout)
		return;
	fprintf(f, "\nBrings into the index what changed on the Savoir "
	    "instance at URL since the last sync:\nnew, changed and deleted "
	    "documents.  Documents indexed here are never replaced.\n"
	    "  --pin PIN  trust the server whose public key has this SHA-256 "
	    "pin\n             (sha256//BASE64 as savoird prints it, or 64 hex "
	    "digits;\n             several separated by ';'), even with a "
	    "self-signed certificate\n"
	    "  --ca FILE  trust the certificates this CA (PEM) signed\n"
	    "  -q         no summary line\n"
	    "An origin that asks for an account gets the one in "
	    "SAVOIR_SYNC_USER and\nSAVOIR_SYNC_PASSWORD.\n");
}

static size_t
sync_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sync	*s = arg;

	if ((long long)(s->body.len + n) > SYNC_MAX_ANSWER) {
		s->toolarge = 1;
		return 0;
	}
	buf_add(&s->body, data, n * size);
	return n * size;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "sha256//BASE64" as given, or 64 hex digits (colons allowed) turned
 * into it; NULL when it is neither. */
static char *
sync_pin(const char *arg)
{
	unsigned char	 md[32], b64[64];
	size_t		 i = 0, olen;
	const char	*p;
	int		 hi, lo;

	if (strncmp(arg, "sha256//", 8) == 0) {
		for (p = arg + 8; *p != '\0'; p++)
			if (!(isalnum((unsigned char)*p) || *p == '+' ||
			    *p == '/' || *p == '='))
				return NULL;
		return strlen(arg + 8) == 44 ? xstrdup(arg) : NULL;
	}
	for (p = arg; *p != '\0' && i < sizeof md; ) {
		if (*p == ':') {
			p++;
			continue;
		}
		hi = hexval(p[0]);
		lo = p[1] != '\0' ? hexval(p[1]) : -1;
		if (hi == -1 || lo == -1)
			return NULL;
		md[i++] = (unsigned char)(hi << 4 | lo);
		p += 2;
	}
	if (i != sizeof md || *p != '\0')
		return NULL;
	if (mbedtls_base64_encode(b64, sizeof b64, &olen, md, sizeof md) != 0)
		return NULL;
	return xsprintf("sha256//%.*s", (int)olen, b64);
}

/* One pin or several separated by ";" (a key and its successor, while
 * the origin changes keys), each in either form, as curl takes them. */
static char *
sync_pins(const char *arg)
{
	struct buf	 b;
	char		*copy, *p, *one, *pin;

	buf_init(&b);
	copy = p = xstrdup(arg);
	while ((one = strsep(&p, ";")) != NULL) {
		if ((pin = sync_pin(one)) == NULL) {
			free(copy);
			buf_free(&b);
			return NULL;
		}
		if (b.len > 0)
			buf_addc(&b, ';');
		buf_adds(&b, pin);
		free(pin);
	}
	free(copy);
	return buf_steal(&b);
}

static int
sync_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "localhost") == 0;
}

/* Check URL and set s->origin and s->label; -1 once said why. */
static int
sync_url(struct sync *s, const char *url)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL, *port = NULL, *q = NULL;
	char	*full = NULL, *p;
	size_t	 len;
	int	 ret = -1;

	if ((u = curl_url()) == NULL)
		fatalx("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		fprintf(stderr, "savoir: sync: %s is not a URL\n", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &q, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_USER, &q, 0) == CURLUE_OK) {
		fprintf(stderr, "savoir: sync: %s: give the server's address "
		    "alone (no user, query or fragment)\n", url);
		goto out;
	}
	if (strcmp(scheme, "http") == 0) {
		if (!sync_loopback(host)) {
			fprintf(stderr, "savoir: sync: %s: plain http only to "
			    "a loopback address (127.0.0.1, [::1]); use "
			    "https\n", url);
			goto out;
		}
	} else if (strcmp(scheme, "https") != 0) {
		fprintf(stderr, "savoir: sync: %s: the address must start "
		    "with https://\n", url);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	/* As curl writes it, the host in lower case too: the name of the
	 * origin's state and source, so HTTPS://A/ and https://a are one
	 * origin. */
	if (curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		s->origin = xstrdup(full);
	else
		s->origin = xstrdup(url);
	if ((p = strstr(s->origin, "://")) != NULL)
		for (p += 3; *p != '\0' && *p != '/'; p++)
			*p = (char)tolower((unsigned char)*p);
	for (p = host; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	len = strlen(s->origin);
	while (len > 0 && s->origin[len - 1] == '/')
		s->origin[--len] = '\0';
	s->label = port != NULL ? xsprintf("%s:%s", host, port) :
	    xstrdup(host);
	ret = 0;
out:
	curl_free(full);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(q);
	curl_url_cleanup(u);
	return ret;
}

static int
sync_curl(struct sync *s, const char *pin, const char *ca)
{
	CURL	*c;

	if ((c = s->curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "savoir: sync: cannot start libcurl\n");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->err);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    strncmp(s->origin, "http:", 5) == 0 ? "http" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SYNC_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, SYNC_LOW_SPEED_TIME);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)SYNC_MAX_ANSWER);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "savoir-sync/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sync_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* An origin with [access] users: the account from the environment,
	 * never from the command line (ps would show it). */
	if (getenv("SAVOIR_SYNC_USER") != NULL &&
	    getenv("SAVOIR_SYNC_PASSWORD") != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME,
		    getenv("SAVOIR_SYNC_USER"));
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    getenv("SAVOIR_SYNC_PASSWORD"));
	}
	if (ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (pin != NULL) {
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin);
		/* The pin alone vouches for a self-signed certificate; with
		 * a CA file both must hold. */
		if (ca == NULL) {
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
	}
	return 0;
}

/* What went wrong with a transfer, in plain words. */
static void
sync_curl_error(struct sync *s, CURLcode rc)
{
	const char	*detail = s->err[0] != '\0' ? s->err :
			    curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		fprintf(stderr, "savoir: sync: %s: the server's public key "
		    "does not match the pin given with --pin: refusing it "
		    "(%s)\n", s->origin, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		fprintf(stderr, "savoir: sync: %s: cannot verify the server's "
		    "certificate: refusing it (%s); trust its CA with --ca "
		    "FILE or its key with --pin\n", s->origin, detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		fprintf(stderr, "savoir: sync: %s: timed out (%s)\n",
		    s->origin, detail);
		break;
	default:
		if (s->toolarge || rc == CURLE_FILESIZE_EXCEEDED)
			fprintf(stderr, "savoir: sync: %s: an answer is larger "
			    "than %lld MB: refusing it\n", s->origin,
			    SYNC_MAX_ANSWER / (1024 * 1024));
		else
			fprintf(stderr, "savoir: sync: %s: %s\n", s->origin,
			    detail);
	}
}

/*
 * The HTML of every document of the page through the indexer's
 * allow-list sanitizer, as if extracted here: the document page inserts
 * it as is, and this server vouches for what it serves, not the origin.
 * No citation links are added (the origin's are kept).
 */
static void
sync_sanitize(json_t *page)
{
	json_t		*c, *doc, *html;
	size_t		 i;
	char		*clean;

	json_array_foreach(json_object_get(page, "changes"), i, c) {
		doc = json_object_get(c, "doc");
		if (!json_is_string(html = json_object_get(doc, "html")))
			continue;
		clean = html_sanitize(json_string_value(html),
		    json_string_length(html), "");
		json_object_set_new(doc, "html", json_string(clean != NULL ?
		    clean : ""));
		free(clean);
	}
}

/* One page after since: the parsed answer, or NULL once said why. */
static json_t *
sync_fetch(struct sync *s, int64_t since, int limit)
{
	json_error_t	 jerr;
	json_t		*page, *e;
	CURLcode	 rc;
	char		*url, *loc = NULL;
	long		 status = 0;

	url = xsprintf("%s/api/changes?since=%lld&limit=%d&full=1", s->origin,
	    (long long)since, limit);
	buf_reset(&s->body);
	s->toolarge = 0;
	s->err[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	rc = curl_easy_perform(s->curl);
	free(url);
	if (rc != CURLE_OK) {
		sync_curl_error(s, rc);
		return NULL;
	}
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status < 400) {
		curl_easy_getinfo(s->curl, CURLINFO_REDIRECT_URL, &loc);
		fprintf(stderr, "savoir: sync: %s: the server redirects to %s: "
		    "not followed; give that address if it is the right "
		    "one\n", s->origin, loc != NULL ? loc : "(nowhere)");
		return NULL;
	}
	page = json_loadb(s->body.data != NULL ? s->body.data : "",
	    s->body.len, 0, &jerr);
	if (status == 401) {
		fprintf(stderr, "savoir: sync: %s: the server asks for an "
		    "account: set SAVOIR_SYNC_USER and SAVOIR_SYNC_PASSWORD "
		    "in the environment%s\n", s->origin,
		    getenv("SAVOIR_SYNC_USER") != NULL ? " (the ones set were "
		    "refused)" : "");
		json_decref(page);
		return NULL;
	}
	if (status != 200) {
		e = json_object_get(json_object_get(page, "error"), "message");
		fprintf(stderr, "savoir: sync: %s: the server answered %ld%s%s"
		    "\n", s->origin, status, json_is_string(e) ? ": " : "",
		    json_is_string(e) ? json_string_value(e) : "");
		json_decref(page);
		return NULL;
	}
	if (page == NULL || !json_is_object(page)) {
		fprintf(stderr, "savoir: sync: %s: the answer is not the "
		    "change feed (%s)\n", s->origin, page == NULL ? jerr.text :
		    "not a JSON object");
		json_decref(page);
		return NULL;
	}
	return page;
}

/*
 * The next page is fetched (and sanitized) on a thread while this one is
 * applied: the origin builds a page about as long as the follower takes to
 * index it.  Only one of the two threads uses the curl handle at a time.
 */
struct prefetch {
	pthread_t	 thread;
	struct sync	*s;
	int64_t		 since;
	int		 limit;
	int		 asked;
	int		 running;
	json_t		*page;
};

static json_t *
sync_page(struct sync *s, int64_t since, int limit)
{
	json_t	*page;

	if ((page = sync_fetch(s, since, limit)) != NULL)
		sync_sanitize(page);
	return page;
}

static void *
sync_prefetch_run(void *arg)
{
	struct prefetch	*pf = arg;

	pf->page = sync_page(pf->s, pf->since, pf->limit);
	return NULL;
}

static void
sync_prefetch_start(struct prefetch *pf, struct sync *s, int64_t since,
    int limit)
{
	pf->s = s;
	pf->since = since;
	pf->limit = limit;
	pf->page = NULL;
	pf->asked = 1;
	pf->running = pthread_create(&pf->thread, NULL, sync_prefetch_run,
	    pf) == 0;
}

/* The page asked for (NULL once said why), or NULL if none was asked.
 * Without a thread it is fetched now. */
static json_t *
sync_prefetch_join(struct prefetch *pf)
{
	if (!pf->asked)
		return NULL;
	pf->asked = 0;
	if (!pf->running)
		return sync_page(pf->s, pf->since, pf->limit);
	pthread_join(pf->thread, NULL);
	pf->running = 0;
	return pf->page;
}

int
cmd_sync(int argc, char **argv)
{
	struct store		*st = NULL;
	struct sync		 s;
	struct store_sync_state	 ss;
	struct store_sync_stats	 stats;
	json_t			*page = NULL;
	const char		*url, *pin_arg = NULL, *ca = NULL, *e, *v;
	char			*pin = NULL, *cause = NULL;
	int64_t			 since, last, started = mono_us();
	int			 quiet = 0, ret, limit = SYNC_PAGE_DEFAULT;
	int			 kill_after = 0, restarted = 0, more;
	int64_t			 next;
	struct prefetch		 pf;
	struct cli_opt		 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_STR("pin", 0, &pin_arg),
		CLI_OPT_STR("ca", 0, &ca),
		CLI_OPT_FLAG("quiet", 'q', &quiet),
		CLI_OPT_END
	};

	memset(&s, 0, sizeof s);
	memset(&pf, 0, sizeof pf);
	memset(&ss, 0, sizeof ss);
	memset(&stats, 0, sizeof stats);
	buf_init(&s.body);
	if ((ret = cli_parse("sync", argc, argv, opts, sync_usage)) != -1)
		return ret;
	if ((url = cli_operand("sync", argc, argv, "which server (URL)?")) ==
	    NULL)
		return 2;
	if (pin_arg != NULL && (pin = sync_pins(pin_arg)) == NULL) {
		cli_usage_error("sync", "--pin wants sha256//BASE64 (44 "
		    "characters) or 64 hex digits, or several separated by "
		    "';', not '%s'", pin_arg);
		return 2;
	}
	if (ca != NULL && access(ca, R_OK) == -1) {
		fprintf(stderr, "savoir: sync: cannot read the CA file %s: "
		    "%s\n", ca, strerror(errno));
		return 2;
	}
	/* Test knobs: changes a page, and a kill after so many pages. */
	if ((e = getenv("SAVOIR_SYNC_PAGE")) != NULL)
		limit = atoi(e) >= 1 && atoi(e) <= 1000 ? atoi(e) : limit;
	if ((e = getenv("SAVOIR_SYNC_KILL_AFTER")) != NULL)
		kill_after = atoi(e);
	ret = 1;
	if (sync_url(&s, url) == -1) {
		ret = 2;
		goto out;
	}
	html_sanitize_init();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "savoir: sync: cannot start libcurl\n");
		goto out;
	}
	if (sync_curl(&s, pin, ca) == -1)
		goto out;
	/* A new index is made only once the origin has answered. */
	since = 0;
	if (access(cli.db, F_OK) == -1 &&
	    (page = sync_page(&s, since, limit)) == NULL)
		goto out;
	if ((st = cli_open(STORE_CREATE)) == NULL)
		goto out;
	if (store_sync_state(st, s.origin, &ss, &cause) == -1) {
		cli_cause(cause);
		goto out;
	}
	if (page == NULL) {
		since = ss.seq;
		page = sync_page(&s, since, limit);
	}
	for (;;) {
		if (page == NULL)
			goto out;
		v = json_string_value(json_object_get(page, "epoch"));
		last = json_integer_value(json_object_get(page, "last"));
		if (since != 0 && v != NULL && ss.epoch != NULL &&
		    (strcmp(v, ss.epoch) != 0 || last < since) &&
		    !restarted) {
			/* Its index was built again, or its feed went back
			 * (an older copy imported there): a full pass. */
			log_info("%s: its index changed: syncing it whole",
			    s.origin);
			restarted = 1;
			since = 0;
			json_decref(page);
			page = sync_page(&s, since, limit);
			continue;
		}
		more = json_is_true(json_object_get(page, "more"));
		next = json_integer_value(json_object_get(page, "next"));
		/* The page that follows if this one applies (it then leaves
		 * the state at next). */
		if (more && next > since)
			sync_prefetch_start(&pf, &s, next, limit);
		if (store_sync_apply(st, s.origin, s.label, page, &stats,
		    &cause) == -1) {
			cli_cause(cause);
			goto out;
		}
		if (kill_after > 0 && stats.pages >= kill_after)
			raise(SIGKILL);
		store_sync_state_clear(&ss);
		if (store_sync_state(st, s.origin, &ss, &cause) == -1) {
			cli_cause(cause);
			goto out;
		}
		if (!more)
			break;
		if (ss.seq <= since || ss.seq != next) {
			/* "more" without a change: it would never end. */
			fprintf(stderr, "savoir: sync: %s: the server says there "
			    "is more after change %lld but sends none\n",
			    s.origin, (long long)since);
			goto out;
		}
		since = ss.seq;
		json_decref(page);
		page = sync_prefetch_join(&pf);
	}
	if ((stats.puts > 0 || stats.dels > 0) &&
	    store_sync_finish(st, stats.puts + stats.dels, &cause) == -1) {
		cli_cause(cause);
		goto out;
	}
	if (!quiet)
		printf("savoir sync: %s: %lld pages, %lld puts, %lld "
		    "deletions, %lld skipped (local), %lld unchanged, "
		    "%.2f s\n", s.origin, (long long)stats.pages,
		    (long long)stats.puts, (long long)stats.dels,
		    (long long)stats.skipped, (long long)stats.unchanged,
		    (double)(mono_us() - started) / 1e6);
	ret = 0;
out:
	if (pf.running)
		json_decref(sync_prefetch_join(&pf));
	json_decref(page);
	store_sync_state_clear(&ss);
	store_close(st);
	if (s.curl != NULL)
		curl_easy_cleanup(s.curl);
	buf_free(&s.body);
	free(s.origin);
	free(s.label);
	free(pin);
	return ret;
}
