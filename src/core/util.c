/*
 * util.c - allocation that cannot fail, growable buffers, UTF-8 checks,
 * hashing, gzip, whole-file reads and atomic whole-file replacement.  Allocation
 * failure is fatal: the callers are a CLI and a daemon whose memory use is
 * bounded by their limits.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/sha256.h>
#include <zlib.h>

#include "savoir.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size)
		fatalx("allocation overflow (%zu x %zu)", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("vsnprintf failed");
	*ret = xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap);
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

char *
xsprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	return s;
}

void
strv_free(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
mem_room(char **s, size_t len, size_t *cap, size_t n)
{
	size_t	 c;
	char	*t;

	if (n < *cap && len < *cap - n)
		return 0;
	if (n > SIZE_MAX / 2 - len)
		return -1;
	c = *cap > 0 ? *cap : 64;
	while (c <= len + n)
		c *= 2;
	if ((t = realloc(*s, c)) == NULL)
		return -1;
	*s = t;
	*cap = c;
	return 0;
}

int
mem_append(char **s, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (mem_room(s, *len, cap, n) == -1)
		return -1;
	if (n != 0)
		memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
	return 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (mem_append(&b->data, &b->len, &b->cap, p, n) == -1)
		fatalx("out of memory (buffer of %zu + %zu bytes)", b->len, n);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	buf_add(b, s, (size_t)n);
	free(s);
}

char *
buf_steal(struct buf *b)
{
	char	*p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	buf_init(b);
	return p;
}

unsigned char *
gzip_mem(const void *data, size_t len, size_t *outlen)
{
	z_stream	 z;
	unsigned char	*out;
	uLong		 cap;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip header, which every browser takes. */
	if (len > UINT_MAX || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len) + 32;
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t	 cp;
	size_t		 len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int
utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < n) {
		if ((k = utf8_seq(p + i, n - i)) == 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

size_t
utf8_repair(const char *s, size_t n, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, fixed = 0;

	while (i < n) {
		if ((k = utf8_seq(p + i, n - i)) == 0) {
			buf_add(out, "\xEF\xBF\xBD", 3);
			fixed++;
			i++;
			continue;
		}
		if (k == 1 && (p[i] < 0x20 || p[i] == 0x7F) &&
		    p[i] != '\t' && p[i] != '\n') {
			if (p[i] != '\r')
				fixed++;
			i++;
			continue;
		}
		buf_add(out, p + i, k);
		i += k;
	}
	return fixed;
}

static void
sha256_out(const unsigned char md[32], char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	int			 i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	 md[32];

	mbedtls_sha256_ret(data, len, md, 0);
	sha256_out(md, out);
}

/* path opened for reading, a regular file, its status into *st: the
 * descriptor, or -1 with *cause. */
static int
file_open_regular(const char *path, struct stat *st, char **cause)
{
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		xasprintf(cause, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1)
		xasprintf(cause, "cannot stat: %s", strerror(errno));
	else if (!S_ISREG(st->st_mode))
		xasprintf(cause, "not a regular file");
	else
		return fd;
	close(fd);
	return -1;
}

/* read(2), again after a signal: what it read (0 at the end), or -1 with
 * *cause. */
static ssize_t
file_read_some(int fd, void *p, size_t n, char **cause)
{
	ssize_t	 got;

	while ((got = read(fd, p, n)) == -1 && errno == EINTR)
		;
	if (got == -1)
		xasprintf(cause, "read error: %s", strerror(errno));
	return got;
}

int
file_sha256(const char *path, size_t max, char out[65], size_t *len,
    char **cause)
{
	mbedtls_sha256_context	 ctx;
	struct stat		 st;
	unsigned char		 md[32], *chunk;
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd, ret = -1;

	*len = 0;
	if ((fd = file_open_regular(path, &st, cause)) == -1)
		return -1;
	chunk = xmalloc(1 << 20);
	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	while ((n = file_read_some(fd, chunk, 1 << 20, cause)) != 0) {
		if (n == -1)
			goto out;
		got += (size_t)n;
		if (got > max) {
			xasprintf(cause, "file too large (over %zu bytes)",
			    max);
			goto out;
		}
		mbedtls_sha256_update_ret(&ctx, chunk, (size_t)n);
	}
	mbedtls_sha256_finish_ret(&ctx, md);
	sha256_out(md, out);
	*len = got;
	ret = 0;
out:
	mbedtls_sha256_free(&ctx);
	free(chunk);
	close(fd);
	return ret;
}

int
file_read(const char *path, size_t max, char **data, size_t *len,
    char **cause)
{
	struct stat	 st;
	char		*p = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	*data = NULL;
	*len = 0;
	if ((fd = file_open_regular(path, &st, cause)) == -1)
		return -1;
	if ((uintmax_t)st.st_size > max) {
		xasprintf(cause, "file too large (%jd bytes, limit %zu)",
		    (intmax_t)st.st_size, max);
		goto fail;
	}
	p = xmalloc((size_t)st.st_size + 1);
	for (;;) {
		if (got == (size_t)st.st_size + 1) {
			xasprintf(cause, "file grew while being read");
			goto fail;
		}
		n = file_read_some(fd, p + got, (size_t)st.st_size + 1 - got,
		    cause);
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
fail:
	free(p);
	close(fd);
	return -1;
}

int
file_commit(int fd, const char *tmp, const char *path, const void *data,
    size_t len)
{
	const char	*p = data;
	char		*dir, *slash;
	size_t		 off = 0;
	ssize_t		 n;
	int		 dfd, saved;

	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	/* Make the rename itself durable. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (*dir == '\0')
			snprintf(dir, 2, "/");
	} else
		snprintf(dir, 2, ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
parse_int(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
