/*
 * main.c - the savoir command: global options, then one subcommand.
 * Owns the process-wide SQLite configuration, which must be set before
 * any connection is opened.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir.h"

struct cli cli;

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} cmds[] = {
	{ "index", cmd_index, "index a folder tree (again: only what changed)" },
	{ "search", cmd_search, "search the index" },
	{ "bench-query", cmd_bench_query, "time a list of queries, print "
	    "their ranked ids" },
	{ "doc", cmd_doc, "show one document by id" },
	{ "stats", cmd_stats, "documents per type, index size, last indexing" },
	{ "check", cmd_check, "verify the index (SQLite, FTS5, schema)" },
	{ "plugins", cmd_plugins, "list the plugins, or why one was refused" },
	{ "export", cmd_export, "write the index to one file, to carry or keep" },
	{ "import", cmd_import, "replace the index with an exported file" },
	{ "passwd", cmd_passwd, "add or change a user of the access file" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: savoir [--db FILE] [--plugins DIRS] [-v] COMMAND "
	    "[ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'savoir COMMAND --help' describes a command.\n"
	    "The index is --db, else $SAVOIR_DB, else ./savoir.db.\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "plugins", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, verbose = 0;
	size_t	 i;

	store_library_init(0);
	cli.db = getenv("SAVOIR_DB") != NULL ? getenv("SAVOIR_DB") :
	    "savoir.db";
	cli.plugins = plugins_default_dirs();
	/* '+': stop at the subcommand, its options are its own. */
	while ((ch = getopt_long(argc, argv, "+d:p:vhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			cli.db = optarg;
			break;
		case 'p':
			cli.plugins = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("savoir %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	log_init("savoir", verbose ? SAVOIR_LOG_DEBUG : SAVOIR_LOG_INFO, 0);
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[optind], cmds[i].name) == 0) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* reset getopt for the subcommand */
			return cmds[i].fn(argc, argv);
		}
	}
	fprintf(stderr, "savoir: unknown command '%s'\n\n", argv[optind]);
	usage(stderr);
	return 2;
}
