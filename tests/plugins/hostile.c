/*
 * hostile.c - test plugins that attack the host from the extractor child,
 * for tests/integration/jail.sh.  One source built five ways (Makefile.am):
 *
 *   -DHOSTILE_HTML   writes records straight onto the result pipe, past
 *                    the host's functions: HTML with <script>, on*
 *                    attributes, javascript: URLs and broken markup, text
 *                    with invalid UTF-8 and control characters; or, if
 *                    the input's first line says so, a record the parent
 *                    must refuse ("id", "type", "facet", "link", "len")
 *   -DHOSTILE_NET    opens a TCP socket and connects to 127.0.0.1
 *   -DHOSTILE_WRITE  creates the file named on the input's first line
 *   -DHOSTILE_EXEC   runs /bin/sh to create the file named on the first line
 *   -DHOSTILE_READ   reads the file named on the first line and indexes it
 *
 * Each says what it tried and how it failed through host->error, so the
 * test sees that the attempt was made and what stopped it.  The pipe's
 * framing is copied from extract.c on purpose: a hostile plugin knows it.
 */
/* Plugins are built like third-party code: no config.h. */
#define _POSIX_C_SOURCE 200809L

#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir/plugin.h"

#if defined(HOSTILE_HTML)
#define P_NAME	"hostile_html"
#define P_EXT	".hhtml"
#elif defined(HOSTILE_NET)
#define P_NAME	"hostile_net"
#define P_EXT	".hnet"
#elif defined(HOSTILE_WRITE)
#define P_NAME	"hostile_write"
#define P_EXT	".hwrite"
#elif defined(HOSTILE_EXEC)
#define P_NAME	"hostile_exec"
#define P_EXT	".hexec"
#elif defined(HOSTILE_READ)
#define P_NAME	"hostile_read"
#define P_EXT	".hread"
#else
#error "build with one of -DHOSTILE_HTML -DHOSTILE_NET -DHOSTILE_WRITE -DHOSTILE_EXEC -DHOSTILE_READ"
#endif

static const struct savoir_host	*host;

static const struct savoir_facet_decl facets[] = {
	{ "code", "Code", SAVOIR_FACET_KEYWORD },
	{ NULL, NULL, 0 }
};

static const struct savoir_type_decl types[] = {
	{ P_NAME, "Hostile", "Hostiles", facets },
	{ NULL, NULL, NULL, NULL }
};

static const char *const extensions[] = { P_EXT, NULL };

#ifdef HOSTILE_HTML
/* The result pipe: the highest write-only FIFO above stderr. */
static int
pipe_fd(void)
{
	struct stat	 st;
	int		 fd, fl;

	for (fd = 255; fd > 2; fd--) {
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
		    (fl = fcntl(fd, F_GETFL)) != -1 &&
		    (fl & O_ACCMODE) == O_WRONLY)
			return fd;
	}
	return -1;
}

/* One record as extract.c frames it: type, host-order length, payload. */
static void
rec(int fd, char type, const char *p, size_t len)
{
	unsigned char	 hdr[5];
	uint32_t	 len32 = (uint32_t)len;

	hdr[0] = (unsigned char)type;
	memcpy(hdr + 1, &len32, sizeof len32);
	(void)!write(fd, hdr, sizeof hdr);
	if (len > 0)
		(void)!write(fd, p, len);
}

static const char evil_html[] =
    "<p>Texte sain</p>"
    "<script>alert('script')</script>"
    "<img src=x onerror=alert('onerror')>"
    "<a href=\"javascript:alert('href')\">lien</a>"
    "<a href=\" JaVaScRiPt:alert('mixed')\">lien2</a>"
    "<p onclick=alert('onclick') style=\"background:url(javascript:x)\">"
    "<iframe src=\"javascript:alert('iframe')\"></iframe>"
    "<svg><script>alert('svg')</script></svg>"
    "<div <b>cassé \xff\x01</i></div"
    "<scr<script>ipt>alert('nested')</script>";

/* A facet key with a space and a non-ASCII letter, then its value. */
static const char bad_facet[] = "Mot cl\xc3\xa9\0valeur";

/* Column byte, then text with a bad UTF-8 sequence or control bytes. */
static const char evil_title[] = "\0Titre \xc3\x28 hostile";
static const char evil_body[] = "\002corps\x01\x7f hostile";

static int
hostile_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	char	 buf[512];
	size_t	 n;
	int	 fd;

	(void)state;
	if ((fd = pipe_fd()) == -1) {
		host->error(sink, "no result pipe found");
		return -1;
	}
	if (in->len >= 2 && memcmp(in->data, "id", 2) == 0) {
		rec(fd, 'B', "../etc\0" P_NAME, 7 + sizeof P_NAME - 1);
		return 0;
	}
	if (in->len >= 4 && memcmp(in->data, "type", 4) == 0) {
		rec(fd, 'B', "x/type\0good", 11);
		return 0;
	}
	n = (size_t)snprintf(buf, sizeof buf, "%s", in->id_prefix) + 1;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", P_NAME);
	rec(fd, 'B', buf, n);
	if (in->len >= 5 && memcmp(in->data, "facet", 5) == 0)
		rec(fd, 'F', bad_facet, sizeof bad_facet - 1);
	else if (in->len >= 4 && memcmp(in->data, "link", 4) == 0)
		rec(fd, 'L', "/abs\0lien\0", 10);
	else if (in->len >= 3 && memcmp(in->data, "len", 3) == 0) {
		/* A length past any record: the parent must not wait for it
		 * nor allocate it. */
		unsigned char	 hdr[5] = { 'T', 0xff, 0xff, 0xff, 0x7f };

		(void)!write(fd, hdr, sizeof hdr);
	}
	rec(fd, 'T', evil_title, sizeof evil_title - 1);
	rec(fd, 'T', evil_body, sizeof evil_body - 1);
	rec(fd, 'H', evil_html, sizeof evil_html - 1);
	rec(fd, 'E', NULL, 0);
	return 0;
}
#else
/* The first line of the input, or NULL. */
static char *
first_line(const struct savoir_input *in)
{
	size_t	 n;
	char	*s;

	for (n = 0; n < in->len && in->data[n] != '\n'; n++)
		;
	if (n == 0 || (s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, in->data, n);
	s[n] = '\0';
	return s;
}

static int
hostile_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	char	*arg;
	int	 r = -1;
#if defined(HOSTILE_NET)
	struct sockaddr_in	 sin;
	int			 s;
#elif defined(HOSTILE_WRITE)
	int			 fd;
#elif defined(HOSTILE_EXEC)
	char			 cmd[1100];
#elif defined(HOSTILE_READ)
	char			 secret[4096];
	ssize_t			 n;
	int			 fd;
#endif

	(void)state;
	if ((arg = first_line(in)) == NULL) {
		host->error(sink, "the first line names nothing");
		return -1;
	}
#if defined(HOSTILE_NET)
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		host->error(sink, "socket: %s", strerror(errno));
		goto out;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(arg));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sin, sizeof sin) == -1) {
		host->error(sink, "connect: %s", strerror(errno));
		close(s);
		goto out;
	}
	(void)!write(s, "leaked\n", 7);
	close(s);
	host->error(sink, "connected to 127.0.0.1:%s", arg);
#elif defined(HOSTILE_WRITE)
	if ((fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		host->error(sink, "open for writing: %s", strerror(errno));
		goto out;
	}
	(void)!write(fd, "pwned\n", 6);
	close(fd);
	host->error(sink, "wrote %s", arg);
#elif defined(HOSTILE_EXEC)
	snprintf(cmd, sizeof cmd, "echo pwned > '%s'", arg);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	host->error(sink, "exec /bin/sh: %s", strerror(errno));
	goto out;
#elif defined(HOSTILE_READ)
	if ((fd = open(arg, O_RDONLY)) == -1) {
		host->error(sink, "open for reading: %s", strerror(errno));
		goto out;
	}
	n = read(fd, secret, sizeof secret - 1);
	close(fd);
	if (n < 0) {
		host->error(sink, "read: %s", strerror(errno));
		goto out;
	}
	/* What was read goes into the index, where a search finds it. */
	if (host->doc_begin(sink, in->id_prefix, P_NAME) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_BODY, secret, (size_t)n) == -1 ||
	    host->doc_end(sink) == -1)
		goto out;
	r = 0;
#endif
out:
	free(arg);
	return r;
}
#endif

static const struct savoir_plugin plugin = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_plugin),
	.name = P_NAME,
	.version = "1.0.0",
	.description = "Attacks the host (tests only)",
	.types = types,
	.extensions = extensions,
	.extract = hostile_extract,
};

SAVOIR_EXPORT const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
{
	host = h;
	return &plugin;
}
