/*
 * log.c - logging to stderr or syslog, in English, one line per event.
 * Owns the process-wide log level.  Never allocates on the error path.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "savoir.h"

static const char	*log_name = "savoir";
static int		 log_level = SAVOIR_LOG_INFO;
static int		 log_syslog;

void
log_init(const char *name, int level, int use_syslog)
{
	log_name = name;
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_get_level(void)
{
	return log_level;
}

void
log_vlog(int level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
	char	 line[2048];

	if (level < log_level)
		return;
	if (level < SAVOIR_LOG_DEBUG || level > SAVOIR_LOG_ERROR)
		level = SAVOIR_LOG_ERROR;
	vsnprintf(line, sizeof line, fmt, ap);
	if (log_syslog)
		syslog(prio[level], "%s", line);
	else
		fprintf(stderr, "%s: %s\n", log_name, line);
}

static void
log_vlog_str(int level, const char *msg, const char *err)
{
	if (level < log_level)
		return;
	if (log_syslog)
		syslog(level >= SAVOIR_LOG_ERROR ? LOG_ERR : LOG_WARNING,
		    "%s: %s", msg, err);
	else
		fprintf(stderr, "%s: %s: %s\n", log_name, msg, err);
}

static void	log_errno(int, const char *, va_list) SAVOIR_PRINTFLIKE(2, 0);

static void
log_errno(int level, const char *fmt, va_list ap)
{
	char	 msg[1024];
	int	 saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	log_vlog_str(level, msg, strerror(saved));
}

/* The variadic front ends: vlog is log_vlog, or log_errno to add errno's
 * text; then is what follows (the fatal ones exit). */
#define LOG_FN(fn, vlog, level, then)				\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	 ap;						\
								\
	va_start(ap, fmt);					\
	vlog(level, fmt, ap);					\
	va_end(ap);						\
	then;							\
}
LOG_FN(log_debug, log_vlog, SAVOIR_LOG_DEBUG, )
LOG_FN(log_info, log_vlog, SAVOIR_LOG_INFO, )
LOG_FN(log_warnx, log_vlog, SAVOIR_LOG_WARN, )
LOG_FN(log_warn, log_errno, SAVOIR_LOG_WARN, )
LOG_FN(fatal, log_errno, SAVOIR_LOG_ERROR, exit(1))
LOG_FN(fatalx, log_vlog, SAVOIR_LOG_ERROR, exit(1))
