/*
 * pool.c - a worker's connections as a whole (struct pool): the exact cap
 * (max_connections, or fewer when descriptors are short), the number of
 * connections one address may hold across the server (max_per_address),
 * and the choice of whom to shed when the worker is full.
 *
 * A connection joins its worker's pool when evhttp accepts it (inside
 * evconnlistener's accept loop, which stops as soon as a callback
 * disables the listener) and leaves when conn_done() or a shed ends it.
 * At the cap, a newcomer takes the place of the connection that has made
 * no progress for the longest time, if that is at least shed_after_ms:
 * an idle keep-alive connection, a silent one, or one trickling a request
 * it has not finished.  With no such connection the worker stops
 * accepting (the kernel holds newcomers in the backlog) and the guard
 * timer resumes it when one appears.  So the count never goes past the
 * cap, and a client that sends its request at once is not kept waiting
 * by clients that do not.
 *
 * The per-address table is the only state shared between workers (one
 * mutex, taken once per connection and once per close).  A connection's
 * address is only known once evhttp has given the bufferevent its socket,
 * just after the accept callback: pool_join queues it and a zero-delay
 * event checks it.
 *
 * This file never reads or writes a connection's bytes; ending one is
 * conn_close's (the listener's close path).  Everything but the address
 * table and the counters runs on the worker's thread.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/queue.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "savoir.h"
#include "conn.h"

#define POOL_ADDR_BUCKETS	4096
/*
 * Connections shed in one turn of the accept loop at most: a shed
 * connection's descriptor is closed only once the loop has turned, so
 * without this a full backlog would hold twice its length in descriptors
 * for a moment.  The worker pauses and resumes once the turn is over.
 */
#define POOL_TURN_SHED		16

/* How many connections one address holds, server-wide. */
struct pool_addr {
	struct pool_addr	*next;
	unsigned char		 key[17];	/* family, then the address */
	int			 n;
};

static pthread_mutex_t	 pool_addr_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_addr	*pool_addrs[POOL_ADDR_BUCKETS];

TAILQ_HEAD(pool_conns, conn);

struct pool {
	struct event_base	*base;
	struct pool_conns	 conns;		/* oldest progress first */
	struct pool_conns	 pending;	/* address not checked yet */
	struct event		*check;		/* checks pending */
	void			(*pause)(void *, int);
	void			*arg;
	int			 paused;
	int			 turn_shed;	/* shed since the last check */
	atomic_int		 cap;
	atomic_int		 per_address;	/* 0: no limit */
	atomic_int		 shed_ms;	/* 0: never shed */
	atomic_llong		 active;
	atomic_ullong		 shed;
	atomic_ullong		 refused_cap;
	atomic_ullong		 refused_address;
	/* Closes here are summed up at most once a second: a crowd of
	 * reconnecting clients would otherwise flood the log. */
	int64_t			 said_us;
	unsigned long long	 said_shed, said_cap, said_address;
	char			 said_host[INET6_ADDRSTRLEN];
};

static void
pool_say(struct pool *p, int64_t now)
{
	unsigned long long	 shed = atomic_load(&p->shed),
				 cap = atomic_load(&p->refused_cap),
				 addr = atomic_load(&p->refused_address);

	if (now - p->said_us < 1000000)
		return;
	if (shed > p->said_shed)
		log_info("%llu stale connections shed for new clients "
		    "(worker at its cap of %d, no progress for %d ms)",
		    shed - p->said_shed, atomic_load(&p->cap),
		    atomic_load(&p->shed_ms));
	if (cap > p->said_cap)
		log_warnx("%llu connections closed at once: worker at its "
		    "cap of %d", cap - p->said_cap, atomic_load(&p->cap));
	if (addr > p->said_address)
		log_warnx("%llu connections closed at once: their address "
		    "(last %s) already held %d connections (max_per_address)",
		    addr - p->said_address, p->said_host,
		    atomic_load(&p->per_address));
	p->said_us = now;
	p->said_shed = shed;
	p->said_cap = cap;
	p->said_address = addr;
}

static uint32_t
pool_hash(const unsigned char *key)
{
	uint32_t	 h = 2166136261u;
	int		 i;

	for (i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % POOL_ADDR_BUCKETS;
}

/* Count one more connection from key; NULL when it has max already. */
static struct pool_addr *
pool_addr_take(const unsigned char *key, int max)
{
	struct pool_addr	*a;
	uint32_t		 h = pool_hash(key);

	pthread_mutex_lock(&pool_addr_lock);
	for (a = pool_addrs[h]; a != NULL; a = a->next)
		if (memcmp(a->key, key, sizeof a->key) == 0)
			break;
	if (a == NULL) {
		a = xcalloc(1, sizeof *a);
		memcpy(a->key, key, sizeof a->key);
		a->next = pool_addrs[h];
		pool_addrs[h] = a;
	}
	if (max > 0 && a->n >= max)
		a = NULL;
	else
		a->n++;
	pthread_mutex_unlock(&pool_addr_lock);
	return a;
}

static void
pool_addr_drop(struct pool_addr *a)
{
	struct pool_addr	**pp;

	pthread_mutex_lock(&pool_addr_lock);
	if (--a->n == 0) {
		for (pp = &pool_addrs[pool_hash(a->key)]; *pp != a;
		    pp = &(*pp)->next)
			;
		*pp = a->next;
		free(a);
	}
	pthread_mutex_unlock(&pool_addr_lock);
}

/* The connection to shed for a newcomer, or NULL. */
static struct conn *
pool_victim(struct pool *p, int64_t now)
{
	struct conn	*c;
	int64_t		 age = (int64_t)atomic_load(&p->shed_ms) * 1000;

	if (age <= 0)
		return NULL;
	TAILQ_FOREACH(c, &p->conns, entry) {
		if (now - c->mark_us < age)
			return NULL;	/* the rest are younger */
		if (c->closing || (c->busy != NULL && c->busy(c, c->arg)))
			continue;	/* an answer still leaving */
		return c;
	}
	return NULL;
}

static void
pool_set_paused(struct pool *p, int paused)
{
	if (p->paused == paused)
		return;
	p->paused = paused;
	p->pause(p->arg, paused);
}

/* Out of the pool: no longer counted, nor its address. */
static void
pool_out(struct conn *c)
{
	struct pool	*p = c->pool;

	if (p == NULL)
		return;
	if (c->pending)
		TAILQ_REMOVE(&p->pending, c, entry);
	else
		TAILQ_REMOVE(&p->conns, c, entry);
	c->pending = 0;
	c->pool = NULL;
	atomic_fetch_sub(&p->active, 1);
	if (c->addr != NULL) {
		pool_addr_drop(c->addr);
		c->addr = NULL;
	}
}

static void
pool_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pool		*p = arg;
	struct conn		*c;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned char		 key[17];
	char			 host[INET6_ADDRSTRLEN];
	int			 s;

	(void)fd;
	(void)what;
	while ((c = TAILQ_FIRST(&p->pending)) != NULL) {
		TAILQ_REMOVE(&p->pending, c, entry);
		TAILQ_INSERT_TAIL(&p->conns, c, entry);
		c->pending = 0;
		if (!c->closing && c->settled != NULL)
			c->settled(c, c->arg);
		len = sizeof ss;
		if (c->pool == NULL || c->closing || c->fd == NULL || (s = c->fd(c,
		    c->arg)) == -1 || getpeername(s, (struct sockaddr *)&ss,
		    &len) == -1)
			continue;
		memset(key, 0, sizeof key);
		if (ss.ss_family == AF_INET) {
			key[0] = 4;
			memcpy(key + 1,
			    &((struct sockaddr_in *)&ss)->sin_addr, 4);
			inet_ntop(AF_INET, key + 1, host, sizeof host);
		} else if (ss.ss_family == AF_INET6) {
			key[0] = 6;
			memcpy(key + 1,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			inet_ntop(AF_INET6, key + 1, host, sizeof host);
		} else
			continue;
		if ((c->addr = pool_addr_take(key,
		    atomic_load(&p->per_address))) != NULL)
			continue;
		atomic_fetch_add(&p->refused_address, 1);
		snprintf(p->said_host, sizeof p->said_host, "%s", host);
		pool_out(c);
		c->quiet = 1;
		conn_close(c, "max_per_address");
		pool_say(p, mono_us());
	}
	p->turn_shed = 0;
	pool_tick(p);
}

struct pool *
pool_new(struct event_base *base, void (*pause)(void *, int), void *arg)
{
	struct pool	*p;

	p = xcalloc(1, sizeof *p);
	p->base = base;
	TAILQ_INIT(&p->conns);
	TAILQ_INIT(&p->pending);
	p->pause = pause;
	p->arg = arg;
	atomic_init(&p->cap, 1024);
	if ((p->check = event_new(base, -1, 0, pool_check_cb, p)) == NULL)
		fatalx("pool: cannot create an event");
	return p;
}

/* After every connection has left (the evhttps are freed). */
void
pool_free(struct pool *p)
{
	struct conn	*c;

	if (p == NULL)
		return;
	while ((c = TAILQ_FIRST(&p->pending)) != NULL)
		pool_out(c);
	while ((c = TAILQ_FIRST(&p->conns)) != NULL)
		pool_out(c);
	event_free(p->check);
	free(p);
}

void
pool_set(struct pool *p, int cap, int per_address, int shed_ms)
{
	atomic_store(&p->cap, cap > 0 ? cap : 1);
	atomic_store(&p->per_address, per_address);
	atomic_store(&p->shed_ms, shed_ms);
}

void
pool_join(struct pool *p, struct conn *c)
{
	int64_t		 now = mono_us();
	long long	 cap = atomic_load(&p->cap);
	struct conn	*v;

	c->mark_us = now;
	if (atomic_load(&p->active) >= cap) {
		if ((v = pool_victim(p, now)) == NULL) {
			/* Accepted in the same loop turn as the last one
			 * that fit: the count stays at the cap. */
			atomic_fetch_add(&p->refused_cap, 1);
			pool_set_paused(p, 1);
			c->quiet = 1;
			conn_close(c, "at the cap");
			pool_say(p, now);
			return;
		}
		atomic_fetch_add(&p->shed, 1);
		pool_out(v);
		v->quiet = 1;
		conn_close(v, "shed");
		pool_say(p, now);
		if (++p->turn_shed >= POOL_TURN_SHED)
			pool_set_paused(p, 1);
	}
	c->pool = p;
	c->pending = 1;
	TAILQ_INSERT_TAIL(&p->pending, c, entry);
	atomic_fetch_add(&p->active, 1);
	event_active(p->check, EV_TIMEOUT, 0);
	/* Stop accepting in this very turn if the next one would not fit. */
	if (atomic_load(&p->active) >= cap && pool_victim(p, now) == NULL)
		pool_set_paused(p, 1);
}

void
pool_leave(struct conn *c)
{
	pool_out(c);
}

void
pool_touch(struct conn *c)
{
	struct pool	*p = c->pool;

	if (p == NULL)
		return;
	c->mark_us = mono_us();
	if (!c->pending) {
		TAILQ_REMOVE(&p->conns, c, entry);
		TAILQ_INSERT_TAIL(&p->conns, c, entry);
	}
}

void
pool_tick(struct pool *p)
{
	pool_say(p, mono_us());
	if (p->paused && p->turn_shed < POOL_TURN_SHED && (atomic_load(&p->active) < atomic_load(&p->cap) ||
	    pool_victim(p, mono_us()) != NULL))
		pool_set_paused(p, 0);
}

void
pool_stats(struct pool *p, struct pool_stats *st)
{
	memset(st, 0, sizeof *st);
	if (p == NULL)
		return;
	st->active = atomic_load(&p->active);
	st->cap = atomic_load(&p->cap);
	st->shed = atomic_load(&p->shed);
	st->refused_cap = atomic_load(&p->refused_cap);
	st->refused_address = atomic_load(&p->refused_address);
}
