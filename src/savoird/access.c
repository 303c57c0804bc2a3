/*
 * access.c - optional HTTP Basic access control.  When [access] users
 * names a file of "user:hash" lines (hashes written by savoir passwd:
 * yescrypt), every request but /healthz must carry a user and password
 * that libcrypt verifies against it.
 *
 * Owns: the users file (re-read when it changes on disk, and on SIGHUP),
 * the count of failed attempts per client address (a /64 for IPv6) over a
 * one-minute window, a global budget of password verifications a second,
 * and a short-lived cache of verified credentials so that yescrypt,
 * deliberately slow, runs once per user per few minutes rather than on
 * every request.  The cache holds HMAC-SHA-256 digests of "user:password"
 * under a random per-process key, never passwords, and never failures.
 * All of it is shared by the worker threads under one mutex, held only for
 * table lookups.  The hashing itself runs on verify.c's threads: a request
 * that needs it waits, its connection with it, while its worker serves the
 * others; the answer comes back on the worker's thread, which then replays
 * the request (http_dispatch) or sends the 401.
 *
 * Never: accept credentials over plain HTTP from another machine (they
 * would cross the network in clear), say whether a user exists (an
 * unknown user costs the same hashing as a wrong password), or fail open
 * when the users file cannot be read, or hash a password on an event
 * loop's thread.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/base64.h>
#include <mbedtls/md.h>

#include "savoird.h"

#define ACCESS_MAX_FILE		(1024 * 1024)
#define ACCESS_MAX_HEADER	1024		/* Authorization: bytes */
#define ACCESS_RECHECK_MS	1000		/* stat the file at most so */
#define ACCESS_WINDOW_MS	60000		/* failures counted per minute */
#define ACCESS_FAIL_SLOTS	1024
#define ACCESS_FAIL_PROBE	8
#define ACCESS_OK_SLOTS		256
#define ACCESS_OK_TTL_MS	(5 * 60 * 1000)
#define ACCESS_DIGEST		32		/* HMAC-SHA-256 */

struct access_user {
	char	*name;
	char	*hash;
};

struct access_fail {
	char	 addr[INET6_ADDRSTRLEN];
	int64_t	 window;		/* start of the minute, ms */
	int	 count;
};

struct access_ok {
	unsigned char	 digest[ACCESS_DIGEST];
	int64_t		 expires;
};

/* A request waiting for its password to be verified. */
struct access_wait {
	struct evhttp_request	*r;
	struct worker		*w;
	int			 tls;
	int64_t			 start_us;
	char			*path;		/* the error's form: /api/ */
	char			*user;		/* for the log */
	char			 peer[INET6_ADDRSTRLEN];
	char			 key[INET6_ADDRSTRLEN];
	unsigned char		 digest[ACCESS_DIGEST];
	uint64_t		 gen;		/* of the users at the start */
};

/* The request access_wait_done replays, verified: on this thread only. */
static _Thread_local struct evhttp_request	*access_passed;
static _Thread_local int64_t			 access_passed_us;

static struct {
	pthread_mutex_t		 lock;
	/* The users file as last read. */
	char			*path;
	int			 loaded;	/* 0: unreadable, deny all */
	dev_t			 dev;
	ino_t			 ino;
	off_t			 size;
	struct timespec		 mtime;
	int64_t			 checked;
	struct access_user	*users;
	size_t			 nusers;
	int			 reread;	/* even if it looks unchanged */
	struct config		*conf;		/* the one last seen */
	uint64_t		 gen;		/* users changed this often */
	unsigned char		 secret[32];	/* keys the verified cache */
	int			 secret_ok;
	struct access_ok	 ok[ACCESS_OK_SLOTS];
	/* The global budget of verifications (a token bucket). */
	double			 tokens;
	int64_t			 filled;	/* ms */
	int64_t			 over_logged;	/* ms */
	long long		 over;		/* refused since logged */
	int64_t			 full_logged;
	long long		 full;
	struct access_fail	 fail[ACCESS_FAIL_SLOTS];
} acc = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
access_users_clear(void)
{
	size_t	 i;

	for (i = 0; i < acc.nusers; i++) {
		free(acc.users[i].name);
		free(acc.users[i].hash);
	}
	free(acc.users);
	acc.users = NULL;
	acc.nusers = 0;
	/* New users, new passwords: forget what was verified, and what is
	 * being verified now against the old ones. */
	explicit_bzero(acc.ok, sizeof acc.ok);
	acc.gen++;
}

/* Parse the file's text into acc.users; bad lines are logged, skipped. */
static void
access_users_parse(const char *path, char *data)
{
	char	*line, *next, *colon, *end;
	int	 lineno = 0;

	for (line = data; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == '\r' || end[-1] == ' ' ||
		    end[-1] == '\t'))
			*--end = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    colon[1] != '$') {
			log_warnx("%s:%d: not a 'user:hash' line made by "
			    "savoir passwd; ignored", path, lineno);
			continue;
		}
		*colon = '\0';
		acc.users = xreallocarray(acc.users, acc.nusers + 1,
		    sizeof *acc.users);
		acc.users[acc.nusers].name = xstrdup(line);
		acc.users[acc.nusers].hash = xstrdup(colon + 1);
		acc.nusers++;
	}
}

/* Re-read the users file if it is another file or changed (locked). */
static void
access_users_refresh(const char *path, int64_t now)
{
	struct stat	 sb;
	char		*data = NULL, *cause = NULL;
	size_t		 len;

	if (!acc.reread && acc.path != NULL && strcmp(acc.path, path) == 0 &&
	    now - acc.checked < ACCESS_RECHECK_MS)
		return;
	acc.checked = now;
	if (stat(path, &sb) == -1) {
		if (acc.loaded || acc.path == NULL ||
		    strcmp(acc.path, path) != 0)
			log_warn("access: users file %s", path);
		acc.reread = 0;
		goto fail;
	}
	if (!acc.reread && acc.loaded && acc.path != NULL &&
	    strcmp(acc.path, path) == 0 &&
	    sb.st_dev == acc.dev && sb.st_ino == acc.ino &&
	    sb.st_size == acc.size && sb.st_mtim.tv_sec == acc.mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == acc.mtime.tv_nsec)
		return;
	acc.reread = 0;
	if (file_read(path, ACCESS_MAX_FILE, &data, &len, &cause) == -1) {
		log_warnx("access: %s", cause);
		free(cause);
		goto fail;
	}
	access_users_clear();
	access_users_parse(path, data);
	free(data);
	if (sb.st_mode & S_IROTH)
		log_warnx("access: %s is readable by every local user; "
		    "chmod o-r it", path);
	free(acc.path);
	acc.path = xstrdup(path);
	acc.dev = sb.st_dev;
	acc.ino = sb.st_ino;
	acc.size = sb.st_size;
	acc.mtime = sb.st_mtim;
	acc.loaded = 1;
	log_info("access: %s: %zu user%s", path, acc.nusers,
	    acc.nusers == 1 ? "" : "s");
	return;
fail:
	access_users_clear();
	free(acc.path);
	acc.path = xstrdup(path);
	acc.loaded = 0;
}

/* Is this peer address on this machine? */
static int
access_loopback(const char *peer)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET, peer, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, peer, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

/* The unit failures are counted by: the address, or its /64 for IPv6
 * (one host there usually holds a whole /64). */
static void
access_addr_key(const char *peer, char *out, size_t len)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET6, peer, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, &a6.s6_addr[12], 4);
			inet_ntop(AF_INET, &a4, out, (socklen_t)len);
			return;
		}
		memset(&a6.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &a6, out, (socklen_t)len);
		return;
	}
	snprintf(out, len, "%s", peer);
}

/* The failure slot of addr, if any, or a free one when create (locked). */
static struct access_fail *
access_fail_slot(const char *addr, int64_t now, int create)
{
	struct access_fail	*f, *free_slot = NULL, *oldest = NULL;
	uint32_t		 h = 2166136261u;
	const char		*p;
	size_t			 i;

	for (p = addr; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < ACCESS_FAIL_PROBE; i++) {
		f = &acc.fail[(h + i) % ACCESS_FAIL_SLOTS];
		if (f->addr[0] != '\0' && strcmp(f->addr, addr) == 0) {
			if (now - f->window >= ACCESS_WINDOW_MS) {
				f->window = now;
				f->count = 0;
			}
			return f;
		}
		if (free_slot == NULL && (f->addr[0] == '\0' ||
		    now - f->window >= ACCESS_WINDOW_MS))
			free_slot = f;
		if (oldest == NULL || f->window < oldest->window)
			oldest = f;
	}
	if (!create)
		return NULL;
	f = free_slot != NULL ? free_slot : oldest;
	snprintf(f->addr, sizeof f->addr, "%s", addr);
	f->window = now;
	f->count = 0;
	return f;
}

/* Seconds until addr may try again, 0 if it may now (locked). */
static int64_t
access_blocked(const char *addr, int64_t now, int limit)
{
	struct access_fail	*f;

	if ((f = access_fail_slot(addr, now, 0)) == NULL || f->count < limit)
		return 0;
	return (f->window + ACCESS_WINDOW_MS - now + 999) / 1000;
}

/* Keyed digest of "user:password", for the verified cache (locked). */
static void
access_digest(const char *cred, unsigned char out[ACCESS_DIGEST])
{
	if (!acc.secret_ok) {
		if (getrandom(acc.secret, sizeof acc.secret, 0) !=
		    (ssize_t)sizeof acc.secret)
			fatal("access: getrandom");
		acc.secret_ok = 1;
	}
	if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	    acc.secret, sizeof acc.secret, (const unsigned char *)cred,
	    strlen(cred), out) != 0)
		fatalx("access: HMAC-SHA-256 failed");
}

/* Was this digest verified lately?  Every slot is compared in full. */
static int
access_cached(const unsigned char *digest, int64_t now)
{
	size_t		 i, k;
	unsigned char	 diff;
	int		 hit = 0;

	for (i = 0; i < ACCESS_OK_SLOTS; i++) {
		diff = 0;
		for (k = 0; k < ACCESS_DIGEST; k++)
			diff |= acc.ok[i].digest[k] ^ digest[k];
		hit |= diff == 0 && acc.ok[i].expires > now;
	}
	return hit;
}

static void
access_remember(const unsigned char *digest, int64_t now)
{
	size_t	 i, slot = 0;

	for (i = 0; i < ACCESS_OK_SLOTS; i++)
		if (acc.ok[i].expires < acc.ok[slot].expires)
			slot = i;
	memcpy(acc.ok[slot].digest, digest, ACCESS_DIGEST);
	acc.ok[slot].expires = now + ACCESS_OK_TTL_MS;
}

/* Take one verification from the global budget; 0 if there is none left
 * this second (locked). */
static int
access_budget(int rate, int64_t now)
{
	if (acc.filled == 0 || now < acc.filled)
		acc.tokens = rate;
	else {
		acc.tokens += (double)(now - acc.filled) * rate / 1000.0;
		if (acc.tokens > rate)
			acc.tokens = rate;
	}
	acc.filled = now;
	if (acc.tokens < 1.0)
		return 0;
	acc.tokens -= 1.0;
	return 1;
}

static void
access_challenge(struct req *q, const char *message)
{
	struct config	*c = q->w->server->conf;
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	buf_adds(&b, "Basic realm=\"");
	for (p = c->realm; *p != '\0'; p++)
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			buf_addc(&b, *p);
	buf_adds(&b, "\", charset=\"UTF-8\"");
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	    "WWW-Authenticate", b.data);
	buf_free(&b);
	http_error(q, 401, "unauthorized", message);
}

static void
access_too_many(struct req *q, int64_t retry)
{
	char	 s[24];

	snprintf(s, sizeof s, "%lld", (long long)retry);
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	    "Retry-After", s);
	http_error(q, 429, "too_many_attempts", "Trop de tentatives "
	    "d'identification ont échoué depuis votre adresse. Patientez une "
	    "minute avant de réessayer.");
}

/* Refused for the server's sake, not the client's: a 429 over the global
 * budget, a 503 when the verifiers' queue is full. */
static void
access_busy(struct req *q, int status)
{
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	    "Retry-After", "1");
	if (status == 429)
		http_error(q, 429, "too_many_identifications", "Le serveur "
		    "reçoit trop de demandes d'identification en ce moment. "
		    "Réessayez dans quelques secondes.");
	else
		http_error(q, 503, "identification_busy", "Le serveur est "
		    "trop occupé pour vérifier votre mot de passe. Réessayez "
		    "dans quelques secondes.");
}

/* Log a refusal at most once a second, with how many there were. */
static void
access_busy_log(int64_t now, int64_t *logged, long long *count,
    const char *what, int limit)
{
	long long	 n;

	pthread_mutex_lock(&acc.lock);
	(*count)++;
	if (now - *logged < 1000) {
		pthread_mutex_unlock(&acc.lock);
		return;
	}
	*logged = now;
	n = *count;
	*count = 0;
	pthread_mutex_unlock(&acc.lock);
	log_warnx("access: %s (%d): %lld identification%s refused", what,
	    limit, n, n == 1 ? "" : "s");
}

static void
access_wait_free(struct access_wait *aw)
{
	if (aw == NULL)
		return;
	free(aw->path);
	free(aw->user);
	explicit_bzero(aw->digest, sizeof aw->digest);
	free(aw);
}

/* verify.c's answer, on the worker's thread. */
static void
access_wait_done(int ok, void *arg)
{
	struct access_wait	*aw = arg;
	struct access_fail	*f;
	struct req		 q;
	int64_t			 now = now_ms();

	if (ok == -1) {
		/* The worker is stopping: its evhttp frees the request. */
		access_wait_free(aw);
		return;
	}
	pthread_mutex_lock(&acc.lock);
	if (ok) {
		/* Not remembered if the users changed meanwhile. */
		if (aw->gen == acc.gen)
			access_remember(aw->digest, now);
		if ((f = access_fail_slot(aw->key, now, 0)) != NULL)
			f->count = 0;
	} else {
		f = access_fail_slot(aw->key, now, 1);
		f->count++;
	}
	pthread_mutex_unlock(&acc.lock);
	if (ok)
		log_info("access: %s: %s identified", aw->peer, aw->user);
	else
		log_warnx("access: %s: failed identification", aw->peer);

	if (evhttp_request_get_connection(aw->r) == NULL) {
		/* The client left while it waited; evhttp let go of the
		 * request for us to free. */
		evhttp_request_free(aw->r);
		access_wait_free(aw);
		return;
	}
	if (ok) {
		access_passed = aw->r;
		access_passed_us = aw->start_us;
		if (aw->tls)
			http_dispatch(aw->r, aw->w);
		else
			http_dispatch_plain(aw->r, aw->w);
		access_passed = NULL;
	} else {
		memset(&q, 0, sizeof q);
		q.r = aw->r;
		q.w = aw->w;
		q.tls = aw->tls;
		q.start_us = aw->start_us;
		q.route = "other";
		q.path = aw->path;
		TAILQ_INIT(&q.args);
		access_challenge(&q, "Nom d'utilisateur ou mot de passe "
		    "incorrect.");
	}
	access_wait_free(aw);
}

/* Split "Basic base64(user:password)"; 0 or -1 if malformed. */
static int
access_parse(const char *auth, char *out, size_t outlen, char **user,
    char **password)
{
	const char	*p;
	char		*colon;
	size_t		 n;

	if (strncasecmp(auth, "Basic", 5) != 0 || (auth[5] != ' ' &&
	    auth[5] != '\t'))
		return -1;
	for (p = auth + 5; *p == ' ' || *p == '\t'; p++)
		;
	if (mbedtls_base64_decode((unsigned char *)out, outlen - 1, &n,
	    (const unsigned char *)p, strlen(p)) != 0)
		return -1;
	out[n] = '\0';
	if (strlen(out) != n || (colon = strchr(out, ':')) == NULL ||
	    colon == out)
		return -1;
	*colon = '\0';
	*user = out;
	*password = colon + 1;
	return 0;
}

int
access_check(struct req *q)
{
	struct config		*c = q->w->server->conf;
	struct access_wait	*aw;
	const char		*auth, *hash;
	char			 peer[INET6_ADDRSTRLEN];
	char			 key[INET6_ADDRSTRLEN];
	char			 cred[ACCESS_MAX_HEADER];
	char			*user = NULL, *password = NULL;
	unsigned char		 digest[ACCESS_DIGEST];
	int64_t			 now = now_ms(), retry;
	uint64_t		 gen;
	size_t			 i;
	char			*hcopy;
	int			 loaded, parsed = -1, cached = 0, budget = 0;
	int			 queued;

	if (access_passed != NULL && access_passed == q->r) {
		/* Replayed by access_wait_done: verified just now. */
		q->start_us = access_passed_us;
		return 1;
	}
	if (c->users == NULL || *c->users == '\0' ||
	    strcmp(q->path, "/healthz") == 0)
		return 1;
	http_peer(q->r, peer, sizeof peer);
	if (!q->tls && !access_loopback(peer)) {
		http_error(q, 403, "https_required", "Cette connexion n'est "
		    "pas chiffrée : pour s'identifier, utilisez l'adresse en "
		    "https:// de ce serveur.");
		return 0;
	}
	access_addr_key(peer, key, sizeof key);
	auth = evhttp_find_header(evhttp_request_get_input_headers(q->r),
	    "Authorization");
	if (auth != NULL && strlen(auth) < ACCESS_MAX_HEADER)
		parsed = access_parse(auth, cred, sizeof cred, &user,
		    &password);

	pthread_mutex_lock(&acc.lock);
	if (acc.conf != c) {
		/* A reload (SIGHUP): read the users again, forget what was
		 * verified. */
		if (acc.conf != NULL) {
			acc.reread = 1;
			explicit_bzero(acc.ok, sizeof acc.ok);
			acc.gen++;
		}
		acc.conf = c;
	}
	access_users_refresh(c->users, now);
	loaded = acc.loaded;
	retry = access_blocked(key, now, c->auth_failures);
	gen = acc.gen;
	if (loaded && retry == 0 && parsed == 0) {
		/* The digest of "user:password", the colon put back. */
		password[-1] = ':';
		access_digest(cred, digest);
		password[-1] = '\0';
		if (!(cached = access_cached(digest, now)))
			budget = access_budget(c->verify_rate, now);
	}
	pthread_mutex_unlock(&acc.lock);
	if (cached) {
		explicit_bzero(cred, sizeof cred);
		return 1;
	}

	if (!loaded) {
		http_error(q, 503, "access_unavailable", "Le contrôle d'accès "
		    "est momentanément indisponible (fichier des utilisateurs "
		    "illisible). Prévenez l'administrateur.");
		goto done;
	}
	if (retry > 0) {
		access_too_many(q, retry);
		goto done;
	}
	if (auth == NULL) {
		access_challenge(q, "Ce service est réservé : identifiez-vous "
		    "avec votre nom d'utilisateur et votre mot de passe.");
		goto done;
	}
	if (parsed == -1) {
		pthread_mutex_lock(&acc.lock);
		access_fail_slot(key, now, 1)->count++;
		pthread_mutex_unlock(&acc.lock);
		log_warnx("access: %s: malformed credentials", peer);
		access_challenge(q, "Nom d'utilisateur ou mot de passe "
		    "incorrect.");
		goto done;
	}
	if (!budget) {
		access_busy_log(now, &acc.over_logged, &acc.over,
		    "over the budget of password verifications a second",
		    c->verify_rate);
		access_busy(q, 429);
		goto done;
	}

	aw = xcalloc(1, sizeof *aw);
	aw->r = q->r;
	aw->w = q->w;
	aw->tls = q->tls;
	aw->start_us = q->start_us;
	aw->path = xstrdup(q->path);
	aw->user = xstrdup(user);
	snprintf(aw->peer, sizeof aw->peer, "%s", peer);
	snprintf(aw->key, sizeof aw->key, "%s", key);
	memcpy(aw->digest, digest, sizeof digest);
	aw->gen = gen;
	pthread_mutex_lock(&acc.lock);
	hash = NULL;
	for (i = 0; i < acc.nusers; i++)
		if (strcmp(acc.users[i].name, user) == 0)
			hash = acc.users[i].hash;
	hcopy = hash != NULL ? xstrdup(hash) : NULL;
	pthread_mutex_unlock(&acc.lock);
	/* An unknown user (NULL) is hashed against a dummy: it costs the
	 * same. */
	queued = verify_submit(q->w, password, hcopy, access_wait_done,
	    aw) == 0;
	free(hcopy);
	if (!queued) {
		access_wait_free(aw);
		access_busy_log(now, &acc.full_logged, &acc.full,
		    "password verification queue full", c->verify_queue);
		access_busy(q, 503);
	}
done:
	explicit_bzero(cred, sizeof cred);
	explicit_bzero(digest, sizeof digest);
	return 0;
}
