/*
 * cmd_index.c - savoir index: keep an index in step with folder trees.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir.h"

static void
index_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: savoir index [--db FILE] [--strict] [--force] "
	    "[--quiet] [--cpu] [--watch]\n"
	    "                    [--timeout SECONDS] [--max-size MB] "
	    "[--memory MB] DIR...\n\n"
	    "Index every file under each DIR; run again, only what changed is "
	    "read again\nand documents whose file disappeared are removed.\n"
	    "  --strict     exit 1 if any file or part of a file could not be "
	    "indexed\n"
	    "  --force      extract every file again\n"
	    "  --watch      then follow the folders and index what changes "
	    "(within 2 s),\n"
	    "               until SIGINT or SIGTERM\n"
	    "  --cpu        tell where the CPU time and the memory went\n"
	    "  --with-repealed  keep repealed legal articles\n"
	    "  --timeout S  time allowed per file (default 30)\n"
	    "  --max-size M largest file read, in MB (default 64)\n"
	    "  --memory M   memory allowed to a plugin, in MB (default 1024)\n");
}

/* One DIR's figures into the total: counts and times add up, peaks do not. */
static void
index_stats_add(struct index_stats *t, const struct index_stats *s)
{
#define ADD(f)	(t->f += s->f)
#define PEAK(f)	(t->f = s->f > t->f ? s->f : t->f)
	ADD(files_seen), ADD(files_indexed), ADD(files_unchanged),
	    ADD(files_failed), ADD(files_removed), ADD(docs), ADD(bytes),
	    ADD(warnings), ADD(elapsed_us), ADD(cpu_writer_us),
	    ADD(cpu_collect_us), ADD(cpu_extract_us);
	PEAK(rss_self_kb), PEAK(rss_child_kb);
#undef ADD
#undef PEAK
}

int
cmd_index(int argc, char **argv)
{
	struct index_opts	 opts;
	struct index_stats	 st, total;
	struct plugins		*pl;
	struct store		*store;
	char			*cause = NULL;
	int			 i, quiet = 0, cpu = 0, repealed = 0, ret;
	int			 watch = 0;
	int			 timeout = 0, max_size = 0, memory = 0;
	struct cli_opt		 args[] = {
		CLI_OPT_DB,
		CLI_OPT_FLAG("strict", 's', &opts.strict),
		CLI_OPT_FLAG("force", 'f', &opts.force),
		CLI_OPT_FLAG("quiet", 'q', &quiet),
		CLI_OPT_FLAG("cpu", 0, &cpu),
		CLI_OPT_INT("timeout", 't', &timeout, 1, 86400,
		    "seconds from "),
		CLI_OPT_INT("max-size", 'm', &max_size, 1, 4096, "MB from "),
		CLI_OPT_INT("memory", 'M', &memory, 16, 65536, "MB from "),
		CLI_OPT_FLAG("with-repealed", 'r', &repealed),
		CLI_OPT_FLAG("watch", 'w', &watch),
		CLI_OPT_END
	};

	memset(&opts, 0, sizeof opts);
	extract_limits_default(&opts.limits);
	opts.batch_docs = 500;
	if ((ret = cli_parse("index", argc, argv, args, index_usage)) != -1)
		return ret;
	ret = 0;
	/* 0: not given, the default stands (every bound is above 0). */
	if (timeout != 0) {
		opts.limits.timeout_ms = timeout * 1000;
		opts.limits.cpu_s = timeout;
	}
	if (max_size != 0)
		opts.limits.max_file = (size_t)max_size << 20;
	if (memory != 0)
		opts.limits.mem = (size_t)memory << 20;
	if (repealed)
		opts.limits.flags |= SAVOIR_INPUT_WITH_REPEALED;
	if (optind >= argc) {
		cli_usage_error("index", "which folder? e.g. savoir index "
		    "corpus/");
		return 2;
	}
	opts.progress = !quiet && !watch && isatty(STDERR_FILENO);

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
	if (watch) {
		/* The figures go to the log, one line per batch. */
		if (watch_run(store, pl, argv + optind, (size_t)(argc - optind),
		    &opts, &cause) == -1) {
			cli_cause(cause);
			ret = 2;
		}
		store_close(store);
		plugins_free(pl);
		return ret;
	}
	memset(&total, 0, sizeof total);
	for (i = optind; i < argc; i++) {
		if (indexer_run(store, pl, argv[i], &opts, &st,
		    &cause) == -1) {
			cli_cause(cause);
			cause = NULL;
			ret = 2;
			index_stats_add(&total, &st);
			break;
		}
		index_stats_add(&total, &st);
	}
	/* Stopped on the way (a full disk, say): what the index holds. */
	if (ret != 0 && total.files_seen > 0)
		fprintf(stderr, "savoir: stopped; the index keeps what was "
		    "written before: %lld files (%lld read, %lld unchanged, "
		    "%lld removed, %lld failed): %lld documents\n",
		    (long long)(total.files_indexed + total.files_unchanged +
		    total.files_removed + total.files_failed),
		    (long long)total.files_indexed,
		    (long long)total.files_unchanged,
		    (long long)total.files_removed,
		    (long long)total.files_failed, (long long)total.docs);
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
