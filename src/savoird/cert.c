/*
 * cert.c - the certificate store: the server's certificate chain and
 * private key read from PEM files (struct tls_ctx), checked for a match
 * and for their dates, and what survives a reload (SIGHUP) with them: the
 * entropy source and the session-ticket keys (struct tls_shared).  A
 * reload builds a new tls_ctx from the files, sharing the previous one's
 * tls_shared, and the workers pick it up (tls_worker.c).
 *
 * This file never makes a certificate (selfsigned.c does), never touches
 * a connection or an mbedtls_ssl_config (tls.c and tls_worker.c do) and
 * keeps no state but reference-counted objects, safe to share between
 * threads.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "savoir.h"
#include "tls.h"
#include "cert.h"

#define CERT_PEM_MAX		(1024 * 1024)
#define CERT_TICKET_LIFETIME	86400		/* seconds; keys rotate */

/* mbedTLS's message for an error code, in a caller's buffer. */
const char *
cert_strerror(int r, char *buf, size_t size)
{
	mbedtls_strerror(r, buf, size);
	return buf;
}

/* --- the shared part: entropy, ticket keys --- */

static struct tls_shared *
cert_shared_new(char **cause)
{
	static const char	 pers[] = "savoir tls tickets";
	struct tls_shared	*sh;
	char			 e[128];
	int			 r;

	sh = xcalloc(1, sizeof *sh);
	atomic_init(&sh->refs, 1);
	mbedtls_entropy_init(&sh->entropy);
	mbedtls_ctr_drbg_init(&sh->drbg);
	mbedtls_ssl_ticket_init(&sh->ticket);
	if ((r = mbedtls_ctr_drbg_seed(&sh->drbg, mbedtls_entropy_func,
	    &sh->entropy, (const unsigned char *)pers, sizeof pers - 1)) != 0) {
		xasprintf(cause, "cannot seed the random generator: %s",
		    cert_strerror(r, e, sizeof e));
		goto fail;
	}
	if ((r = mbedtls_ssl_ticket_setup(&sh->ticket, mbedtls_ctr_drbg_random,
	    &sh->drbg, MBEDTLS_CIPHER_AES_256_GCM, CERT_TICKET_LIFETIME)) != 0) {
		xasprintf(cause, "cannot set up session tickets: %s",
		    cert_strerror(r, e, sizeof e));
		goto fail;
	}
	return sh;
fail:
	mbedtls_ssl_ticket_free(&sh->ticket);
	mbedtls_ctr_drbg_free(&sh->drbg);
	mbedtls_entropy_free(&sh->entropy);
	free(sh);
	return NULL;
}

static void
cert_shared_free(struct tls_shared *sh)
{
	if (sh == NULL || atomic_fetch_sub(&sh->refs, 1) != 1)
		return;
	mbedtls_ssl_ticket_free(&sh->ticket);
	mbedtls_ctr_drbg_free(&sh->drbg);
	mbedtls_entropy_free(&sh->entropy);
	free(sh);
}

/* --- the server's identity --- */

/*
 * Read a PEM file whole, following symbolic links (file_read refuses
 * them, and certbot's live/ directory is nothing but links).
 */
int
cert_read_pem(const char *path, unsigned char **data, size_t *len,
    char **cause)
{
	char	 real[PATH_MAX], *text, *why;
	size_t	 n;

	if (realpath(path, real) == NULL) {
		xasprintf(cause, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (file_read(real, CERT_PEM_MAX, &text, &n, &why) == -1) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		return -1;
	}
	/* mbedTLS wants PEM input with its terminating NUL counted. */
	*data = (unsigned char *)text;
	*len = n + 1;
	return 0;
}

static void
cert_time_str(const mbedtls_x509_time *t, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d UTC", t->year,
	    t->mon, t->day, t->hour, t->min, t->sec);
}

time_t
cert_time_t(const mbedtls_x509_time *t)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->mon - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->min;
	tm.tm_sec = t->sec;
	return timegm(&tm);
}

/* Parse a chain and a key from PEM text and check that they belong
 * together; names are for messages. */
int
cert_parse_pair(const unsigned char *cpem, size_t clen, const char *cname,
    const unsigned char *kpem, size_t klen, const char *kname,
    mbedtls_x509_crt *chain, mbedtls_pk_context *key, char **cause)
{
	char	e[128];
	int	r;

	r = mbedtls_x509_crt_parse(chain, cpem, clen);
	if (r < 0 && strstr((const char *)cpem, "PRIVATE KEY-----") != NULL &&
	    strstr((const char *)cpem, "CERTIFICATE-----") == NULL) {
		xasprintf(cause, "%s: holds a private key, not a certificate",
		    cname);
		return -1;
	}
	if (r < 0) {
		xasprintf(cause, "%s: not a PEM certificate (%s)", cname,
		    cert_strerror(r, e, sizeof e));
		return -1;
	}
	if (r > 0) {
		xasprintf(cause, "%s: %d of the certificates in the file "
		    "cannot be parsed", cname, r);
		return -1;
	}
	if (chain->version == 0) {
		xasprintf(cause, "%s: no certificate in the file", cname);
		return -1;
	}
	r = mbedtls_pk_parse_key(key, kpem, klen, NULL, 0);
	if (r == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
		xasprintf(cause, "%s: the key is encrypted; savoird needs it "
		    "without a passphrase (readable by its user only)", kname);
		return -1;
	}
	if (r != 0) {
		xasprintf(cause, "%s: not a PEM private key (%s)", kname,
		    cert_strerror(r, e, sizeof e));
		return -1;
	}
	if (!mbedtls_pk_can_do(key, MBEDTLS_PK_ECDSA) &&
	    !mbedtls_pk_can_do(key, MBEDTLS_PK_RSA)) {
		xasprintf(cause, "%s: unsupported key type %s (ECDSA or RSA "
		    "only)", kname, mbedtls_pk_get_name(key));
		return -1;
	}
	if (mbedtls_pk_check_pair(&chain->pk, key) != 0) {
		xasprintf(cause, "%s: the key does not match the certificate "
		    "%s", kname, cname);
		return -1;
	}
	return 0;
}

static char *
cert_describe(const mbedtls_x509_crt *crt)
{
	unsigned char	 md[32];
	char		 subject[256], fp[3 * 32], to[32];
	int		 i;

	if (mbedtls_x509_dn_gets(subject, sizeof subject, &crt->subject) < 0)
		snprintf(subject, sizeof subject, "?");
	mbedtls_sha256_ret(crt->raw.p, crt->raw.len, md, 0);
	for (i = 0; i < 32; i++)
		snprintf(fp + 3 * i, 4, "%02X%s", md[i], i < 31 ? ":" : "");
	cert_time_str(&crt->valid_to, to, sizeof to);
	return xsprintf("%s, expires %s, sha256 %s", subject, to, fp);
}

/*
 * The certificate's public key pin as curl takes it (CURLOPT_PINNEDPUBLICKEY,
 * savoir sync --pin): "sha256//" and the base64 of the SHA-256 of its
 * SubjectPublicKeyInfo, DER-encoded.
 */
static char *
cert_pin(mbedtls_x509_crt *crt)
{
	unsigned char	 der[4096], md[32], b64[64];
	size_t		 olen;
	int		 n;

	/* Written at the end of the buffer. */
	if ((n = mbedtls_pk_write_pubkey_der(&crt->pk, der, sizeof der)) <= 0)
		return xstrdup("?");
	mbedtls_sha256_ret(der + sizeof der - n, (size_t)n, md, 0);
	if (mbedtls_base64_encode(b64, sizeof b64, &olen, md, sizeof md) != 0)
		return xstrdup("?");
	return xsprintf("sha256//%.*s", (int)olen, b64);
}

struct tls_ctx *
tls_ctx_new(const char *cert, const char *key, struct tls_ctx *prev,
    char **cause)
{
	struct tls_ctx		*ctx;
	mbedtls_x509_crt	 chain;
	mbedtls_pk_context	 pk;
	char			 when[32];

	ctx = xcalloc(1, sizeof *ctx);
	atomic_init(&ctx->refs, 1);
	mbedtls_x509_crt_init(&chain);
	mbedtls_pk_init(&pk);
	if (cert_read_pem(cert, &ctx->cert_pem, &ctx->cert_len, cause) == -1 ||
	    cert_read_pem(key, &ctx->key_pem, &ctx->key_len, cause) == -1)
		goto fail;
	if (cert_parse_pair(ctx->cert_pem, ctx->cert_len, cert, ctx->key_pem,
	    ctx->key_len, key, &chain, &pk, cause) == -1)
		goto fail;
	if (mbedtls_x509_time_is_past(&chain.valid_to)) {
		cert_time_str(&chain.valid_to, when, sizeof when);
		xasprintf(cause, "%s: the certificate expired on %s", cert,
		    when);
		goto fail;
	}
	if (mbedtls_x509_time_is_future(&chain.valid_from)) {
		cert_time_str(&chain.valid_from, when, sizeof when);
		xasprintf(cause, "%s: the certificate is not valid before %s "
		    "(is the clock right?)", cert, when);
		goto fail;
	}
	ctx->describe = cert_describe(&chain);
	ctx->pin = cert_pin(&chain);
	if (prev != NULL) {
		ctx->shared = prev->shared;
		atomic_fetch_add(&ctx->shared->refs, 1);
	} else if ((ctx->shared = cert_shared_new(cause)) == NULL)
		goto fail;
	mbedtls_x509_crt_free(&chain);
	mbedtls_pk_free(&pk);
	return ctx;
fail:
	mbedtls_x509_crt_free(&chain);
	mbedtls_pk_free(&pk);
	tls_ctx_free(ctx);
	return NULL;
}

struct tls_ctx *
tls_ctx_ref(struct tls_ctx *ctx)
{
	atomic_fetch_add(&ctx->refs, 1);
	return ctx;
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL || atomic_fetch_sub(&ctx->refs, 1) != 1)
		return;
	if (ctx->key_pem != NULL) {
		mbedtls_platform_zeroize(ctx->key_pem, ctx->key_len);
		free(ctx->key_pem);
	}
	free(ctx->cert_pem);
	free(ctx->describe);
	free(ctx->pin);
	cert_shared_free(ctx->shared);
	free(ctx);
}

char *
tls_ctx_describe(const struct tls_ctx *ctx)
{
	return xstrdup(ctx->describe);
}

const char *
tls_ctx_pin(const struct tls_ctx *ctx)
{
	return ctx->pin;
}
