/*
 * main.c - the savoir command: global options, then one subcommand.
 * Owns the process-wide SQLite configuration, which must be set before
 * any connection is opened.
 */
#include "config.h"

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
	{ "sync", cmd_sync, "bring in what changed on another Savoir server" },
};

static void
usage(FILE *f, const char *cmd)
{
	size_t	 i;

	fprintf(f, "usage: savoir [--db FILE] [--plugins DIRS] [--config FILE] "
	    "[-v] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'savoir COMMAND --help' describes a command.\n"
	    "The index is --db, else $SAVOIR_DB, else ./savoir.db.\n"
	    "search uses the [search] synonyms of --config, else $SAVOIR_CONF,\n"
	    "else " SYSCONFDIR "/savoir/savoir.conf, as savoird would.\n");
}

static int
version(char *arg, void *out)
{
	printf("savoir %s\n", PACKAGE_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t		 i;
	int		 verbose = 0, ret;
	struct cli_opt	 opts[] = {
		CLI_OPT_DB,
		CLI_OPT_STR("plugins", 'p', &cli.plugins),
		CLI_OPT_STR("config", 'c', &cli.config),
		CLI_OPT_FLAG("verbose", 'v', &verbose),
		CLI_OPT_ANSWER("version", 'V', version),
		CLI_OPT_END
	};

	store_library_init(0);
	cli.db = getenv("SAVOIR_DB") != NULL ? getenv("SAVOIR_DB") :
	    "savoir.db";
	cli.plugins = plugins_default_dirs();
	if ((ret = cli_parse(NULL, argc, argv, opts, usage)) != -1)
		return ret;
	log_init("savoir", verbose ? SAVOIR_LOG_DEBUG : SAVOIR_LOG_INFO, 0);
	if (optind >= argc) {
		usage(stderr, NULL);
		return 2;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[optind], cmds[i].name) == 0) {
			argc -= optind;
			argv += optind;
			return cmds[i].fn(argc, argv);
		}
	}
	fprintf(stderr, "savoir: unknown command '%s'\n\n", argv[optind]);
	usage(stderr, NULL);
	return 2;
}
