/*
 * cmd_export.c - savoir export and savoir import: a knowledge base as one
 * self-contained file that can be carried to another machine.
 *
 * export writes a compacted, consistent snapshot (VACUUM INTO, which reads
 * one transaction: an indexer or a server running at the same time is no
 * harm), checks it, takes it out of WAL mode and renames it into place:
 * the file either is not there or is whole.
 *
 * import never writes the target before the incoming file has proved
 * sound: it is copied next to the target, opened as an index (application
 * id, schema, migrated if older), checked like savoir check, and only then
 * copied into the target with SQLite's backup API, in one write
 * transaction of the target's own connection.  A running savoird sees the
 * old base, then the new one; it never sees half of either, and no -wal
 * file is ever paired with another database.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir.h"

/* The synopsis after a usage error, what the command does after --help. */
static void
xfer_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir %s [--db FILE] [--force] FILE\n", cmd);
	if (f != stdout)
		return;
	if (strcmp(cmd, "export") == 0)
		fprintf(f, "\nWrites a copy of the index to FILE: one compact "
		    "file, checked, to carry or keep.\n  --force  replace FILE "
		    "if it exists\n");
	else
		fprintf(f, "\nReplaces the index with the one exported to FILE, "
		    "once FILE has passed the checks of savoir check.\n"
		    "  --force  replace an index that holds documents\n");
}

/* usage: [--db FILE] [--force] FILE */
static int
xfer_args(const char *cmd, int argc, char **argv, int *force,
    const char **file)
{
	struct cli_opt	 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_FLAG("force", 'f', force),
		CLI_OPT_END
	};
	int		 ret;

	*force = 0;
	if ((ret = cli_parse(cmd, argc, argv, opts, xfer_usage)) != -1)
		return ret;
	if (argc - optind != 1) {
		cli_usage_error(cmd, argc == optind ? "which file?" :
		    "one file only, not '%s'", argv[argc - 1]);
		return 2;
	}
	*file = argv[optind];
	return -1;
}

/* A name for a temporary file beside path, which does not exist yet. */
static char *
temp_beside(const char *path)
{
	return xsprintf("%s.part-%ld", path, (long)getpid());
}

static void
unlink_db(const char *path)
{
	char	*side;

	unlink(path);
	side = xsprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = xsprintf("%s-shm", path);
	unlink(side);
	free(side);
}

static int
same_file(const char *a, const char *b)
{
	struct stat	 sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* fsync a file, then the directory that holds it (the rename). */
static int
sync_path(const char *path)
{
	char	*dir, *slash;
	int	 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

/*
 * Open path as an index and run savoir check's checks on it.  Returns the
 * number of documents, or -1 with the reasons printed.
 */
static long long
verify_copy(const char *path, const char *label)
{
	struct store	*st;
	struct buf	 out;
	char		*cause = NULL;
	int64_t		 n = -1;
	int		 problems;

	if ((st = store_open(path, 0, &cause)) == NULL) {
		/* The reason starts with the temporary file's name: name the
		 * file the user gave instead. */
		fprintf(stderr, "savoir: %s%s\n", label,
		    strncmp(cause, path, strlen(path)) == 0 ?
		    cause + strlen(path) : cause);
		free(cause);
		return -1;
	}
	buf_init(&out);
	problems = store_check(st, &out);
	if (problems == -1)
		cause = xstrdup(store_errmsg(st));
	else if (problems == 0)
		store_count_docs(st, &n, &cause);
	if (problems != 0 || n < 0) {
		fprintf(stderr, "savoir: %s does not pass savoir check:\n%s",
		    label, problems > 0 ? out.data : "");
		if (problems <= 0)
			fprintf(stderr, "%s\n", cause);
		n = -1;
	}
	free(cause);
	buf_free(&out);
	store_close(st);
	return n;
}

int
cmd_export(int argc, char **argv)
{
	struct store	*st;
	struct stat	 sb;
	const char	*file;
	char		*tmp, *cause = NULL;
	long long	 n;
	int		 force, ret;

	if ((ret = xfer_args("export", argc, argv, &force, &file)) != -1)
		return ret;
	if (same_file(file, cli.db)) {
		fprintf(stderr, "savoir: %s is the index itself: export to "
		    "another file\n", file);
		return 2;
	}
	if (lstat(file, &sb) == 0 && (!S_ISREG(sb.st_mode) || !force)) {
		fprintf(stderr, "savoir: %s already exists%s\n", file,
		    S_ISREG(sb.st_mode) ? " (--force replaces it)" :
		    " and is not a regular file");
		return 2;
	}
	if ((st = cli_open(STORE_RDONLY)) == NULL)
		return 2;
	tmp = temp_beside(file);
	unlink_db(tmp);
	if (store_vacuum_into(st, tmp, &cause) == -1) {
		fprintf(stderr, "savoir: cannot write %s: %s\n", file, cause);
		free(cause);
		store_close(st);
		goto fail;
	}
	store_close(st);
	if ((n = verify_copy(tmp, file)) == -1)
		goto fail;
	if (store_leave_wal(tmp, &cause) == -1) {
		fprintf(stderr, "savoir: cannot write %s: %s\n", file, cause);
		free(cause);
		goto fail;
	}
	if (sync_path(tmp) == -1) {
		fprintf(stderr, "savoir: cannot write %s: %s\n", file,
		    strerror(errno));
		goto fail;
	}
	if (rename(tmp, file) == -1) {
		fprintf(stderr, "savoir: cannot rename %s to %s: %s\n", tmp,
		    file, strerror(errno));
		goto fail;
	}
	sync_path(file);
	if (stat(file, &sb) == -1)
		sb.st_size = 0;
	printf("exported %lld documents to %s (%.1f MB)\n", n, file,
	    sb.st_size / 1e6);
	free(tmp);
	return 0;
fail:
	unlink_db(tmp);
	free(tmp);
	return 2;
}

int
cmd_import(int argc, char **argv)
{
	struct store	*st = NULL;
	struct stat	 sb;
	const char	*file;
	char		*tmp, *cause = NULL;
	long long	 n;
	int64_t		 had;
	int		 force, ret;

	if ((ret = xfer_args("import", argc, argv, &force, &file)) != -1)
		return ret;
	if (stat(file, &sb) == -1) {
		fprintf(stderr, "savoir: cannot read %s: %s\n", file,
		    strerror(errno));
		return 2;
	}
	if (!S_ISREG(sb.st_mode)) {
		fprintf(stderr, "savoir: %s is not a regular file\n", file);
		return 2;
	}
	if (same_file(file, cli.db)) {
		fprintf(stderr, "savoir: %s is the index itself\n", file);
		return 2;
	}

	/* 1. The incoming file, copied beside the target and checked. */
	tmp = temp_beside(cli.db);
	unlink_db(tmp);
	if (store_copy_file(file, tmp, &cause) == -1) {
		fprintf(stderr, "savoir: cannot read %s: %s\n", file, cause);
		free(cause);
		goto fail;
	}
	if ((n = verify_copy(tmp, file)) == -1)
		goto fail;

	/* 2. The target: created if need be, not emptied without --force. */
	if ((st = cli_open(STORE_CREATE)) == NULL)
		goto fail;
	if (store_count_docs(st, &had, &cause) == -1) {
		fprintf(stderr, "savoir: cannot read %s: %s\n", cli.db, cause);
		free(cause);
		goto fail;
	}
	if (had > 0 && !force) {
		fprintf(stderr, "savoir: %s holds %lld documents: --force "
		    "replaces them with those of %s\n", cli.db, (long long)had,
		    file);
		goto fail;
	}
	if (store_replace(st, tmp, &cause) == -1) {
		fprintf(stderr, "savoir: cannot write %s: %s\n", cli.db, cause);
		free(cause);
		goto fail;
	}
	store_close(st);
	unlink_db(tmp);
	free(tmp);
	printf("imported %lld documents from %s into %s\n", n, file, cli.db);
	return 0;
fail:
	store_close(st);
	unlink_db(tmp);
	free(tmp);
	return 2;
}
