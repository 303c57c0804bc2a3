/*
 * access.c - optional HTTP Basic access control.  When [access] users
 * names a file of "user:hash" lines (hashes written by savoir passwd:
 * yescrypt), every request but /healthz must carry a user and password
 * that libcrypt verifies against it.
 *
 * Owns: the users file (re-read when it changes on disk), the count of
 * failed attempts per client address (a /64 for IPv6) over a one-minute
 * window, and a short-lived cache of verified credentials so that yescrypt,
 * deliberately slow, runs once per user per few minutes rather than on
 * every request.  The cache holds keyed SHA-256 digests, never passwords.
 * All of it is shared by the worker threads under one mutex, held only for
 * table lookups: password hashing happens outside it.
 *
 * Never: accept credentials over plain HTTP from another machine (they
 * would cross the network in clear), say whether a user exists (an
 * unknown user costs the same hashing as a wrong password), or fail open
 * when the users file cannot be read.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/base64.h>

#include "savoird.h"

#define ACCESS_MAX_FILE		(1024 * 1024)
#define ACCESS_MAX_HEADER	1024		/* Authorization: bytes */
#define ACCESS_RECHECK_MS	1000		/* stat the file at most so */
#define ACCESS_WINDOW_MS	60000		/* failures counted per minute */
#define ACCESS_FAIL_SLOTS	1024
#define ACCESS_FAIL_PROBE	8
#define ACCESS_OK_SLOTS		64
#define ACCESS_OK_TTL_MS	(5 * 60 * 1000)

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
	char	 digest[65];
	int64_t	 expires;
};

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
	char			*dummy;		/* hash for unknown users */
	unsigned char		 secret[32];	/* keys the verified cache */
	int			 secret_ok;
	struct access_ok	 ok[ACCESS_OK_SLOTS];
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
	/* New users, new passwords: forget what was verified. */
	memset(acc.ok, 0, sizeof acc.ok);
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

	if (acc.path != NULL && strcmp(acc.path, path) == 0 &&
	    now - acc.checked < ACCESS_RECHECK_MS)
		return;
	acc.checked = now;
	if (stat(path, &sb) == -1) {
		if (acc.loaded || acc.path == NULL ||
		    strcmp(acc.path, path) != 0)
			log_warn("access: users file %s", path);
		goto fail;
	}
	if (acc.loaded && acc.path != NULL && strcmp(acc.path, path) == 0 &&
	    sb.st_dev == acc.dev && sb.st_ino == acc.ino &&
	    sb.st_size == acc.size && sb.st_mtim.tv_sec == acc.mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == acc.mtime.tv_nsec)
		return;
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

/* Keyed digest of the credentials, for the verified cache (locked). */
static void
access_digest(const char *cred, char out[65])
{
	struct buf	 b;

	if (!acc.secret_ok) {
		if (getrandom(acc.secret, sizeof acc.secret, 0) !=
		    (ssize_t)sizeof acc.secret)
			fatal("access: getrandom");
		acc.secret_ok = 1;
	}
	buf_init(&b);
	buf_add(&b, acc.secret, sizeof acc.secret);
	buf_adds(&b, cred);
	sha256_hex(b.data, b.len, out);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
}

static int
access_cached(const char *digest, int64_t now)
{
	size_t	 i;

	for (i = 0; i < ACCESS_OK_SLOTS; i++)
		if (acc.ok[i].expires > now &&
		    strcmp(acc.ok[i].digest, digest) == 0)
			return 1;
	return 0;
}

static void
access_remember(const char *digest, int64_t now)
{
	size_t	 i, slot = 0;

	for (i = 0; i < ACCESS_OK_SLOTS; i++)
		if (acc.ok[i].expires < acc.ok[slot].expires)
			slot = i;
	snprintf(acc.ok[slot].digest, sizeof acc.ok[slot].digest, "%s",
	    digest);
	acc.ok[slot].expires = now + ACCESS_OK_TTL_MS;
}

/* A hash of a random password, so unknown users cost a real hashing. */
static const char *
access_dummy(void)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;

	if (acc.dummy != NULL)
		return acc.dummy;
	cd = xcalloc(1, sizeof *cd);
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) != NULL &&
	    (h = crypt_r("not a password", salt, cd)) != NULL && *h == '$')
		acc.dummy = xstrdup(h);
	else
		acc.dummy = xstrdup("$y$j9T$AAAAAAAAAAAAAAAAAAAAA.$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	free(cd);
	return acc.dummy;
}

/* Does password match hash?  Constant time in the comparison. */
static int
access_verify(const char *password, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	size_t			 n, i;
	unsigned char		 diff = 0;

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
	return diff == 0;
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
	struct access_fail	*f;
	const char		*auth, *hash;
	char			 peer[INET6_ADDRSTRLEN];
	char			 key[INET6_ADDRSTRLEN], digest[65];
	char			 cred[ACCESS_MAX_HEADER], *user, *password;
	char			*hcopy = NULL;
	int64_t			 now = now_ms(), retry;
	size_t			 i;
	int			 ok, loaded;

	digest[0] = '\0';
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

	pthread_mutex_lock(&acc.lock);
	access_users_refresh(c->users, now);
	loaded = acc.loaded;
	retry = access_blocked(key, now, c->auth_failures);
	if (loaded && retry == 0 && auth != NULL &&
	    strlen(auth) < ACCESS_MAX_HEADER) {
		access_digest(auth, digest);
		if (access_cached(digest, now)) {
			pthread_mutex_unlock(&acc.lock);
			return 1;
		}
	}
	pthread_mutex_unlock(&acc.lock);

	if (!loaded) {
		http_error(q, 503, "access_unavailable", "Le contrôle d'accès "
		    "est momentanément indisponible (fichier des utilisateurs "
		    "illisible). Prévenez l'administrateur.");
		return 0;
	}
	if (retry > 0) {
		access_too_many(q, retry);
		return 0;
	}
	if (auth == NULL) {
		access_challenge(q, "Ce service est réservé : identifiez-vous "
		    "avec votre nom d'utilisateur et votre mot de passe.");
		return 0;
	}

	ok = 0;
	if (strlen(auth) < ACCESS_MAX_HEADER &&
	    access_parse(auth, cred, sizeof cred, &user, &password) == 0) {
		pthread_mutex_lock(&acc.lock);
		hash = NULL;
		for (i = 0; i < acc.nusers; i++)
			if (strcmp(acc.users[i].name, user) == 0)
				hash = acc.users[i].hash;
		hcopy = xstrdup(hash != NULL ? hash : access_dummy());
		pthread_mutex_unlock(&acc.lock);
		/* yescrypt takes its time: outside the lock. */
		ok = access_verify(password, hcopy) && hash != NULL;
		free(hcopy);
		explicit_bzero(cred, sizeof cred);
	}

	pthread_mutex_lock(&acc.lock);
	if (ok) {
		access_remember(digest, now);
		if ((f = access_fail_slot(key, now, 0)) != NULL)
			f->count = 0;
	} else {
		f = access_fail_slot(key, now, 1);
		f->count++;
	}
	pthread_mutex_unlock(&acc.lock);
	if (ok)
		return 1;
	log_warnx("access: %s: failed identification", peer);
	access_challenge(q, "Nom d'utilisateur ou mot de passe incorrect.");
	return 0;
}
