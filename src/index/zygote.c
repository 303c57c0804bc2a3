/*
 * zygote.c - the zygote: a process forked when the indexer starts, while it is small,
 * that forks the extraction children for it.  A child forked by the writer
 * itself would carry a copy of the writer's heap (the documents of the file
 * being written, the pending postings), and those pages become the child's
 * own as the writer moves on: 100 MB and more a child.  The zygote clones
 * each child with CLONE_PARENT, so that the child is the writer's from its
 * first instruction: the writer waits for it, kills it at its deadline and
 * reads its status as if it had forked it.  One copy of the zygote's
 * address space a file: a fork costs about 0.8 ms with every plugin's
 * libraries mapped, and a 500-file burst is 500 of them.  Where
 * CLONE_PARENT is refused, the zygote forks an intermediate that forks the
 * child and exits, and the writer, a child subreaper, adopts the child.
 *
 * A request is the limits, then the absolute and the relative path, each
 * NUL-terminated; the answer is the child's pid (or minus an errno) with
 * the read end of its pipe attached.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <sched.h>
#endif
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "extract_int.h"

struct xzygote {
	pid_t	 pid;
	int	 sock;
};

#define ZYGOTE_REQ_MAX	(sizeof(struct extract_limits) + 2 * PATH_MAX + 64)

/* A message of one buffer. */
static void
zygote_msg(struct msghdr *m, struct iovec *iov, void *p, size_t len)
{
	memset(m, 0, sizeof *m);
	iov->iov_base = p;
	iov->iov_len = len;
	m->msg_iov = iov;
	m->msg_iovlen = 1;
}

static ssize_t
zygote_send(int sock, const void *p, size_t len, int fd)
{
	struct msghdr	 m;
	struct iovec	 iov;
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	ssize_t		 n;

	zygote_msg(&m, &iov, (void *)(uintptr_t)p, len);
	if (fd >= 0) {
		memset(&cm, 0, sizeof cm);
		m.msg_control = cm.buf;
		m.msg_controllen = sizeof cm.buf;
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof fd);
	}
	while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	return n;
}

static ssize_t
zygote_recv(int sock, void *p, size_t len, int *fd)
{
	struct msghdr	 m;
	struct iovec	 iov;
	struct cmsghdr	*c;
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	ssize_t		 n;

	zygote_msg(&m, &iov, p, len);
	m.msg_control = cm.buf;
	m.msg_controllen = sizeof cm.buf;
	if (fd != NULL)
		*fd = -1;
	while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	for (c = CMSG_FIRSTHDR(&m); n > 0 && c != NULL; c = CMSG_NXTHDR(&m,
	    c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int	 got;

			memcpy(&got, CMSG_DATA(c), sizeof got);
			if (fd != NULL && *fd == -1)
				*fd = got;
			else
				close(got);
		}
	}
	return n;
}

/*
 * The child, as a child of the writer, or -1.  A raw clone bypasses the C
 * library's fork: no fork handlers run and the thread's cached id is the
 * zygote's.  Neither matters here: the zygote is single-threaded (no lock
 * can be held across the clone), the child never creates a thread (its
 * seccomp filter refuses them), and the C library asks the kernel for the
 * thread id where it signals itself (raise, abort).
 */
static pid_t
zygote_clone(void)
{
#if defined(__linux__) && defined(SYS_clone) && defined(CLONE_PARENT)
	static int	 refused;
	long		 r;

	if (refused) {
		errno = EINVAL;
		return -1;
	}
	r = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL,
	    NULL, NULL, NULL);
	if (r == -1 && errno == EINVAL)
		refused = 1;
	return (pid_t)r;
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Where CLONE_PARENT is refused: an intermediate forks the child and
 * exits, the writer adopts the child; returns its pid or -1. */
static pid_t
zygote_fork2(int sock, int keep, pid_t writer, pid_t *child)
{
	pid_t	 mid;
	int32_t	 answer;
	int	 link[2], st;

	if (pipe2(link, O_CLOEXEC) == -1)
		return -1;
	if ((mid = fork()) == -1) {
		close(link[0]);
		close(link[1]);
		return -1;
	}
	if (mid == 0) {
		close(sock);
		close(keep);
		close(link[0]);
		if ((*child = fork()) == 0) {
			close(link[1]);
			/* Wait until the writer adopts it (the intermediate
			 * exits at once), then run under its watch. */
			for (st = 0; getppid() != writer && st < 5000; st++)
				usleep(200);
			return 0;
		}
		answer = *child == -1 ? -errno : (int32_t)*child;
		(void)!write(link[1], &answer, sizeof answer);
		_exit(0);
	}
	close(link[1]);
	if (read(link[0], &answer, sizeof answer) != sizeof answer)
		answer = -ECHILD;
	close(link[0]);
	while (waitpid(mid, &st, 0) == -1 && errno == EINTR)
		;
	if (answer < 0) {
		errno = -answer;
		return -1;
	}
	*child = (pid_t)answer;
	return *child;
}

/* One request: start the child for the writer. */
static void
zygote_serve(const struct plugins *ps, int sock, pid_t writer, char *req,
    size_t len)
{
	struct extract_limits	 lim;
	const struct plugin	**cand = NULL;
	const char		*abspath, *relpath;
	size_t			 ncand;
	pid_t			 child;
	int32_t			 answer = -EINVAL;
	int			 fds[2] = { -1, -1 };

	if (len < sizeof lim + 2 || req[len - 1] != '\0')
		goto reply;
	memcpy(&lim, req, sizeof lim);
	abspath = req + sizeof lim;
	if (abspath + strlen(abspath) + 1 >= req + len)
		goto reply;
	relpath = abspath + strlen(abspath) + 1;
	cand = xcalloc(ps->n + 1, sizeof *cand);
	ncand = plugins_for_path(ps, relpath, cand, ps->n);
	if (pipe2(fds, O_CLOEXEC) == -1) {
		answer = -errno;
		goto reply;
	}
	child = zygote_clone();
	if (child == -1 && errno == EINVAL)
		child = zygote_fork2(sock, fds[0], writer, &child);
	if (child == 0) {
		close(sock);
		close(fds[0]);
		child_run(ps, cand, ncand, abspath, relpath, &lim, fds[1],
		    writer);
	}
	answer = child == -1 ? -errno : (int32_t)child;
reply:
	(void)zygote_send(sock, &answer, sizeof answer, answer > 0 ? fds[0] : -1);
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	free(cand);
}

struct xzygote *
extract_zygote_start(const struct plugins *ps)
{
	struct xzygote	*z;
	char		*req;
	ssize_t		 n;
	pid_t		 pid, writer = getpid();
	int		 sv[2];

	jail_probe();
#ifdef PR_SET_CHILD_SUBREAPER
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return NULL;
#else
	return NULL;
#endif
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != writer)
			_exit(0);
		signal(SIGINT, SIG_IGN);	/* the writer decides */
		child_keep_null();
		jail_zygote();
		req = xmalloc(ZYGOTE_REQ_MAX);
		while ((n = zygote_recv(sv[1], req, ZYGOTE_REQ_MAX, NULL)) > 0)
			zygote_serve(ps, sv[1], writer, req, (size_t)n);
		_exit(0);
	}
	close(sv[1]);
	z = xcalloc(1, sizeof *z);
	z->pid = pid;
	z->sock = sv[0];
	return z;
}

void
extract_zygote_stop(struct xzygote *z)
{
	if (z == NULL)
		return;
	close(z->sock);
	while (waitpid(z->pid, NULL, 0) == -1 && errno == EINTR)
		;
	free(z);
}

/* Ask the zygote for a child: 0 with its pid and pipe, -1 if it could not
 * (it is then left for dead, and the caller forks itself). */
int
zygote_request(struct xzygote *z, const char *abspath, const char *relpath,
    const struct extract_limits *lim, pid_t *pid, int *fd)
{
	struct buf	 b;
	int32_t		 answer;
	ssize_t		 n;

	if (z->sock == -1)
		return -1;
	buf_init(&b);
	buf_add(&b, lim, sizeof *lim);
	buf_add(&b, abspath, strlen(abspath) + 1);
	buf_add(&b, relpath, strlen(relpath) + 1);
	if (b.len > ZYGOTE_REQ_MAX) {
		buf_free(&b);
		return -1;
	}
	n = zygote_send(z->sock, b.data, b.len, -1);
	buf_free(&b);
	if (n == -1 || (n = zygote_recv(z->sock, &answer, sizeof answer,
	    fd)) != sizeof answer || answer <= 0 || *fd == -1) {
		if (n != sizeof answer) {
			log_warnx("extraction: the zygote is gone; forking "
			    "from the writer");
			close(z->sock);
			z->sock = -1;
		}
		if (*fd != -1)
			close(*fd);
		return -1;
	}
	*pid = (pid_t)answer;
	return 0;
}
