/*
 * cli.c - what the subcommands share: their options, read from one table
 * each (--db, --help and the usage error among them), opening the index,
 * telling a person what went wrong (a usage error, a cause from the core)
 * and the option values more than one command takes (a synonyms file).
 * Every message goes to the standard error in one form, so the commands
 * cannot drift apart in how they speak.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "savoir.h"

/* getopt_long's value for an option without a short name: 256 + index. */
#define CLI_LONG_ONLY	256

static int
cli_set(const char *cmd, const struct cli_opt *o, char *arg)
{
	long long	 v;

	switch (o->kind) {
	case CLI_FLAG:
		*(int *)o->out = 1;
		return 0;
	case CLI_INT:
		if (parse_int(arg, o->min, o->max, &v) == -1) {
			cli_usage_error(cmd, "--%s wants %s%lld to %lld, not "
			    "'%s'", o->name, o->unit, o->min, o->max, arg);
			return -1;
		}
		*(int *)o->out = (int)v;
		return 0;
	case CLI_STR:
		*(const char **)o->out = arg;
		return 0;
	case CLI_FN:
	case CLI_ANSWER:
		return o->fn(arg, o->out);
	}
	return -1;
}

int
cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
    void (*usage)(FILE *, const char *))
{
	struct option	*lo;
	char		*shorts, *sp;
	size_t		 n, i;
	int		 ch, ret = -1;

	for (n = 0; opts[n].name != NULL; n++)
		;
	/* One entry each, then --help and the terminator. */
	lo = xcalloc(n + 2, sizeof *lo);
	sp = shorts = xcalloc(2 * n + 3, 1);
	if (cmd == NULL)
		*sp++ = '+';	/* stop at the subcommand: its options */
	for (i = 0; i < n; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].kind == CLI_FLAG ||
		    opts[i].kind == CLI_ANSWER ? no_argument :
		    required_argument;
		lo[i].val = opts[i].ch != 0 ? opts[i].ch : CLI_LONG_ONLY +
		    (int)i;
		if (opts[i].ch == 0)
			continue;
		*sp++ = (char)opts[i].ch;
		if (lo[i].has_arg == required_argument)
			*sp++ = ':';
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	*sp = 'h';

	optind = 0;	/* a fresh scan: main() has read its own options */
	while (ret == -1 && (ch = getopt_long(argc, argv, shorts, lo,
	    NULL)) != -1) {
		for (i = 0; i < n && lo[i].val != ch; i++)
			;
		if (ch == 'h') {
			usage(stdout, cmd);
			ret = 0;
		} else if (i == n) {
			usage(stderr, cmd);	/* getopt said which option */
			ret = 2;
		} else if (cli_set(cmd, &opts[i], optarg) == -1)
			ret = 2;
		else if (opts[i].kind == CLI_ANSWER)
			ret = 0;
	}
	free(lo);
	free(shorts);
	return ret;
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

const char *
cli_operand(const char *cmd, int argc, char **argv, const char *want)
{
	if (optind != argc - 1) {
		cli_usage_error(cmd, "%s", want);
		return NULL;
	}
	return argv[optind];
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

/* --synonyms FILE, or --synonyms '' for none (not even the
 * configuration's). */
static int	 cli_synonyms_given;

int
cli_synonyms(char *path, void *out)
{
	struct synonyms	**syn = out;
	char		 *cause = NULL;

	cli_synonyms_given = 1;
	synonyms_free(*syn);
	*syn = NULL;
	if (*path == '\0')
		return 0;
	if ((*syn = synonyms_load(path, &cause)) == NULL) {
		cli_cause(cause);
		return -1;
	}
	return 0;
}

static int
cli_ini(void *arg, const char *section, const char *name, const char *value)
{
	char	**out = arg;

	if (strcmp(section, "search") == 0 && strcmp(name, "synonyms") == 0) {
		free(*out);
		*out = xstrdup(value);
	}
	return 1;
}

/*
 * The synonyms savoird would search with: [search] synonyms of the
 * configuration found as the server's would be (--config, else
 * $SAVOIR_CONF, an empty one meaning none, else SYSCONFDIR/savoir/
 * savoir.conf when there is one), unless --synonyms was given.  A file
 * named but absent is searched without, as the server does (with a
 * warning, unless its path starts with '-'); one that is wrong is an
 * error.  0, or -1 with the message printed.
 */
int
cli_config_synonyms(struct synonyms **syn)
{
	static const char	 dflt[] = SYSCONFDIR "/savoir/savoir.conf";
	const char		*path = cli.config;
	const char		*file;
	char			*val = NULL, *cause = NULL;
	int			 rc, explicit = 1;

	if (cli_synonyms_given)
		return 0;
	if (path == NULL && (path = getenv("SAVOIR_CONF")) == NULL) {
		path = dflt;
		explicit = 0;
		if (access(path, F_OK) == -1)
			return 0;
	}
	if (*path == '\0')
		return 0;
	if ((rc = ini_parse(path, cli_ini, &val)) != 0) {
		free(val);
		if (rc == -1)
			log_warnx("%s: cannot read: %s%s", path,
			    strerror(errno), explicit ? "" :
			    " (searching without its synonyms)");
		else
			log_warnx("%s: line %d: not a 'key = value' line or a "
			    "[section]", path, rc);
		return explicit ? -1 : 0;
	}
	/* "-PATH": a file that may be absent, quietly (as savoird). */
	file = val == NULL ? "" : val + (*val == '-');
	if (*file == '\0') {
		free(val);
		return 0;
	}
	if (access(file, F_OK) == -1) {
		if (file == val)
			log_warnx("%s: [search] synonyms: %s does not exist: "
			    "searching without synonyms", path, file);
		free(val);
		return 0;
	}
	if ((*syn = synonyms_load(file, &cause)) == NULL) {
		log_warnx("%s: [search] synonyms: %s", path, cause);
		free(cause);
		free(val);
		return -1;
	}
	free(val);
	return 0;
}
