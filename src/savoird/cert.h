/*
 * cert.h - the certificate store's insides (cert.c), shared with the
 * files that build on it: selfsigned.c (reads PEM, reports mbedTLS
 * errors), tls_worker.c (each worker parses the store's PEM text again)
 * and tls.c (reports mbedTLS errors).  Nothing
 * else includes this file: the rest of savoird sees struct tls_ctx only
 * through tls.h.
 */
#ifndef SAVOIR_CERT_H
#define SAVOIR_CERT_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

/*
 * What survives reloads: the entropy source (thread-safe: it has its own
 * mutex in a MBEDTLS_THREADING_C build), a generator for ticket keys and
 * the ticket context (also mutex-protected).  Shared by all workers, so a
 * ticket issued by one worker resumes on any other.
 */
struct tls_shared {
	atomic_int			 refs;
	mbedtls_entropy_context		 entropy;
	mbedtls_ctr_drbg_context	 drbg;
	mbedtls_ssl_ticket_context	 ticket;
};

struct tls_ctx {
	atomic_int		 refs;
	struct tls_shared	*shared;
	/*
	 * The PEM text, parsed again by each worker: mbedTLS's ECP code
	 * caches a precomputed table in the key's group on first use, a
	 * data race if two threads sign with one mbedtls_pk_context.
	 */
	unsigned char		*cert_pem;
	size_t			 cert_len;	/* with the NUL */
	unsigned char		*key_pem;
	size_t			 key_len;
	char			*describe;
	char			*pin;	/* "sha256//" base64 of the SPKI's SHA-256 */
};

/* mbedTLS's message for an error code, in a caller's buffer. */
const char	*cert_strerror(int, char *, size_t);
/*
 * Read a PEM file whole, following symbolic links; *len counts the
 * terminating NUL mbedTLS wants.  Caller frees *data.
 */
int		 cert_read_pem(const char *, unsigned char **, size_t *,
		    char **);
/* An X.509 time as seconds since the epoch (UTC). */
time_t		 cert_time_t(const mbedtls_x509_time *);
/* Parse a chain and a key from PEM text and check that they belong
 * together; names are for messages. */
int		 cert_parse_pair(const unsigned char *, size_t, const char *,
		    const unsigned char *, size_t, const char *,
		    mbedtls_x509_crt *, mbedtls_pk_context *, char **);

#endif
