/*
 * cli.c - what the subcommands share: their --db option, opening the
 * index, telling a person what went wrong (a usage error, a cause from the
 * core) and reading the option values more than one command takes (a
 * bounded integer, a synonyms file).  Every message goes to the standard
 * error in one form, so the commands cannot drift apart in how they speak.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "savoir.h"

int
cli_getopt(int argc, char **argv, const char *optstring,
    const struct option *longopts)
{
	int	 ch;

	while ((ch = getopt_long(argc, argv, optstring, longopts,
	    NULL)) == 'd')
		cli.db = optarg;
	return ch;
}

void
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "savoir %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'savoir %s --help')\n", cmd);
}

void
cli_cause(char *cause)
{
	fprintf(stderr, "savoir: %s\n", cause);
	free(cause);
}

struct store *
cli_open(int flags)
{
	struct store	*st;
	char		*cause = NULL;

	if ((st = store_open(cli.db, flags, &cause)) == NULL)
		cli_cause(cause);
	return st;
}

int
cli_int(const char *cmd, const char *opt, const char *unit, const char *arg,
    long long min, long long max, long long *out)
{
	if (parse_int(arg, min, max, out) == -1) {
		cli_usage_error(cmd, "%s wants %s%lld to %lld, not '%s'", opt,
		    unit, min, max, arg);
		return -1;
	}
	return 0;
}

int
cli_synonyms(const char *path, struct synonyms **syn)
{
	char	*cause = NULL;

	synonyms_free(*syn);
	if ((*syn = synonyms_load(path, &cause)) == NULL) {
		cli_cause(cause);
		return -1;
	}
	return 0;
}
