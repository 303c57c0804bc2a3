/*
 * cmd_index.c - savoir index: keep an index in step with folder trees.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir.h"

static void
index_usage(FILE *f)
{
	fprintf(f, "usage: savoir index [--db FILE] [--strict] [--force] "
	    "[--quiet] [--cpu]\n"
	    "                    [--timeout SECONDS] [--max-size MB] "
	    "[--memory MB] DIR...\n\n"
	    "Index every file under each DIR; run again, only what changed is "
	    "read again\nand documents whose file disappeared are removed.\n"
	    "  --strict     exit 1 if any file or part of a file could not be "
	    "indexed\n"
	    "  --force      extract every file again\n"
	    "  --cpu        tell where the CPU time and the memory went\n"
	    "  --with-repealed  keep repealed legal articles\n"
	    "  --timeout S  time allowed per file (default 30)\n"
	    "  --max-size M largest file read, in MB (default 64)\n"
	    "  --memory M   memory allowed to a plugin, in MB (default 1024)\n");
}

int
cmd_index(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cpu", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "memory", required_argument, NULL, 'M' },
		{ "with-repealed", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct index_opts	 opts;
	struct index_stats	 st, total;
	struct plugins		*pl;
	struct store		*store;
	char			*cause = NULL;
	long long		 v;
	int			 ch, i, quiet = 0, cpu = 0, ret = 0;

	memset(&opts, 0, sizeof opts);
	extract_limits_default(&opts.limits);
	opts.batch_docs = 500;
	while ((ch = cli_getopt(argc, argv, "d:sfqt:m:M:rh",
	    longopts)) != -1) {
		switch (ch) {
		case 's':
			opts.strict = 1;
			break;
		case 'f':
			opts.force = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'c':
			cpu = 1;
			break;
		case 't':
			if (cli_int("index", "--timeout", "seconds from ",
			    optarg, 1, 86400, &v) == -1)
				return 2;
			opts.limits.timeout_ms = (int)v * 1000;
			opts.limits.cpu_s = (int)v;
			break;
		case 'm':
			if (cli_int("index", "--max-size", "MB from ", optarg,
			    1, 4096, &v) == -1)
				return 2;
			opts.limits.max_file = (size_t)v << 20;
			break;
		case 'M':
			if (cli_int("index", "--memory", "MB from ", optarg,
			    16, 65536, &v) == -1)
				return 2;
			opts.limits.mem = (size_t)v << 20;
			break;
		case 'r':
			opts.limits.flags |= SAVOIR_INPUT_WITH_REPEALED;
			break;
		case 'h':
			index_usage(stdout);
			return 0;
		default:
			index_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		cli_usage_error("index", "which folder? e.g. savoir index "
		    "corpus/");
		return 2;
	}
	opts.progress = !quiet && isatty(STDERR_FILENO);

	pl = plugins_load(cli.plugins);
	if (pl->n == 0) {
		fprintf(stderr, "savoir: no plugin loaded from %s: nothing "
		    "can be indexed\n", cli.plugins);
		plugins_free(pl);
		return 2;
	}
	if ((store = cli_open(STORE_CREATE)) == NULL) {
		plugins_free(pl);
		return 2;
	}
	memset(&total, 0, sizeof total);
	for (i = optind; i < argc; i++) {
		if (indexer_run(store, pl, argv[i], &opts, &st,
		    &cause) == -1) {
			cli_cause(cause);
			cause = NULL;
			ret = 2;
			break;
		}
		total.files_seen += st.files_seen;
		total.files_indexed += st.files_indexed;
		total.files_unchanged += st.files_unchanged;
		total.files_failed += st.files_failed;
		total.files_removed += st.files_removed;
		total.docs += st.docs;
		total.bytes += st.bytes;
		total.warnings += st.warnings;
		total.elapsed_us += st.elapsed_us;
		total.cpu_writer_us += st.cpu_writer_us;
		total.cpu_collect_us += st.cpu_collect_us;
		total.cpu_extract_us += st.cpu_extract_us;
		if (st.rss_self_kb > total.rss_self_kb)
			total.rss_self_kb = st.rss_self_kb;
		if (st.rss_child_kb > total.rss_child_kb)
			total.rss_child_kb = st.rss_child_kb;
	}
	if (ret == 0 && !quiet)
		printf("indexed %lld files (%lld read, %lld unchanged, "
		    "%lld removed, %lld failed, %lld warnings): %lld documents, "
		    "%.1f MB in %.2f s\n",
		    (long long)total.files_seen, (long long)total.files_indexed,
		    (long long)total.files_unchanged,
		    (long long)total.files_removed,
		    (long long)total.files_failed, (long long)total.warnings,
		    (long long)total.docs, total.bytes / 1e6,
		    total.elapsed_us / 1e6);
	if (ret == 0 && cpu)
		printf("cpu: writer %.2f s, collecting %.2f s, extractor "
		    "children %.2f s\n", total.cpu_writer_us / 1e6,
		    total.cpu_collect_us / 1e6, total.cpu_extract_us / 1e6);
	if (ret == 0 && cpu)
		printf("peak RSS: writer %.0f MB, largest extractor child "
		    "%.0f MB\n", total.rss_self_kb / 1024.0,
		    total.rss_child_kb / 1024.0);
	if (ret == 0 && opts.strict &&
	    (total.files_failed > 0 || total.warnings > 0)) {
		fprintf(stderr, "savoir: --strict: %lld files failed, %lld "
		    "warnings\n", (long long)total.files_failed,
		    (long long)total.warnings);
		ret = 1;
	}
	store_close(store);
	plugins_free(pl);
	return ret;
}
