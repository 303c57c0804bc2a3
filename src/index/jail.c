/*
 * jail.c - the extractor child's jail, entered once the input file is read
 * and before any plugin code runs (init, probe, extract).  Owns two layers
 * on top of what extract.c does (rlimits, the timeout, closed descriptors):
 *
 *  - Landlock, where the kernel has it: the child may read the plugin
 *    directories, the input file and the system's libraries and data
 *    (/usr, /lib*, /etc/ld.so.cache), and write, create, remove or run
 *    nothing anywhere.  With Landlock ABI 4, no TCP bind or connect; with
 *    ABI 6, no signal to a process outside the jail.
 *  - A seccomp filter (libseccomp): no socket, no exec, no ptrace, no new
 *    process (threads are allowed: libraries start them), no open for
 *    writing, no file created, renamed or removed, no io_uring (which would
 *    go round the filter), no signal but to itself.  What a plugin may fail
 *    on cleanly returns EPERM; exec, ptrace and peeking into other
 *    processes kill the child.
 *
 * jail_probe, in the parent before it forks, finds which layers the kernel
 * offers and warns once for each it does not: the child then enters the
 * others only, and every file does not repeat the warning.
 *
 * The filter comes in two parts.  Attaching one costs the kernel about
 * 2.5 us an instruction (it runs the filter over every system call number
 * to cache the ones always allowed): 0.3 to 0.7 ms for the whole, as much
 * as a small file's extraction.  So the zygote enters the common part
 * once (jail_zygote: everything but the rules on new processes and
 * signals, which it needs itself and which name the child's pid), each
 * child cloned from it inherits that and adds its own dozen instructions;
 * a child forked otherwise attaches both.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

#include "index.h"

/* Debian 12's headers stop at Landlock ABI 2: the later rights and
 * fields, as the kernel defines them. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#define J_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define J_NET_CONNECT_TCP	(1ULL << 1)
#define J_SCOPE_ABSTRACT_UNIX	(1ULL << 0)	/* ABI 6 */
#define J_SCOPE_SIGNAL		(1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; older kernels read a prefix. */
struct j_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

#define J_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define J_READ	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* What the child may read besides plugins and input; absent ones are
 * skipped (merged /usr, other distributions). */
static const char *const j_read_paths[] = {
	"/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache",
	"/etc/localtime", "/dev/null", "/dev/urandom",
#ifdef SAVOIR_SANITIZERS
	/* ASan reads its maps to report where a fault was. */
	"/proc",
#endif
	NULL
};

/* Set by jail_probe: -1 not probed yet, 0 not offered, else the ABI. */
static int	 j_landlock_abi = -1;
static int	 j_seccomp_ok = -1;
#ifndef SAVOIR_SANITIZERS
/* Set in the zygote once it is under the common part of the filter, and
 * so in every child cloned from it. */
static int	 j_common_in = 0;
#endif

#ifndef SAVOIR_SANITIZERS
#define J_COMMON	0x1	/* the part the zygote can live under */
#define J_PROCESS	0x2	/* new processes and signals: the child's */
static int	 j_seccomp(int parts, int load, char **cause);
#endif

void
jail_probe(void)
{
#ifndef SAVOIR_SANITIZERS
	char	*cause;
#endif
	long	 abi;

	if (j_landlock_abi != -1)
		return;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		j_landlock_abi = 0;
		log_warnx("extractor: no Landlock in this kernel (%s): "
		    "plugins may read any file this user can",
		    strerror(errno));
	} else
		j_landlock_abi = (int)abi;
#ifdef SAVOIR_SANITIZERS
	/*
	 * ASan and LeakSanitizer clone, ptrace and exec a symbolizer to
	 * report: under the filter they would be killed before they say
	 * anything.  Sanitizer builds are for tests; they keep Landlock.
	 */
	j_seccomp_ok = 0;
	log_debug("extractor: sanitizer build, no seccomp filter");
#else
	if (seccomp_api_get() < 1) {
		j_seccomp_ok = 0;
		log_warnx("extractor: no seccomp filter in this kernel: "
		    "plugins may open sockets and run programs");
	} else if (j_seccomp(J_COMMON | J_PROCESS, 0, &cause) == -1) {
		/* Built but not loaded: under valgrind, for one, the rules
		 * are refused, and every child would say so again. */
		j_seccomp_ok = 0;
		log_warnx("extractor: no seccomp filter (%s): plugins may "
		    "open sockets and run programs", cause);
		free(cause);
	} else
		j_seccomp_ok = 1;
#endif
}

/* Allow access under path (a file gets only what applies to files). */
static void
j_allow(int rfd, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr	 pb;
	struct stat				 st;
	int					 fd;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LANDLOCK_ACCESS_FS_READ_FILE;
	memset(&pb, 0, sizeof pb);
	pb.allowed_access = access;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		log_debug("extractor: Landlock: %s not allowed: %s", path,
		    strerror(errno));
	close(fd);
}

static int
j_landlock(const struct plugins *ps, const char *abspath, char **cause)
{
	struct j_ruleset_attr	 attr;
	size_t			 i, attrsz = sizeof attr.handled_access_fs;
	char			*dir, *slash;
	int			 rfd;

	memset(&attr, 0, sizeof attr);
	attr.handled_access_fs = LANDLOCK_ACCESS_FS_REFER - 1;	/* ABI 1 */
	if (j_landlock_abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (j_landlock_abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (j_landlock_abi >= 4) {
		attr.handled_access_net = J_NET_BIND_TCP | J_NET_CONNECT_TCP;
		attrsz = offsetof(struct j_ruleset_attr, scoped);
	}
	if (j_landlock_abi >= 6) {
		attr.scoped = J_SCOPE_ABSTRACT_UNIX | J_SCOPE_SIGNAL;
		attrsz = sizeof attr;
	}
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attrsz,
	    0)) == -1) {
		*cause = xsprintf("landlock_create_ruleset: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; j_read_paths[i] != NULL; i++)
		j_allow(rfd, j_read_paths[i], J_READ);
	/* Plugins are loaded already; a library one loads late is read
	 * from beside it or from the system's directories. */
	for (i = 0; i < ps->n; i++) {
		dir = xstrdup(ps->v[i].path);
		if ((slash = strrchr(dir, '/')) != NULL) {
			*slash = '\0';
			j_allow(rfd, *dir != '\0' ? dir : "/", J_READ);
		} else
			j_allow(rfd, ".", J_READ);
		free(dir);
	}
	j_allow(rfd, abspath, LANDLOCK_ACCESS_FS_READ_FILE);
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1) {
		*cause = xsprintf("landlock_restrict_self: %s",
		    strerror(errno));
		close(rfd);
		return -1;
	}
	close(rfd);
	return 0;
}

#ifndef SAVOIR_SANITIZERS
/* Refused with EPERM: a plugin that tries fails like on a locked-down
 * system, and says why. */
static const int j_eperm[] = {
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(fork), SCMP_SYS(vfork),
	SCMP_SYS(creat), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir),
	SCMP_SYS(link), SCMP_SYS(linkat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(chmod), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), SCMP_SYS(chown), SCMP_SYS(fchown),
	SCMP_SYS(lchown), SCMP_SYS(fchownat), SCMP_SYS(truncate),
	SCMP_SYS(ftruncate), SCMP_SYS(mknod), SCMP_SYS(mknodat),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(unshare),
	SCMP_SYS(setns), SCMP_SYS(io_uring_setup), SCMP_SYS(bpf),
	SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd), SCMP_SYS(kill),
	SCMP_SYS(tkill), SCMP_SYS(pidfd_send_signal)
};

/* Kill the child: no plugin has a reason to. */
static const int j_kill[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev)
};

/* Signals to anything but this process. */
static const int j_self_only[] = {
	SCMP_SYS(tgkill), SCMP_SYS(rt_sigqueueinfo),
	SCMP_SYS(rt_tgsigqueueinfo)
};

/* Flags that make an open one for writing or creating. */
static const int j_wflags[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC };

/* Build the parts of the filter, and load them if load is set; 0 or -1
 * with *cause. */
static int
j_seccomp(int parts, int load, char **cause)
{
	scmp_filter_ctx	 ctx;
	uint64_t	 self = (uint64_t)getpid();
	const char	*what = "seccomp_init";
	size_t		 i;
	int		 r = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		*cause = xsprintf("seccomp_init failed");
		return -1;
	}
	what = "a rule";
	for (i = 0; r == 0 && (parts & J_COMMON) && i < J_NITEMS(j_eperm);
	    i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), j_eperm[i],
		    0);
	for (i = 0; r == 0 && (parts & J_COMMON) && i < J_NITEMS(j_kill);
	    i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, j_kill[i], 0);
	for (i = 0; r == 0 && (parts & J_PROCESS) &&
	    i < J_NITEMS(j_self_only); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    j_self_only[i], 1, SCMP_A0(SCMP_CMP_NE, self));
	for (i = 0; r == 0 && (parts & J_COMMON) && i < J_NITEMS(j_wflags);
	    i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(open), 1, SCMP_A1(SCMP_CMP_MASKED_EQ,
		    (uint64_t)j_wflags[i], (uint64_t)j_wflags[i]));
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
			    SCMP_SYS(openat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ,
			    (uint64_t)j_wflags[i], (uint64_t)j_wflags[i]));
	}
	/* A new process is a clone without CLONE_THREAD. */
	if (r == 0 && (parts & J_PROCESS))
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ,
		    CLONE_THREAD, 0));
	/* Their flags are in memory the filter cannot read: ENOSYS makes
	 * the C library fall back to clone and openat, which it can. */
	if (r == 0 && (parts & J_COMMON))
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	if (r == 0 && (parts & J_COMMON))
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(openat2), 0);
	if (r == 0 && load) {
		what = "seccomp_load";
		r = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (r != 0) {
		*cause = xsprintf("%s: %s", what, strerror(-r));
		return -1;
	}
	return 0;
}
#endif

void
jail_enter(const struct plugins *ps, const char *abspath)
{
	char	*cause = NULL;

	/* Both layers need it; it also keeps set-id programs inert. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		log_warn("extractor: PR_SET_NO_NEW_PRIVS");
	if (j_landlock_abi > 0 && j_landlock(ps, abspath, &cause) == -1) {
		log_warnx("extractor: Landlock refused (%s): reads are not "
		    "confined", cause);
		free(cause);
		cause = NULL;
	}
#ifndef SAVOIR_SANITIZERS
	if (j_seccomp_ok > 0 && j_seccomp(j_common_in ? J_PROCESS :
	    J_COMMON | J_PROCESS, 1, &cause) == -1) {
		log_warnx("extractor: seccomp refused (%s): system calls are "
		    "not filtered", cause);
		free(cause);
	}
#endif
}

void
jail_zygote(void)
{
#ifndef SAVOIR_SANITIZERS
	char	*cause = NULL;

	if (j_seccomp_ok <= 0)
		return;
	/* Refused: each child attaches the whole filter, as without a
	 * zygote. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    j_seccomp(J_COMMON, 1, &cause) == -1) {
		log_debug("extractor: the zygote's filter: %s", cause != NULL ?
		    cause : strerror(errno));
		free(cause);
		return;
	}
	j_common_in = 1;
#endif
}
