/*
 * savoir.h (CLI) - the savoir command's subcommands.  Each cmd_* takes the
 * arguments after its name and returns the process exit status: 0 success,
 * 1 the command ran but found a problem (--strict failures, check errors,
 * unknown id), 2 it could not run (bad usage, unreadable index).
 */
#ifndef SAVOIR_CLI_H
#define SAVOIR_CLI_H

#include <stdio.h>

#include "../core/savoir.h"
#include "../index/index.h"

struct cli {
	const char	*db;		/* --db, $SAVOIR_DB or ./savoir.db */
	const char	*plugins;	/* --plugins or plugins_default_dirs() */
	const char	*config;	/* --config, for [search] synonyms */
	int		 json;
};

/* main.c */
extern struct cli cli;

/* cli.c */
/*
 * A subcommand's options, one entry each, ended by CLI_OPT_END.  Every
 * option is a long one (--name); ch, when not 0, is its short name too.
 * Tables are automatic: out points into the command's own variables.
 */
enum cli_kind {
	CLI_FLAG,	/* no argument: *(int *)out = 1 */
	CLI_INT,	/* *(int *)out = an integer in [min, max] */
	CLI_STR,	/* *(const char **)out = the argument */
	CLI_FN,		/* fn(argument, out): 0, or -1 once it said why */
	CLI_ANSWER,	/* no argument: fn(NULL, out) prints the whole
			 * answer (--version): the run ends, status 0 */
};

struct cli_opt {
	const char	*name;
	int		 ch;
	enum cli_kind	 kind;
	void		*out;
	long long	 min, max;	/* CLI_INT */
	const char	*unit;		/* CLI_INT: "" or ends in a space */
	int		(*fn)(char *, void *);	/* CLI_FN */
};

#define CLI_OPT_FLAG(name, ch, out) \
	{ name, ch, CLI_FLAG, out, 0, 0, NULL, NULL }
#define CLI_OPT_INT(name, ch, out, min, max, unit) \
	{ name, ch, CLI_INT, out, min, max, unit, NULL }
#define CLI_OPT_STR(name, ch, out) \
	{ name, ch, CLI_STR, out, 0, 0, NULL, NULL }
#define CLI_OPT_FN(name, ch, fn, out) \
	{ name, ch, CLI_FN, out, 0, 0, NULL, fn }
#define CLI_OPT_ANSWER(name, ch, fn) \
	{ name, ch, CLI_ANSWER, NULL, 0, 0, NULL, fn }
/* Every subcommand that reads the index takes --db FILE, as main() does. */
#define CLI_OPT_DB	CLI_OPT_STR("db", 'd', &cli.db)
#define CLI_OPT_END	{ NULL, 0, CLI_FLAG, NULL, 0, 0, NULL, NULL }

/*
 * Read the options of savoir cmd (NULL: savoir's own, which stop at the
 * subcommand) from argv[1] on.  --help (-h) is always there: it prints
 * usage(stdout, cmd).  An unknown option or a missing argument prints
 * usage(stderr, cmd), a bad value "OPT wants UNIT MIN to MAX" or what fn
 * said.  Returns -1 to run the command, its operands from argv[optind]
 * on; else the exit status to return at once (0 after --help or a
 * CLI_ANSWER, 2 after an error).
 */
int		 cli_parse(const char *cmd, int argc, char **argv,
		    const struct cli_opt *opts,
		    void (*usage)(FILE *, const char *));
void		 cli_usage_error(const char *cmd, const char *fmt, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
/*
 * The single operand of savoir cmd, after cli_parse(): argv[optind], or
 * NULL once the usage error want (what to give, e.g. "which user?") is
 * printed because there is none or more than one.
 */
const char	*cli_operand(const char *cmd, int argc, char **argv,
		    const char *want);
/* Print "savoir: cause" and free cause. */
void		 cli_cause(char *cause);
/* The index at cli.db, or NULL once the reason is printed. */
struct store	*cli_open(int flags);
/*
 * CLI_FN for --synonyms: replace *(struct synonyms **)out with the
 * synonyms of path, or -1 once the reason is printed (it is then NULL).
 */
int		 cli_synonyms(char *path, void *out);
/* The configuration's [search] synonyms, unless --synonyms was given. */
int		 cli_config_synonyms(struct synonyms **);

/* cmd_index.c */
int	cmd_index(int, char **);

/* cmd_search.c */
int	cmd_search(int, char **);
/* The JSON answer of a search, as `savoir search --json` prints it. */
struct json_t;
struct json_t	*results_json(const char *q, const struct results *, int page,
		    int limit);

/* cmd_bench.c */
int	cmd_bench_query(int, char **);

/* cmd_doc.c */
int	cmd_doc(int, char **);

/* cmd_export.c */
int	cmd_export(int, char **);
int	cmd_import(int, char **);

/* cmd_sync.c */
int	cmd_sync(int, char **);

/* cmd_passwd.c */
int	cmd_passwd(int, char **);

/* cmd_info.c */
int	cmd_stats(int, char **);
int	cmd_check(int, char **);
int	cmd_plugins(int, char **);

#endif
