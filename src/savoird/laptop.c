/*
 * laptop.c - the command-line overrides of savoird: --db (one carried index
 * file, served read-only) and --laptop (a participant's own copy of the
 * library on http://127.0.0.1:PORT: plain HTTP, no certificate, loopback
 * only, which browsers treat as a secure context, so the service worker
 * registers).  They are applied on top of every configuration loaded, the
 * first and each SIGHUP reload alike.  This file never opens a socket to
 * serve and never writes beside the index: the check opens it read-only,
 * as the workers do.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoird.h"

/* The ports tried when --port is not given: the first free one is taken. */
#define LAPTOP_PORT_FIRST	8080
#define LAPTOP_PORT_TRIES	20

/* Is host a numeric loopback address (127.0.0.0/8 or ::1)? */
static int
laptop_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* Can port be bound on host right now?  A plain bind, no SO_REUSEPORT,
 * so that a port another savoird holds is never taken for free. */
static int
laptop_port_free(const char *host, int port)
{
	struct sockaddr_in	 s4;
	struct sockaddr_in6	 s6;
	struct sockaddr		*sa;
	socklen_t		 len;
	int			 fd, on = 1, ok;

	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	if (inet_pton(AF_INET, host, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		s4.sin_port = htons(port);
		sa = (struct sockaddr *)&s4;
		len = sizeof s4;
	} else if (inet_pton(AF_INET6, host, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(port);
		sa = (struct sockaddr *)&s6;
		len = sizeof s6;
	} else
		return 0;
	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	ok = bind(fd, sa, len) == 0;
	close(fd);
	return ok;
}

static void
laptop_set_listen(struct listen_addr *a, int *n, const char *host,
    const char *port)
{
	int	 i;

	for (i = 0; i < *n; i++) {
		free(a[i].host);
		free(a[i].port);
		a[i].host = a[i].port = NULL;
	}
	*n = 0;
	if (host == NULL)
		return;
	a[0].host = xstrdup(host);
	a[0].port = xstrdup(port);
	*n = 1;
}

int
laptop_apply(struct config *c, struct laptop_opts *o, char **cause)
{
	long long	 v;
	int		 p;
	char		 port[16];

	if (o->db != NULL) {
		free(c->db);
		c->db = xstrdup(o->db);
	}
	if (!o->laptop)
		return 0;
	if (!laptop_loopback(o->address)) {
		xasprintf(cause, "--laptop serves this machine only: '%s' is "
		    "not a loopback address (use 127.0.0.1 or ::1; to serve "
		    "a network, use a configuration with a certificate)",
		    o->address);
		return -1;
	}
	/* The port is chosen once: a reload keeps the socket it has. */
	if (o->chosen_port == NULL) {
		if (o->port != NULL) {
			if (parse_int(o->port, 0, 65535, &v) == -1) {
				xasprintf(cause, "--port: '%s' is not a port "
				    "number (0 to 65535)", o->port);
				return -1;
			}
			snprintf(port, sizeof port, "%lld", v);
		} else {
			for (p = LAPTOP_PORT_FIRST; p < LAPTOP_PORT_FIRST +
			    LAPTOP_PORT_TRIES; p++)
				if (laptop_port_free(o->address, p))
					break;
			if (p == LAPTOP_PORT_FIRST + LAPTOP_PORT_TRIES) {
				xasprintf(cause, "no free port from %d to %d "
				    "on %s: choose one with --port",
				    LAPTOP_PORT_FIRST, p - 1, o->address);
				return -1;
			}
			snprintf(port, sizeof port, "%d", p);
		}
		o->chosen_port = xstrdup(port);
	}
	/* Plain HTTP on the loopback address only: no TLS listener (hence
	 * no certificate generated or read), no redirect. */
	laptop_set_listen(c->listen, &c->nlisten, NULL, NULL);
	laptop_set_listen(c->redirect_listen, &c->nredirect_listen, NULL,
	    NULL);
	laptop_set_listen(c->http_listen, &c->nhttp_listen, o->address,
	    o->chosen_port);
	c->use_syslog = 0;
	return 0;
}

/*
 * Is the index file in WAL mode?  Read from its header (bytes 18 and 19,
 * the file format versions: 2 is WAL), not through SQLite, which would
 * create FILE-shm on opening such a file.
 */
static int
laptop_is_wal(const char *path)
{
	unsigned char	 h[20];
	int		 fd;
	ssize_t		 n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;	/* store_open says why */
	n = read(fd, h, sizeof h);
	close(fd);
	return n == (ssize_t)sizeof h && memcmp(h, "SQLite format 3", 16) ==
	    0 && (h[18] == 2 || h[19] == 2);
}

/* Can nothing be created in path's directory: a read-only medium, a
 * directory without write permission? */
static int
laptop_dir_readonly(const char *path)
{
	struct statvfs	 vfs;
	struct stat	 sb;
	char		*copy, *dir;
	int		 ro;

	copy = xstrdup(path);
	dir = dirname(copy);
	ro = (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) ||
	    (stat(dir, &sb) == 0 && (sb.st_mode & 0222) == 0) ||
	    access(dir, W_OK) == -1;
	free(copy);
	return ro;
}

int
laptop_check_db(const char *path, char **cause)
{
	struct store	*st;
	char		*why = NULL;

	/* An index in WAL mode is read with FILE-wal and FILE-shm beside
	 * it; on a read-only medium it cannot be.  savoir export makes one
	 * self-contained file (rollback journal: nothing beside it). */
	if (laptop_is_wal(path) && laptop_dir_readonly(path)) {
		xasprintf(cause, "%s is a live index (WAL mode): SQLite would "
		    "need %s-shm beside it, in a directory where nothing can "
		    "be created; carry a copy made with savoir export instead",
		    path, path);
		return -1;
	}
	if ((st = store_open(path, STORE_RDONLY, &why)) == NULL) {
		xasprintf(cause, "%s", why);
		free(why);
		return -1;
	}
	store_close(st);
	return 0;
}

/* The address as a URL's host: an IPv6 address goes in brackets. */
char *
laptop_url(const struct listen_addr *a)
{
	return xsprintf("http://%s%s%s:%s/", strchr(a->host, ':') ? "[" : "",
	    a->host, strchr(a->host, ':') ? "]" : "", a->port);
}
