/*
 * static.c - the files under <www>/static: CSS, scripts, icons, fonts and
 * the service worker (which http.c also maps to the site's root).
 *
 * Only regular files below that directory are ever served.  A name is
 * checked before it touches the file system (no "..", no empty, hidden or
 * control-character components, no backslash), then opened one component
 * at a time with O_NOFOLLOW, so no symbolic link is followed below static/
 * - not even one that stays inside, which keeps the rule simple to check.
 * Only the extensions in static_types are served.
 *
 * Each worker thread keeps a small cache of the files it served, with
 * their gzip form, checked against the file's inode, size and mtime on
 * every request; it is the thread's own, so it takes no lock.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


#include "savoird.h"

#define STATIC_MAX_FILE		(16 * 1024 * 1024)
#define STATIC_MAX_CACHED	(1024 * 1024)	/* larger: read each time */
#define STATIC_CACHE_BYTES	(16 * 1024 * 1024)
#define STATIC_CACHE_ENTRIES	64
#define STATIC_MAX_DEPTH	8
#define STATIC_GZIP_MIN		256		/* smaller: not worth it */

static const struct {
	const char	*ext;
	const char	*type;
	int		 gzip;
} static_types[] = {
	{ "html", "text/html; charset=utf-8", 1 },
	{ "css", "text/css; charset=utf-8", 1 },
	{ "js", "text/javascript; charset=utf-8", 1 },
	{ "mjs", "text/javascript; charset=utf-8", 1 },
	{ "json", "application/json; charset=utf-8", 1 },
	{ "webmanifest", "application/manifest+json; charset=utf-8", 1 },
	{ "svg", "image/svg+xml", 1 },
	{ "png", "image/png", 0 },
	{ "ico", "image/x-icon", 1 },
	{ "woff2", "font/woff2", 0 },
	{ "txt", "text/plain; charset=utf-8", 1 },
	{ "xml", "application/xml; charset=utf-8", 1 },
};

struct static_file {
	char		*rel;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	char		*data;
	size_t		 len;
	char		*gz;		/* NULL: not compressed */
	size_t		 gzlen;
	char		 etag[80];
	char		 etag_gz[84];
	char		 modified[40];	/* Last-Modified */
	uint64_t	 used;		/* LRU tick */
};

struct static_cache {
	struct static_file	 f[STATIC_CACHE_ENTRIES];
	size_t			 n;
	size_t			 bytes;
	uint64_t		 tick;
};

static pthread_key_t	static_key;
static pthread_once_t	static_once = PTHREAD_ONCE_INIT;

static void
static_file_clear(struct static_file *f)
{
	free(f->rel);
	free(f->data);
	free(f->gz);
	memset(f, 0, sizeof *f);
}

static void
static_cache_free(void *arg)
{
	struct static_cache	*c = arg;
	size_t			 i;

	for (i = 0; i < c->n; i++)
		static_file_clear(&c->f[i]);
	free(c);
}

static void
static_key_init(void)
{
	if (pthread_key_create(&static_key, static_cache_free) != 0)
		fatalx("static: pthread_key_create failed");
}

static struct static_cache *
static_cache(void)
{
	struct static_cache	*c;

	pthread_once(&static_once, static_key_init);
	if ((c = pthread_getspecific(static_key)) == NULL) {
		c = xcalloc(1, sizeof *c);
		if (pthread_setspecific(static_key, c) != 0)
			fatalx("static: pthread_setspecific failed");
	}
	return c;
}

/*
 * 0 if rel may name a file, 400 if it is malformed or tries to climb, 404
 * if it names something never served (hidden file, directory).
 */
static int
static_check_name(const char *rel)
{
	const char	*p, *comp;
	size_t		 len;
	int		 depth = 0;

	if (*rel == '\0')
		return 404;
	for (p = rel; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 400;
	for (comp = rel; ; comp = p + 1) {
		p = strchr(comp, '/');
		len = p != NULL ? (size_t)(p - comp) : strlen(comp);
		if (len == 0)
			return p == NULL ? 404 : 400;	/* "a/" or "a//b" */
		if ((len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return 400;
		if (comp[0] == '.')
			return 404;
		if (++depth > STATIC_MAX_DEPTH || len > 255)
			return 404;
		if (p == NULL)
			return 0;
	}
}

/*
 * Open rel below root without following any symbolic link; -1 with errno
 * on failure (ELOOP for a link).
 */
static int
static_open(const char *root, const char *rel)
{
	char	 comp[256];
	const char *p;
	size_t	 len;
	int	 fd, next;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		p = strchr(rel, '/');
		len = p != NULL ? (size_t)(p - rel) : strlen(rel);
		memcpy(comp, rel, len);
		comp[len] = '\0';
		/* O_NONBLOCK: opening a FIFO must not stall the worker. */
		next = openat(fd, comp, p != NULL ?
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC :
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		close(fd);
		if (next == -1)
			return -1;
		fd = next;
		if (p == NULL)
			return fd;
		rel = p + 1;
	}
}

static int
static_read(int fd, size_t len, char **out)
{
	char	*data;
	size_t	 off = 0;
	ssize_t	 n;

	data = xmalloc(len + 1);
	while (off < len) {
		n = pread(fd, data + off, len - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(data);
			return -1;
		}
		off += (size_t)n;
	}
	data[len] = '\0';
	*out = data;
	return 0;
}

/* gzip data; NULL if that does not make it smaller. */
static char *
static_gzip(const char *data, size_t len, size_t *outlen)
{
	unsigned char	*out;

	if ((out = gzip_mem(data, len, outlen)) != NULL && *outlen >= len) {
		free(out);
		out = NULL;
	}
	return (char *)out;
}

/* Fill f from the open file. */
static int
static_load(struct static_file *f, const char *rel, int fd,
    const struct stat *sb, int gzip)
{
	struct tm	 tm;
	time_t		 t;

	memset(f, 0, sizeof *f);
	if (static_read(fd, (size_t)sb->st_size, &f->data) == -1)
		return -1;
	f->rel = xstrdup(rel);
	f->dev = sb->st_dev;
	f->ino = sb->st_ino;
	f->size = sb->st_size;
	f->mtime = sb->st_mtim;
	f->len = (size_t)sb->st_size;
	if (gzip && f->len >= STATIC_GZIP_MIN)
		f->gz = static_gzip(f->data, f->len, &f->gzlen);
	snprintf(f->etag, sizeof f->etag, "\"%llx-%llx-%llx\"",
	    (unsigned long long)sb->st_ino, (unsigned long long)sb->st_size,
	    (unsigned long long)sb->st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)sb->st_mtim.tv_nsec);
	/* Another representation, another strong validator. */
	snprintf(f->etag_gz, sizeof f->etag_gz, "%.*s-gz\"",
	    (int)strlen(f->etag) - 1, f->etag);
	t = sb->st_mtim.tv_sec;
	gmtime_r(&t, &tm);
	strftime(f->modified, sizeof f->modified, "%a, %d %b %Y %H:%M:%S GMT",
	    &tm);
	return 0;
}

static int
static_same(const struct static_file *f, const struct stat *sb)
{
	return f->dev == sb->st_dev && f->ino == sb->st_ino &&
	    f->size == sb->st_size && f->mtime.tv_sec == sb->st_mtim.tv_sec &&
	    f->mtime.tv_nsec == sb->st_mtim.tv_nsec;
}

/*
 * The cached file for rel, loaded or reloaded as needed; NULL on a read
 * error.  *tmp is set when the file is too large to keep: the caller
 * clears and frees it after use.
 */
static struct static_file *
static_get(const char *rel, int fd, const struct stat *sb, int gzip,
    struct static_file **tmp)
{
	struct static_cache	*c = static_cache();
	struct static_file	*f, fresh;
	size_t			 i, victim;

	*tmp = NULL;
	for (i = 0; i < c->n; i++) {
		f = &c->f[i];
		if (strcmp(f->rel, rel) != 0)
			continue;
		if (static_same(f, sb)) {
			f->used = ++c->tick;
			return f;
		}
		/* Changed on disk: drop the old copy. */
		c->bytes -= f->len + f->gzlen;
		static_file_clear(f);
		c->f[i] = c->f[--c->n];
		break;
	}
	if (static_load(&fresh, rel, fd, sb, gzip) == -1)
		return NULL;
	if (fresh.len > STATIC_MAX_CACHED) {
		*tmp = xmalloc(sizeof **tmp);
		**tmp = fresh;
		return *tmp;
	}
	while (c->n > 0 && (c->n == STATIC_CACHE_ENTRIES ||
	    c->bytes + fresh.len + fresh.gzlen > STATIC_CACHE_BYTES)) {
		victim = 0;
		for (i = 1; i < c->n; i++)
			if (c->f[i].used < c->f[victim].used)
				victim = i;
		c->bytes -= c->f[victim].len + c->f[victim].gzlen;
		static_file_clear(&c->f[victim]);
		c->f[victim] = c->f[--c->n];
	}
	f = &c->f[c->n++];
	*f = fresh;
	f->used = ++c->tick;
	c->bytes += f->len + f->gzlen;
	return f;
}

/* Does Accept-Encoding allow gzip (RFC 9110 12.5.3)? */
static int
static_accepts_gzip(const char *ae)
{
	char		*copy, *tok, *save = NULL, *semi, *q;
	int		 gzip = -1, star = -1, ok;

	if (ae == NULL)
		return 0;
	copy = xstrdup(ae);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		ok = 1;
		if ((semi = strchr(tok, ';')) != NULL) {
			*semi = '\0';
			if ((q = strstr(semi + 1, "q=")) != NULL)
				ok = strtod(q + 2, NULL) > 0;
		}
		tok[strcspn(tok, " \t")] = '\0';
		if (strcasecmp(tok, "gzip") == 0 ||
		    strcasecmp(tok, "x-gzip") == 0)
			gzip = ok;
		else if (strcmp(tok, "*") == 0)
			star = ok;
	}
	free(copy);
	return gzip != -1 ? gzip : star == 1;
}

/* Does If-None-Match list one of our validators (weak comparison)? */
static int
static_etag_match(const char *inm, const struct static_file *f)
{
	const char	*p = inm;
	size_t		 n;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return 0;
		n = strcspn(p + 1, "\"");
		if (p[1 + n] != '"')
			return 0;
		n += 2;
		if ((n == strlen(f->etag) && strncmp(p, f->etag, n) == 0) ||
		    (n == strlen(f->etag_gz) && strncmp(p, f->etag_gz, n) == 0))
			return 1;
		p += n;
	}
	return 0;
}

static int
static_not_modified_since(const char *ims, const struct static_file *f)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    *end != '\0')
		return 0;
	return f->mtime.tv_sec <= timegm(&tm);
}

void
static_serve(struct req *q, const char *rel)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(q->r);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(q->r);
	struct static_file	*f, *tmp = NULL;
	struct evbuffer		*b;
	struct stat		 sb;
	const char		*ext, *inm, *ims, *ctype = NULL;
	char			*root;
	size_t			 i;
	int			 fd, rc, gzip = 0, use_gz;

	if ((rc = static_check_name(rel)) != 0) {
		http_error(q, rc, rc == 400 ? "bad_path" : "not_found",
		    rc == 400 ? "Ce chemin de fichier n'est pas permis." :
		    "Ce fichier n'existe pas.");
		return;
	}
	ext = strrchr(rel, '.');
	for (i = 0; ext != NULL && i < sizeof static_types /
	    sizeof static_types[0]; i++) {
		if (strcmp(ext + 1, static_types[i].ext) == 0) {
			ctype = static_types[i].type;
			gzip = static_types[i].gzip;
			break;
		}
	}
	if (ctype == NULL || strchr(ext, '/') != NULL) {
		http_error(q, 404, "not_found", "Ce fichier n'existe pas.");
		return;
	}

	root = xsprintf("%s/static", q->w->server->conf->www);
	fd = static_open(root, rel);
	free(root);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd == -1 && errno != ENOENT && errno != ENOTDIR &&
		    errno != ELOOP)
			log_warn("static %s", rel);
		if (fd != -1)
			close(fd);
		http_error(q, 404, "not_found", "Ce fichier n'existe pas.");
		return;
	}
	if (sb.st_size > STATIC_MAX_FILE) {
		close(fd);
		log_warnx("static %s: larger than %d bytes, not served", rel,
		    STATIC_MAX_FILE);
		http_error(q, 404, "not_found", "Ce fichier n'existe pas.");
		return;
	}
	f = static_get(rel, fd, &sb, gzip, &tmp);
	close(fd);
	if (f == NULL) {
		log_warn("static %s: read", rel);
		http_error(q, 500, "internal", "Ce fichier n'a pas pu être "
		    "lu.");
		return;
	}

	use_gz = f->gz != NULL && static_accepts_gzip(evhttp_find_header(in,
	    "Accept-Encoding"));
	evhttp_add_header(out, "Cache-Control", strcmp(rel, "sw.js") == 0 ?
	    "no-cache" : "public, max-age=3600");
	evhttp_add_header(out, "ETag", use_gz ? f->etag_gz : f->etag);
	evhttp_add_header(out, "Last-Modified", f->modified);
	if (gzip)
		evhttp_add_header(out, "Vary", "Accept-Encoding");
	if ((inm = evhttp_find_header(in, "If-None-Match")) != NULL ?
	    static_etag_match(inm, f) :
	    (ims = evhttp_find_header(in, "If-Modified-Since")) != NULL &&
	    static_not_modified_since(ims, f)) {
		http_send(q, 304, NULL, NULL);
		goto out;
	}
	if ((b = evbuffer_new()) == NULL)
		fatalx("static_serve: out of memory");
	if (use_gz) {
		evhttp_add_header(out, "Content-Encoding", "gzip");
		evbuffer_add(b, f->gz, f->gzlen);
	} else
		evbuffer_add(b, f->data, f->len);
	http_send(q, 200, ctype, b);
	evbuffer_free(b);
out:
	if (tmp != NULL) {
		static_file_clear(tmp);
		free(tmp);
	}
}
