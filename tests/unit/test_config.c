/*
 * test_config.c - savoir.conf as config.c reads it: the embedded defaults,
 * every key of every section, and each kind of bad file refused with the
 * file, the line and the reason an administrator needs to fix it.
 */
#include "config.h"

#include <fcntl.h>

#include "testutil.h"

#include "savoird.h"

struct fixture {
	char	*dir;
	char	 path[PATH_MAX];	/* dir/savoir.conf */
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	f->dir = t_mkdtemp();
	snprintf(f->path, sizeof f->path, "%s/savoir.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	t_rmdtemp(f->dir);
	free(f);
	return 0;
}

/* Load text as a config file; returns config_load's result. */
static int
load(struct fixture *f, const char *text, struct config *c, char **cause)
{
	*cause = NULL;
	t_writes(f->dir, "savoir.conf", text);
	return config_load(f->path, c, cause);
}

/* Load text into c: it must be accepted, without a message. */
static void
load_ok(struct fixture *f, const char *text, struct config *c)
{
	char	*cause;

	if (load(f, text, c, &cause) != 0 || cause != NULL)
		fail_msg("refused: %s\n%s", cause != NULL ? cause :
		    "(no reason)", text);
}

/* "[server]\nkey = value\n" loads, with want as the int at off. */
static void
load_server_int(struct fixture *f, const char *key, const char *value,
    size_t off, int want)
{
	struct config	 c;
	char		*text;

	if (asprintf(&text, "[server]\n%s = %s\n", key, value) == -1)
		abort();
	load_ok(f, text, &c);
	assert_int_equal(*(const int *)((const char *)&c + off), want);
	config_free(&c);
	free(text);
}

/* Load text: it must give these numbers (the rest is not looked at). */
static void
load_numbers(struct fixture *f, const char *text, int page_size,
    int budget_ms, int workers)
{
	struct config	 c;

	load_ok(f, text, &c);
	assert_int_equal(c.page_size, page_size);
	assert_int_equal(c.budget_ms, budget_ms);
	assert_int_equal(c.workers, workers);
	config_free(&c);
}

/* Addresses as "host/port,host/port". */
static void
addrs_add(struct buf *b, const struct listen_addr *a, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s/%s", i > 0 ? "," : "", a[i].host,
		    a[i].port);
}

/*
 * The whole of a loaded configuration but its path and www, one line per
 * section, so that a test states what it expects in one place and a
 * failure shows every field.
 */
static void
assert_conf(const struct config *c, const char *want)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "server: listen=");
	addrs_add(&b, c->listen, c->nlisten);
	buf_adds(&b, " http=");
	addrs_add(&b, c->http_listen, c->nhttp_listen);
	buf_adds(&b, " redirect=");
	addrs_add(&b, c->redirect_listen, c->nredirect_listen);
	buf_printf(&b, " workers=%d user=%s state_dir=%s db=%s syslog=%d "
	    "level=%s queries=%d url=%s\n", c->workers, c->user, c->state_dir,
	    c->db, c->use_syslog, c->log_level == SAVOIR_LOG_DEBUG ? "debug" :
	    c->log_level == SAVOIR_LOG_INFO ? "info" : "other", c->log_queries,
	    c->public_url);
	buf_printf(&b, "tls: cert=%s key=%s handshake_ms=%d hsts=%d\n",
	    c->cert, c->key, c->handshake_ms, c->hsts_max_age);
	buf_printf(&b, "limits: header=%d uri=%d body=%d request=%d idle=%d "
	    "connections=%d\n", c->max_header, c->max_uri, c->max_body,
	    c->request_timeout, c->idle_timeout, c->max_connections);
	buf_printf(&b, "search: budget_ms=%d page_size=%d\n", c->budget_ms,
	    c->page_size);
	buf_printf(&b, "access: users=%s realm=%s failures=%d\n", c->users,
	    c->realm, c->auth_failures);
	buf_addc(&b, '\0');
	if (strcmp(b.data, want) != 0)
		fail_msg("configuration\n%swanted\n%s", b.data, want);
	buf_free(&b);
}

static void
t_defaults(void **state)
{
	struct config	 c;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(config_load(NULL, &c, &cause), 0);
	assert_null(cause);
	assert_null(c.path);
	assert_non_null(strstr(c.www, "www"));
	/*
	 * HTTPS on loopback only, nothing in clear; no certificate
	 * configured: a self-signed one; open to everyone unless a users
	 * file is set.
	 */
	assert_conf(&c,
	    "server: listen=127.0.0.1/8443 http= redirect= workers=0 "
	    "user=savoir state_dir=. db=savoir.db syslog=0 level=info "
	    "queries=1 url=\n"
	    "tls: cert= key= handshake_ms=10000 hsts=31536000\n"
	    "limits: header=8192 uri=4096 body=65536 request=20 idle=60 "
	    "connections=1024\n"
	    "search: budget_ms=2000 page_size=10\n"
	    "access: users= realm=Savoir failures=10\n");
	config_free(&c);
}

/* An empty file is the defaults, and remembers its path. */
static void
t_empty_file(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;

	load_ok(f, "; nothing here\n\n# nor here\n", &c);
	assert_string_equal(c.path, f->path);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].port, "8443");
	assert_int_equal(c.page_size, 10);
	config_free(&c);
	/* config_free leaves nothing behind and takes NULL. */
	assert_null(c.path);
	assert_int_equal(c.nlisten, 0);
	config_free(NULL);
}

static void
t_every_key(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;

	load_ok(f,
	    "# every key of savoir.conf(5)\n"
	    "[server]\n"
	    "listen = 127.0.0.1:9443, [::1]:9444\n"
	    "http_listen = :8080\n"
	    "redirect_listen = 0.0.0.0:8081\n"
	    "workers = 3\n"
	    "user = www-savoir\n"
	    "state_dir = /var/lib/savoir\n"
	    "db = /srv/savoir/kb.db\n"
	    "www = /usr/share/savoir/www\n"
	    "public_url = https://savoir.example.fr\n"
	    "log = syslog\n"
	    "log_level = debug\n"
	    "log_queries = no\n"
	    "\n"
	    "[tls]\n"
	    "cert = /etc/ssl/savoir.crt\n"
	    "key = /etc/ssl/private/savoir.key\n"
	    "handshake_timeout = 5\n"
	    "hsts_max_age = 0\n"
	    "\n"
	    "[limits]\n"
	    "max_header_size = 16384\n"
	    "max_uri = 2048\n"
	    "max_body = 0\n"
	    "request_timeout = 7\n"
	    "idle_timeout = 30\n"
	    "max_connections = 500\n"
	    "\n"
	    "[search]\n"
	    "budget_ms = 500\n"
	    "page_size = 20\n"
	    "\n"
	    "[access]\n"
	    "users = /etc/savoir/users\n"
	    "realm = Base de connaissances de la région\n"
	    "max_failures = 5\n", &c);
	assert_string_equal(c.www, "/usr/share/savoir/www");
	/* ":port" means every IPv4 address. */
	assert_conf(&c,
	    "server: listen=127.0.0.1/9443,::1/9444 http=0.0.0.0/8080 "
	    "redirect=0.0.0.0/8081 workers=3 user=www-savoir "
	    "state_dir=/var/lib/savoir db=/srv/savoir/kb.db syslog=1 "
	    "level=debug queries=0 url=https://savoir.example.fr\n"
	    "tls: cert=/etc/ssl/savoir.crt key=/etc/ssl/private/savoir.key "
	    "handshake_ms=5000 hsts=0\n"
	    "limits: header=16384 uri=2048 body=0 request=7 idle=30 "
	    "connections=500\n"
	    "search: budget_ms=500 page_size=20\n"
	    "access: users=/etc/savoir/users "
	    "realm=Base de connaissances de la région failures=5\n");
	config_free(&c);
}

/*
 * Every spelling of yes and no, any case; the other log values; limits,
 * repeated keys and sections, inline comments.
 */
static void
t_values(void **state)
{
	static const struct {
		const char	*text;
		int		 value;
	} bools[] = {
		{ "yes", 1 }, { "YES", 1 }, { "true", 1 }, { "On", 1 },
		{ "1", 1 }, { "no", 0 }, { "False", 0 }, { "off", 0 },
		{ "0", 0 },
	};
	static const struct {
		const char	*text;
		int		 level;
	} levels[] = {
		{ "debug", SAVOIR_LOG_DEBUG }, { "info", SAVOIR_LOG_INFO },
		{ "warn", SAVOIR_LOG_WARN }, { "error", SAVOIR_LOG_ERROR },
	};
	struct fixture	*f = *state;
	struct config	 c;
	size_t		 i;

	for (i = 0; i < nitems(bools); i++)
		load_server_int(f, "log_queries", bools[i].text,
		    offsetof(struct config, log_queries), bools[i].value);
	for (i = 0; i < nitems(levels); i++)
		load_server_int(f, "log_level", levels[i].text,
		    offsetof(struct config, log_level), levels[i].level);
	load_ok(f, "[server]\nlog = stderr\n", &c);
	assert_int_equal(c.use_syslog, 0);
	config_free(&c);

	/* Limits are inclusive. */
	load_numbers(f, "[search]\npage_size = 100\nbudget_ms = 10\n"
	    "[server]\nworkers = 64\n", 100, 10, 64);

	/* An IPv6 address between brackets. */
	load_ok(f, "[server]\nlisten = [::]:443\n", &c);
	assert_string_equal(c.listen[0].host, "::");
	assert_string_equal(c.listen[0].port, "443");
	config_free(&c);

	/* A key given twice: the last one wins, addresses are not added
	 * up. */
	load_ok(f, "[server]\nlisten = 127.0.0.1:1, "
	    "127.0.0.1:2\nlisten = 127.0.0.1:3\n", &c);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].port, "3");
	config_free(&c);

	/* Only plain HTTP, e.g. behind a reverse proxy. */
	load_ok(f, "[server]\nlisten =\nhttp_listen = "
	    "127.0.0.1:8080\n", &c);
	assert_int_equal(c.nlisten, 0);
	assert_int_equal(c.nhttp_listen, 1);
	config_free(&c);

	/* Sections may come back, in any order. */
	load_numbers(f, "[search]\npage_size = 5\n[server]\n"
	    "workers = 2\n[search]\nbudget_ms = 100\n", 5, 100, 2);

	/* A line's value may be followed by a ; comment. */
	load_ok(f, "[server]\nworkers = 2 ; two threads\n", &c);
	assert_int_equal(c.workers, 2);
	config_free(&c);
}

static const struct bad {
	const char	*what;
	const char	*text;
	const char	*want;		/* in the message */
} bad_files[] = {
	{ "unknown key", "[server]\nlisten = 127.0.0.1:1\nlisten_on = x\n",
	    "line 3: unknown key 'listen_on' in [server]" },
	{ "key of another section", "[tls]\n\nworkers = 2\n",
	    "line 3: unknown key 'workers' in [tls]" },
	{ "unknown section", "[server]\nworkers = 1\n\n[serveur]\nworkers = 1\n",
	    "line 5: unknown section [serveur]" },
	{ "key before any section", "workers = 2\n",
	    "line 1: unknown section []" },
	{ "not a number", "[server]\nworkers = lots\n",
	    "line 2: workers: 'lots' is not a whole number from 0 to 64" },
	{ "number too large", "\n[server]\nworkers = 65\n",
	    "line 3: workers: '65' is not a whole number from 0 to 64" },
	{ "negative number", "[search]\nbudget_ms = -5\n",
	    "line 2: budget_ms: '-5' is not a whole number from 10 to 60000" },
	{ "number with a unit", "[limits]\nrequest_timeout = 20s\n",
	    "line 2: request_timeout: '20s' is not a whole number" },
	{ "page size zero", "[search]\npage_size = 0\n",
	    "line 2: page_size: '0' is not a whole number from 1 to 100" },
	{ "empty number", "[limits]\nmax_uri =\n",
	    "line 2: max_uri: '' is not a whole number" },
	{ "port too large", "[server]\nlisten = 127.0.0.1:99999\n",
	    "line 2: listen: '99999' is not a port number" },
	{ "port not a number", "[server]\nhttp_listen = 127.0.0.1:http\n",
	    "line 2: http_listen: 'http' is not a port number" },
	{ "address without port", "[server]\nlisten = localhost\n",
	    "line 2: listen: 'localhost' is not host:port" },
	{ "IPv6 without port", "[server]\nredirect_listen = [::1]\n",
	    "line 2: redirect_listen: '[::1]' is not [address]:port" },
	{ "second address bad", "[server]\nlisten = 127.0.0.1:443 :x\n",
	    "line 2: listen: 'x' is not a port number" },
	{ "IPv6 without brackets", "[server]\nlisten = ::1\n",
	    "line 2: listen: '::1' is not" },
	{ "too many addresses", "[server]\nlisten = :1 :2 :3 :4 :5 :6 :7 :8 "
	    ":9\n", "line 2: listen: at most 8 addresses" },
	{ "bad bool", "[server]\nlog_queries = maybe\n",
	    "line 2: log_queries: 'maybe' is not yes or no" },
	{ "bad log", "[server]\nlog = /var/log/savoir.log\n",
	    "line 2: log: '/var/log/savoir.log' is not stderr or syslog" },
	{ "bad log level", "[server]\nlog_level = verbose\n",
	    "line 2: log_level: 'verbose' is not debug, info, warn or error" },
	{ "handshake timeout zero", "[tls]\nhandshake_timeout = 0\n",
	    "line 2: handshake_timeout: '0' is not a whole number from 1 "
	    "to 300" },
	{ "max_failures zero", "[access]\nmax_failures = 0\n",
	    "line 2: max_failures: '0' is not a whole number from 1" },
	{ "not key = value", "[server]\nworkers 2\n",
	    "line 2: not a 'key = value' line or a [section]" },
	{ "unclosed section", "[server]\nworkers = 2\n[tls\n",
	    "line 3: not a 'key = value' line or a [section]" },
	{ "first error wins", "[server]\nworkers = x\nnope = 1\n",
	    "line 2: workers" },
	{ "cert without key", "[tls]\ncert = /etc/ssl/savoir.crt\n",
	    "[tls] cert and key go together" },
	{ "key without cert", "[tls]\nkey = /etc/ssl/savoir.key\n",
	    "[tls] cert and key go together" },
	{ "nothing to listen on", "[server]\nlisten =\n",
	    "nothing to listen on" },
	{ "watch a missing folder", "[index]\nwatch = /nonexistent/corpus\n",
	    "line 2: watch: /nonexistent/corpus: No such file or directory" },
	{ "watch a file", "[index]\nwatch = /dev/null\n",
	    "line 2: watch: /dev/null is not a folder" },
	{ "watch nothing", "[index]\nwatch =\n",
	    "line 2: watch: which folders?" },
	{ "unknown key in [index]", "[index]\nfolders = /tmp\n",
	    "line 2: unknown key 'folders' in [index]" },
	{ "sync over plain http", "[sync]\nurl = http://savoir.example.fr/\n",
	    "line 2: url: 'http://savoir.example.fr/': plain http only to "
	    "this machine" },
	{ "sync to a look-alike of localhost",
	    "[sync]\nurl = http://localhost.example.fr/\n",
	    "plain http only to this machine" },
	{ "sync without a scheme", "[sync]\nurl = savoir.example.fr\n",
	    "line 2: url: 'savoir.example.fr' is not an https:// address" },
	{ "sync without a host", "[sync]\nurl = https:///kb\n",
	    "line 2: url: 'https:///kb' has no host" },
	{ "sync url with a space", "[sync]\nurl = https://a b/\n",
	    "line 2: url: spaces or control characters" },
	{ "sync interval too short", "[sync]\nurl = https://a/\ninterval = 9\n",
	    "line 3: interval: '9' is not a whole number from 10 to 604800" },
	{ "sync interval not a number", "[sync]\ninterval = 5m\n",
	    "line 2: interval: '5m' is not a whole number" },
	{ "sync ca missing", "[sync]\nurl = https://a/\nca = /nonexistent.pem\n",
	    "line 3: ca: /nonexistent.pem: No such file or directory" },
	{ "sync pin with a space", "[sync]\npin = a b\n",
	    "line 2: pin: 'a b' is not a certificate fingerprint" },
	{ "sync pin without url", "[sync]\npin = sha256/abc\n",
	    "[sync] pin and ca need a url" },
	{ "unknown key in [sync]", "[sync]\nevery = 60\n",
	    "line 2: unknown key 'every' in [sync]" },
};

static void
t_bad_files(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;
	char		*cause;
	size_t		 i, n;
	int		 failed = 0;

	/* Every case is tried and reported before the test fails. */
	for (i = 0; i < nitems(bad_files); i++) {
		memset(&c, 0xa5, sizeof c);
		if (load(f, bad_files[i].text, &c, &cause) != -1) {
			print_error("%s: accepted\n", bad_files[i].what);
			config_free(&c);
			failed++;
			continue;
		}
		if (cause == NULL) {
			print_error("%s: refused without a reason\n",
			    bad_files[i].what);
			failed++;
			continue;
		}
		/* "FILE: line N: reason", the file first. */
		n = strlen(f->path);
		if (strncmp(cause, f->path, n) != 0 || cause[n] != ':') {
			print_error("%s: message does not start with the "
			    "file: %s\n", bad_files[i].what, cause);
			failed++;
		} else if (strstr(cause, bad_files[i].want) == NULL) {
			print_error("%s: wanted \"%s\" in \"%s\"\n",
			    bad_files[i].what, bad_files[i].want, cause);
			failed++;
		}
		/* A refused file leaves nothing allocated behind. */
		assert_null(c.path);
		assert_int_equal(c.nlisten, 0);
		free(cause);
	}
	assert_int_equal(failed, 0);
}

/* [index] and [sync]: the side process's jobs; none by default. */
static void
t_side(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;
	char		*text;

	load_ok(f, "", &c);
	assert_int_equal(c.nwatch, 0);
	assert_string_equal(c.sync_url, "");
	assert_string_equal(c.sync_pin, "");
	assert_string_equal(c.sync_ca, "");
	assert_int_equal(c.sync_interval, 300);
	config_free(&c);

	if (asprintf(&text, "[index]\nwatch = %s  /tmp\n[sync]\n"
	    "url = https://savoir.example.fr:8443/\npin = sha256/AbC=\n"
	    "ca = %s\ninterval = 10\n", f->dir, f->path) == -1)
		abort();
	load_ok(f, text, &c);
	assert_int_equal(c.nwatch, 2);
	assert_string_equal(c.watch[0], f->dir);
	assert_string_equal(c.watch[1], "/tmp");
	assert_string_equal(c.sync_url, "https://savoir.example.fr:8443/");
	assert_string_equal(c.sync_pin, "sha256/AbC=");
	assert_string_equal(c.sync_ca, f->path);
	assert_int_equal(c.sync_interval, 10);
	config_free(&c);
	assert_int_equal(c.nwatch, 0);
	free(text);

	/* Plain http to this machine only; the last watch line wins. */
	load_ok(f, "[sync]\nurl = http://127.0.0.1:8080/\ninterval = "
	    "604800\n[index]\nwatch = /tmp\nwatch = /\n", &c);
	assert_string_equal(c.sync_url, "http://127.0.0.1:8080/");
	assert_int_equal(c.sync_interval, 604800);
	assert_int_equal(c.nwatch, 1);
	assert_string_equal(c.watch[0], "/");
	config_free(&c);
	load_ok(f, "[sync]\nurl = http://[::1]/kb\n", &c);
	config_free(&c);
	load_ok(f, "[sync]\nurl = http://localhost\n", &c);
	config_free(&c);
}

static void
t_unreadable(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;
	char		*cause = NULL, *path;

	if (asprintf(&path, "%s/absent.conf", f->dir) == -1)
		abort();
	assert_int_equal(config_load(path, &c, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "cannot read"));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	free(path);
}

/*
 * Load text with stderr (where log lines go) sent to a file; returns
 * config_load's result and what was logged in *logged (caller frees).
 */
static int
load_logged(struct fixture *f, const char *text, struct config *c,
    char **cause, char **logged)
{
	char	 path[PATH_MAX];
	FILE	*fp;
	long	 len;
	int	 fd, saved, rc;

	snprintf(path, sizeof path, "%s/stderr", f->dir);
	fflush(stderr);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		abort();
	close(fd);
	rc = load(f, text, c, cause);
	fflush(stderr);
	if (dup2(saved, STDERR_FILENO) == -1)
		abort();
	close(saved);
	if ((fp = fopen(path, "r")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    (*logged = calloc(1, len + 1)) == NULL ||
	    fread(*logged, 1, len, fp) != (size_t)len)
		abort();
	fclose(fp);
	return rc;
}

/*
 * [search] synonyms: a missing file is a warning, or nothing at all when
 * the path starts with '-' (the packaged configuration names the file of
 * savoir-corpus, which may not be installed); a bad file is refused
 * either way.
 */
static void
t_synonyms(void **state)
{
	struct fixture	*f = *state;
	struct config	 c;
	char		*cause, *logged, *text;

	log_set_level(SAVOIR_LOG_INFO);
	if (asprintf(&text, "[search]\nsynonyms = %s/absent.txt\n",
	    f->dir) == -1)
		abort();
	assert_int_equal(load_logged(f, text, &c, &cause, &logged), 0);
	assert_null(c.synonyms);
	assert_non_null(strstr(logged, "absent.txt does not exist"));
	config_free(&c);
	free(logged);
	free(text);

	if (asprintf(&text, "[search]\nsynonyms = -%s/absent.txt\n",
	    f->dir) == -1)
		abort();
	assert_int_equal(load_logged(f, text, &c, &cause, &logged), 0);
	assert_null(c.synonyms);
	assert_string_equal(logged, "");
	config_free(&c);
	free(logged);
	free(text);

	t_writes(f->dir, "syn.txt", "AECT, action ext\xc3\xa9rieure\n");
	if (asprintf(&text, "[search]\nsynonyms = -%s/syn.txt\n",
	    f->dir) == -1)
		abort();
	assert_int_equal(load_logged(f, text, &c, &cause, &logged), 0);
	assert_non_null(c.synonyms);
	assert_int_equal(synonyms_count(c.synonyms), 1);
	assert_string_equal(logged, "");
	config_free(&c);
	free(logged);

	t_writes(f->dir, "syn.txt", "AECT\n");
	assert_int_equal(load_logged(f, text, &c, &cause, &logged), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "[search] synonyms: "));
	assert_non_null(strstr(cause, "syn.txt: line 1"));
	free(cause);
	free(logged);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_defaults),
		cmocka_unit_test_setup_teardown(t_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(t_every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(t_values, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(t_side, setup, teardown),
		cmocka_unit_test_setup_teardown(t_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(t_synonyms, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
