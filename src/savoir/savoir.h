/*
 * savoir.h (CLI) - the savoir command's subcommands.  Each cmd_* takes the
 * arguments after its name and returns the process exit status: 0 success,
 * 1 the command ran but found a problem (--strict failures, check errors,
 * unknown id), 2 it could not run (bad usage, unreadable index).
 */
#ifndef SAVOIR_CLI_H
#define SAVOIR_CLI_H

#include "../core/savoir.h"
#include "../index/index.h"

struct cli {
	const char	*db;		/* --db, $SAVOIR_DB or ./savoir.db */
	const char	*plugins;	/* --plugins or plugins_default_dirs() */
	int		 json;
};

/* main.c */
extern struct cli cli;

/* cli.c */
/*
 * getopt_long for a subcommand.  Every one that reads the index takes
 * --db FILE (-d, which optstring and longopts must name) as main() does:
 * it is set here, never returned.
 */
struct option;
int		 cli_getopt(int argc, char **argv, const char *optstring,
		    const struct option *longopts);
void		 cli_usage_error(const char *cmd, const char *fmt, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
/* Print "savoir: cause" and free cause. */
void		 cli_cause(char *cause);
/* The index at cli.db, or NULL once the reason is printed. */
struct store	*cli_open(int flags);
/*
 * An option's integer in [min, max], or -1 once the usage error is printed
 * ("OPT wants UNIT MIN to MAX"; unit is "" or ends in a space).
 */
int		 cli_int(const char *cmd, const char *opt, const char *unit,
		    const char *arg, long long min, long long max,
		    long long *out);
/* Replace *syn with the synonyms of path, or -1 once the reason is printed
 * (*syn is then NULL). */
int		 cli_synonyms(const char *path, struct synonyms **syn);

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

/* cmd_passwd.c */
int	cmd_passwd(int, char **);

/* cmd_info.c */
int	cmd_stats(int, char **);
int	cmd_check(int, char **);
int	cmd_plugins(int, char **);

#endif
