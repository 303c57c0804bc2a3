/*
 * verify.c - password hashing off the event loops.  yescrypt takes tens of
 * milliseconds on purpose; run on a worker's thread it would stall every
 * connection of that worker (160 wrong passwords at once held /healthz
 * for 13-19 s).  A few verifier threads take the jobs from one bounded
 * queue instead, and each answer goes back to the worker that asked,
 * through an event of its own made active.
 *
 * Owns: the verifier threads (started on first use, never stopped: they
 * hold nothing but the queue), the queue, and one port per worker (its
 * event and the list of answers waiting for it).
 *
 * Never: touch a libevent object from a verifier thread other than by
 * event_active (thread-safe: libevent runs with pthread locking), keep a
 * password or a hash once the job is done, or queue without bound: a full
 * queue is the caller's 503.
 */
#include "config.h"

#include <sys/queue.h>

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoird.h"

#define VERIFY_MAX_THREADS	8

struct verify_job {
	TAILQ_ENTRY(verify_job)	 entry;
	struct verify_port	*port;
	char			*password;
	char			*hash;
	int			 ok;
	verify_cb		*cb;
	void			*arg;
};
TAILQ_HEAD(verify_jobs, verify_job);

/* A worker's mailbox: its event and the answers it has not read yet. */
struct verify_port {
	struct worker		*w;
	struct event		*ev;
	struct verify_jobs	 done;
	int			 dead;		/* the worker stopped */
};

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct verify_jobs	 queue;
	size_t			 queued;
	int			 started;	/* threads running */
	struct verify_port	 ports[SAVOIRD_MAX_WORKERS];
} vq = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.queue = TAILQ_HEAD_INITIALIZER(vq.queue),
};

static void
verify_job_free(struct verify_job *j)
{
	if (j == NULL)
		return;
	if (j->password != NULL) {
		explicit_bzero(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->hash);
	free(j);
}

static pthread_once_t	 verify_dummy_once = PTHREAD_ONCE_INIT;
static char		*verify_dummy;

/* A hash of a random password, so unknown users cost a real hashing. */
static void
verify_dummy_init(void)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;

	cd = xcalloc(1, sizeof *cd);
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) != NULL &&
	    (h = crypt_r("not a password", salt, cd)) != NULL && *h == '$')
		verify_dummy = xstrdup(h);
	else
		verify_dummy = xstrdup("$y$j9T$AAAAAAAAAAAAAAAAAAAAA.$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	free(cd);
}

/* Does password match hash (NULL: the dummy, never)?  Constant time in
 * the comparison. */
static int
verify_hash(const char *password, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	size_t			 n, i;
	unsigned char		 diff = 0;
	int			 known = hash != NULL;

	if (!known) {
		pthread_once(&verify_dummy_once, verify_dummy_init);
		hash = verify_dummy;
	}
	cd = xcalloc(1, sizeof *cd);
	h = crypt_r(password, hash, cd);
	n = strlen(hash);
	if (h == NULL || *h == '*' || strlen(h) != n)
		diff = 1;
	else
		for (i = 0; i < n; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return diff == 0 && known;
}

static void *
verify_main(void *arg)
{
	struct verify_job	*j;
	struct verify_port	*p;

	(void)arg;
	pthread_mutex_lock(&vq.lock);
	for (;;) {
		while ((j = TAILQ_FIRST(&vq.queue)) == NULL)
			pthread_cond_wait(&vq.wake, &vq.lock);
		TAILQ_REMOVE(&vq.queue, j, entry);
		vq.queued--;
		pthread_mutex_unlock(&vq.lock);

		j->ok = verify_hash(j->password, j->hash);
		explicit_bzero(j->password, strlen(j->password));

		pthread_mutex_lock(&vq.lock);
		p = j->port;
		if (p->dead) {
			verify_job_free(j);	/* its worker is gone */
			continue;
		}
		TAILQ_INSERT_TAIL(&p->done, j, entry);
		event_active(p->ev, EV_READ, 0);
	}
	return NULL;
}

/* On the worker's thread: hand every answer to its caller. */
static void
verify_port_cb(evutil_socket_t fd, short what, void *arg)
{
	struct verify_port	*p = arg;
	struct verify_jobs	 done;
	struct verify_job	*j;

	(void)fd;
	(void)what;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&vq.lock);
	TAILQ_CONCAT(&done, &p->done, entry);
	pthread_mutex_unlock(&vq.lock);
	while ((j = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, j, entry);
		j->cb(j->ok, j->arg);
		verify_job_free(j);
	}
}

/* Start the threads once (locked). */
static int
verify_start(int threads)
{
	pthread_t	 t;
	long		 n;
	int		 i;

	if (vq.started > 0)
		return 0;
	if (threads <= 0) {
		/* Half the cores, one or two: the workers keep the rest. */
		n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n >= 4 ? 2 : 1;
	}
	if (threads > VERIFY_MAX_THREADS)
		threads = VERIFY_MAX_THREADS;
	for (i = 0; i < threads; i++) {
		if (pthread_create(&t, NULL, verify_main, NULL) != 0) {
			log_warnx("verify: pthread_create: %s",
			    strerror(errno));
			break;
		}
		pthread_detach(t);
		vq.started++;
	}
	if (vq.started == 0)
		return -1;
	log_info("verify: %d password verifier thread%s", vq.started,
	    vq.started == 1 ? "" : "s");
	return 0;
}

int
verify_submit(struct worker *w, const char *password, const char *hash,
    verify_cb *cb, void *arg)
{
	struct config		*c = w->server->conf;
	struct verify_port	*p;
	struct verify_job	*j;

	if (w->id < 0 || w->id >= SAVOIRD_MAX_WORKERS)
		return -1;
	p = &vq.ports[w->id];
	/* The port is made on its worker's thread, the only one that
	 * creates or frees it. */
	if (p->ev == NULL || p->w != w) {
		if ((p->ev = event_new(w->base, -1, 0, verify_port_cb,
		    p)) == NULL)
			return -1;
		pthread_mutex_lock(&vq.lock);
		p->w = w;
		p->dead = 0;
		TAILQ_INIT(&p->done);
		pthread_mutex_unlock(&vq.lock);
	}

	pthread_mutex_lock(&vq.lock);
	if (verify_start(c->verify_threads) == -1 ||
	    vq.queued >= (size_t)c->verify_queue) {
		pthread_mutex_unlock(&vq.lock);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->port = p;
	j->password = xstrdup(password);
	j->hash = hash != NULL ? xstrdup(hash) : NULL;
	j->cb = cb;
	j->arg = arg;
	TAILQ_INSERT_TAIL(&vq.queue, j, entry);
	vq.queued++;
	pthread_cond_signal(&vq.wake);
	pthread_mutex_unlock(&vq.lock);
	return 0;
}

void
verify_worker_stop(struct worker *w)
{
	struct verify_port	*p;
	struct verify_jobs	 drop;
	struct verify_job	*j, *next;

	if (w->id < 0 || w->id >= SAVOIRD_MAX_WORKERS)
		return;
	p = &vq.ports[w->id];
	if (p->ev == NULL || p->w != w)
		return;
	TAILQ_INIT(&drop);
	pthread_mutex_lock(&vq.lock);
	p->dead = 1;
	TAILQ_CONCAT(&drop, &p->done, entry);
	for (j = TAILQ_FIRST(&vq.queue); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (j->port == p) {
			TAILQ_REMOVE(&vq.queue, j, entry);
			vq.queued--;
			TAILQ_INSERT_TAIL(&drop, j, entry);
		}
	}
	pthread_mutex_unlock(&vq.lock);
	/* A job being hashed now sees dead and frees itself. */
	while ((j = TAILQ_FIRST(&drop)) != NULL) {
		TAILQ_REMOVE(&drop, j, entry);
		j->cb(-1, j->arg);
		verify_job_free(j);
	}
	event_free(p->ev);
	p->ev = NULL;
	p->w = NULL;
}
