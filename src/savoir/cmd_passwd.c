/*
 * cmd_passwd.c - savoir passwd: add, change or delete a user of the access
 * file savoird reads for HTTP Basic authentication ([access] users).
 *
 * The file holds "user:hash" lines; hashes are yescrypt, made by libcrypt
 * with a salt from the kernel's random source.  It is rewritten whole, to a
 * temporary file renamed over the old one, so savoird (which re-reads it
 * when it changes) never sees half a file.  Lines of other users, comments
 * and blank lines are kept as they were.
 *
 * Never: echo a password, take one from the command line (it would show in
 * ps and the shell's history), or write a file other users can read.
 */
#include "config.h"

#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "savoir.h"

#define PASSWD_DEFAULT_FILE	SYSCONFDIR "/savoir/users"
#define PASSWD_MAX		1024	/* bytes of a password */
#define PASSWD_MAX_USER		64
#define PASSWD_MAX_FILE		(1024 * 1024)

static struct termios	passwd_saved;
static volatile sig_atomic_t passwd_echo_off;

static void
passwd_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir passwd [--file FILE] USER\n"
	    "       savoir passwd [--file FILE] --delete USER\n\n"
	    "Set USER's password in the access file (default %s),\n"
	    "adding USER if needed; --delete removes USER.  The password is "
	    "read twice\nfrom the terminal, or once from standard input when "
	    "it is not a terminal.\n", PASSWD_DEFAULT_FILE);
}

/* Put the terminal back before dying of ^C with echo off. */
static void
passwd_signal(int sig)
{
	if (passwd_echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &passwd_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from stdin into buf, without its newline; -1 on EOF/too long. */
static int
passwd_line(char *buf, size_t len)
{
	size_t	 n;

	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return -1;		/* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int
passwd_prompt(const char *prompt, char *buf, size_t len)
{
	struct termios	 t;
	int		 rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &passwd_saved) == -1)
		return -1;
	t = passwd_saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	passwd_echo_off = 1;
	signal(SIGINT, passwd_signal);
	signal(SIGTERM, passwd_signal);
	signal(SIGHUP, passwd_signal);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1) {
		passwd_echo_off = 0;
		return -1;
	}
	rc = passwd_line(buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &passwd_saved);
	passwd_echo_off = 0;
	return rc;
}

/* The new password, read twice from a terminal; -1 with a message. */
static int
passwd_read(const char *user, char *pw, size_t len)
{
	char	*again, *prompt;
	int	 ret = -1;

	if (!isatty(STDIN_FILENO)) {
		if (passwd_line(pw, len) == -1) {
			fprintf(stderr, "savoir passwd: no password on standard "
			    "input (or longer than %d bytes)\n", PASSWD_MAX);
			return -1;
		}
		if (*pw == '\0') {
			fprintf(stderr, "savoir passwd: empty password\n");
			return -1;
		}
		return 0;
	}
	again = xmalloc(len);
	prompt = xsprintf("New password for %s: ", user);
	if (passwd_prompt(prompt, pw, len) == -1 ||
	    passwd_prompt("Again: ", again, len) == -1) {
		fprintf(stderr, "savoir passwd: cannot read the password\n");
		goto out;
	}
	if (*pw == '\0') {
		fprintf(stderr, "savoir passwd: empty password, nothing "
		    "changed\n");
		goto out;
	}
	if (strcmp(pw, again) != 0) {
		fprintf(stderr, "savoir passwd: the two passwords differ, "
		    "nothing changed\n");
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(again, len);
	free(again);
	free(prompt);
	return ret;
}

static int
passwd_valid_user(const char *user)
{
	const unsigned char	*p;

	if (*user == '\0' || strlen(user) > PASSWD_MAX_USER ||
	    !utf8_valid(user, strlen(user), NULL) || *user == '#')
		return 0;
	for (p = (const unsigned char *)user; *p != '\0'; p++)
		if (*p == ':' || *p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* yescrypt hash of pw (caller frees), NULL with a message. */
static char *
passwd_hash(const char *pw)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE], *out = NULL;
	const char		*h;

	cd = xcalloc(1, sizeof *cd);
	/* NULL random bytes: libcrypt takes them from the kernel. */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) == NULL) {
		fprintf(stderr, "savoir passwd: cannot make a yescrypt salt: "
		    "%s\n", strerror(errno));
		goto out;
	}
	h = crypt_r(pw, salt, cd);
	if (h == NULL || strncmp(h, "$y$", 3) != 0) {
		fprintf(stderr, "savoir passwd: yescrypt hashing failed\n");
		goto out;
	}
	out = xstrdup(h);
out:
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return out;
}

/*
 * The file's new text: every line kept but user's, which is replaced by
 * entry (or dropped when entry is NULL).  *found says whether it was there.
 */
static char *
passwd_edit(const char *old, const char *user, const char *entry, int *found)
{
	struct buf	 b;
	const char	*line, *next;
	size_t		 len, ulen = strlen(user);

	buf_init(&b);
	*found = 0;
	for (line = old; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		len = next != NULL ? (size_t)(next - line) : strlen(line);
		if (next != NULL)
			next++;
		if (len > ulen && strncmp(line, user, ulen) == 0 &&
		    line[ulen] == ':') {
			if (!*found && entry != NULL)
				buf_printf(&b, "%s:%s\n", user, entry);
			*found = 1;	/* later duplicates go */
			continue;
		}
		buf_add(&b, line, len);
		buf_addc(&b, '\n');
	}
	if (!*found && entry != NULL)
		buf_printf(&b, "%s:%s\n", user, entry);
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_steal(&b);
}

/* Replace path with data atomically, mode 0640, owner kept. */
static int
passwd_write(const char *path, const char *data, const struct stat *old)
{
	struct group	*gr;
	char		*tmp;
	int		 fd;

	tmp = xsprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "savoir passwd: cannot create %s: %s\n", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0640) == -1)
		goto fail;
	/*
	 * savoird reads the file as its own user: keep the old file's owner
	 * and group, or give a new one to the savoir group when root.
	 */
	if (old != NULL) {
		if (fchown(fd, old->st_uid, old->st_gid) == -1 &&
		    geteuid() == 0)
			goto fail;
	} else if (geteuid() == 0 && (gr = getgrnam("savoir")) != NULL)
		(void)fchown(fd, (uid_t)-1, gr->gr_gid);
	if (file_commit(fd, tmp, path, data, strlen(data)) == -1) {
		fd = -1;	/* closed and tmp unlinked */
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "savoir passwd: cannot write %s: %s\n", path,
	    strerror(errno));
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return -1;
}

int
cmd_passwd(int argc, char **argv)
{
	const char	*path = PASSWD_DEFAULT_FILE, *user;
	struct stat	 sb;
	char		*old = NULL, *cause = NULL, *text = NULL;
	char		 pw[PASSWD_MAX + 2];
	size_t		 len;
	int		 del = 0, exists, found, ret;
	/* No --db: the access file is not the index. */
	struct cli_opt	 opts[] = {
		CLI_OPT_STR("file", 'f', &path),
		CLI_OPT_FLAG("delete", 'D', &del),
		CLI_OPT_END
	};

	if ((ret = cli_parse("passwd", argc, argv, opts,
	    passwd_usage)) != -1)
		return ret;
	if ((user = cli_operand("passwd", argc, argv, "which user? e.g. "
	    "savoir passwd --file /etc/savoir/users alice")) == NULL)
		return 2;
	ret = 2;
	if (!passwd_valid_user(user)) {
		cli_usage_error("passwd", "'%s' is not a user name (1 to %d "
		    "bytes, no ':', no space or control character)", user,
		    PASSWD_MAX_USER);
		return 2;
	}

	exists = stat(path, &sb) == 0;
	if (!exists && errno != ENOENT) {
		fprintf(stderr, "savoir passwd: %s: %s\n", path,
		    strerror(errno));
		return 2;
	}
	if (exists && file_read(path, PASSWD_MAX_FILE, &old, &len,
	    &cause) == -1) {
		fprintf(stderr, "savoir passwd: %s\n", cause);
		free(cause);
		return 2;
	}
	if (del) {
		text = passwd_edit(old, user, NULL, &found);
		if (!found) {
			fprintf(stderr, "savoir passwd: no user '%s' in %s\n",
			    user, path);
			ret = 1;
			goto out;
		}
	} else {
		char	*hash;

		if (passwd_read(user, pw, sizeof pw) == -1)
			goto out;
		hash = passwd_hash(pw);
		explicit_bzero(pw, sizeof pw);
		if (hash == NULL)
			goto out;
		text = passwd_edit(old, user, hash, &found);
		free(hash);
	}
	if (passwd_write(path, text, exists ? &sb : NULL) == -1)
		goto out;
	printf("%s: user %s %s\n", path, user, del ? "deleted" :
	    found ? "updated" : "added");
	ret = 0;
out:
	free(old);
	free(text);
	return ret;
}
