/*
 * selfsigned.c - the certificate savoird serves when none is configured:
 * an ECDSA P-256 key kept for good in the state directory and a
 * self-signed certificate for localhost (and the configured host name),
 * issued again with the same key only when it must be (see
 * tls_selfsigned in tls.h).  Files are written atomically under a lock,
 * so two daemons sharing a directory never make two keys.
 *
 * This file only writes the two files and hands back their paths: it
 * never loads them for serving (cert.c does), and never replaces a key
 * that is there, since a client may have pinned it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#include "savoir.h"
#include "tls.h"
#include "cert.h"

#define SELFSIGNED_DAYS		397
#define SELFSIGNED_RENEW_DAYS	30

/* Write a file so that readers see the old one or the whole new one. */
static int
selfsigned_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    char **cause)
{
	char		*tmp;
	int		 fd;

	tmp = xsprintf("%s.tmpXXXXXX", path);
	/* mkstemp creates the file 0600: the key is never readable by others,
	 * not even for an instant. */
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, mode) == -1)
		goto fail;
	if (file_commit(fd, tmp, path, data, len) == -1) {
		fd = -1;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	xasprintf(cause, "%s: cannot write: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

/* One GeneralName (context tag, IMPLICIT): written backwards. */
static int
selfsigned_asn1_name(unsigned char **p, unsigned char *start, int tag,
    const void *val, size_t len)
{
	int	r, n = 0;

	if ((r = mbedtls_asn1_write_raw_buffer(p, start, val, len)) < 0)
		return r;
	n += r;
	if ((r = mbedtls_asn1_write_len(p, start, len)) < 0)
		return r;
	n += r;
	if ((r = mbedtls_asn1_write_tag(p, start,
	    MBEDTLS_ASN1_CONTEXT_SPECIFIC | tag)) < 0)
		return r;
	return n + r;
}

/* Wrap the n bytes just written at *p in a SEQUENCE. */
static int
selfsigned_asn1_seq(unsigned char **p, unsigned char *start, int n)
{
	int	r, m = n;

	if (n < 0)
		return n;
	if ((r = mbedtls_asn1_write_len(p, start, (size_t)n)) < 0)
		return r;
	m += r;
	if ((r = mbedtls_asn1_write_tag(p, start,
	    MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) < 0)
		return r;
	return m + r;
}

/*
 * subjectAltName and extKeyUsage: mbedTLS 2.28 has no setter for either,
 * so they are built with its ASN.1 writer.  Browsers ignore the CN and
 * need the names here.
 */
static int
selfsigned_extensions(mbedtls_x509write_cert *w, const char *host)
{
	static const unsigned char ip4[4] = { 127, 0, 0, 1 };
	static const unsigned char ip6[16] = { [15] = 1 };
	unsigned char	 buf[1024], *p;
	int		 n = 0, r;

	p = buf + sizeof buf;
	if ((r = selfsigned_asn1_name(&p, buf, 7, ip6, sizeof ip6)) < 0)
		return r;
	n += r;
	if ((r = selfsigned_asn1_name(&p, buf, 7, ip4, sizeof ip4)) < 0)
		return r;
	n += r;
	if (host != NULL && *host != '\0' && strcmp(host, "localhost") != 0) {
		if ((r = selfsigned_asn1_name(&p, buf, 2, host, strlen(host))) < 0)
			return r;
		n += r;
	}
	if ((r = selfsigned_asn1_name(&p, buf, 2, "localhost", 9)) < 0)
		return r;
	n += r;
	if ((n = selfsigned_asn1_seq(&p, buf, n)) < 0)
		return n;
	if ((r = mbedtls_x509write_crt_set_extension(w,
	    MBEDTLS_OID_SUBJECT_ALT_NAME,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, p,
	    (size_t)n)) != 0)
		return r;

	p = buf + sizeof buf;
	if ((n = mbedtls_asn1_write_oid(&p, buf, MBEDTLS_OID_SERVER_AUTH,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH))) < 0)
		return n;
	if ((n = selfsigned_asn1_seq(&p, buf, n)) < 0)
		return n;
	return mbedtls_x509write_crt_set_extension(w,
	    MBEDTLS_OID_EXTENDED_KEY_USAGE,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, p, (size_t)n);
}

static int
selfsigned_issue(mbedtls_pk_context *key, const char *host,
    mbedtls_ctr_drbg_context *drbg, unsigned char *out, size_t size)
{
	mbedtls_x509write_cert	 w;
	mbedtls_mpi		 serial;
	unsigned char		 sn[16];
	char			 subject[320], from[16], to[16];
	const char		*host_cn;
	time_t			 now;
	struct tm		 tm;
	int			 r;

	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	if ((r = mbedtls_ctr_drbg_random(drbg, sn, sizeof sn)) != 0)
		goto out;
	sn[0] = (sn[0] & 0x7f) | 0x40;	/* positive, 16 bytes long */
	if ((r = mbedtls_mpi_read_binary(&serial, sn, sizeof sn)) != 0)
		goto out;
	/* An hour back for clients whose clock runs a little late. */
	now = time(NULL);
	gmtime_r(&(time_t){ now - 3600 }, &tm);
	strftime(from, sizeof from, "%Y%m%d%H%M%S", &tm);
	gmtime_r(&(time_t){ now + (time_t)SELFSIGNED_DAYS * 86400 }, &tm);
	strftime(to, sizeof to, "%Y%m%d%H%M%S", &tm);
	/* Commas would start a new RDN: keep the host name out of the DN if
	 * it has any. */
	if (host == NULL || *host == '\0' ||
	    strpbrk(host, ",=+\\\"<>;") != NULL)
		host_cn = "localhost";
	else
		host_cn = host;
	snprintf(subject, sizeof subject, "CN=%s,O=Savoir (self-signed)",
	    host_cn);

	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, key);
	mbedtls_x509write_crt_set_issuer_key(&w, key);
	if ((r = mbedtls_x509write_crt_set_serial(&w, &serial)) != 0 ||
	    (r = mbedtls_x509write_crt_set_validity(&w, from, to)) != 0 ||
	    (r = mbedtls_x509write_crt_set_subject_name(&w, subject)) != 0 ||
	    (r = mbedtls_x509write_crt_set_issuer_name(&w, subject)) != 0 ||
	    (r = mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1)) != 0 ||
	    (r = mbedtls_x509write_crt_set_key_usage(&w,
	    MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) != 0 ||
	    (r = mbedtls_x509write_crt_set_subject_key_identifier(&w)) != 0 ||
	    (r = mbedtls_x509write_crt_set_authority_key_identifier(&w)) != 0 ||
	    (r = selfsigned_extensions(&w, host)) != 0)
		goto out;
	r = mbedtls_x509write_crt_pem(&w, out, size, mbedtls_ctr_drbg_random,
	    drbg);
out:
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	return r;
}

/* Is the certificate at path one we can keep serving with key? */
static int
selfsigned_reusable(const char *path, mbedtls_pk_context *key, const char *host)
{
	mbedtls_x509_crt		 crt;
	const mbedtls_x509_sequence	*san;
	unsigned char			*pem;
	size_t				 len;
	char				*why;
	int				 ok = 0, named = 0;

	if (access(path, F_OK) == -1)
		return 0;
	if (cert_read_pem(path, &pem, &len, &why) == -1) {
		log_warnx("tls: %s; issuing a new certificate", why);
		free(why);
		return 0;
	}
	mbedtls_x509_crt_init(&crt);
	if (mbedtls_x509_crt_parse(&crt, pem, len) != 0) {
		log_warnx("tls: %s: not a certificate; issuing a new one",
		    path);
		goto out;
	}
	if (mbedtls_pk_check_pair(&crt.pk, key) != 0) {
		log_warnx("tls: %s: made for another key; issuing a new one",
		    path);
		goto out;
	}
	if (cert_time_t(&crt.valid_to) <
	    time(NULL) + (time_t)SELFSIGNED_RENEW_DAYS * 86400) {
		log_info("tls: %s expires within %d days; issuing a new one",
		    path, SELFSIGNED_RENEW_DAYS);
		goto out;
	}
	if (host == NULL || *host == '\0')
		named = 1;
	for (san = &crt.subject_alt_names; !named && san != NULL;
	    san = san->next) {
		if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2) &&
		    san->buf.len == strlen(host) &&
		    strncasecmp((const char *)san->buf.p, host,
		    san->buf.len) == 0)
			named = 1;
	}
	if (!named) {
		log_info("tls: %s does not name %s; issuing a new one", path,
		    host);
		goto out;
	}
	ok = 1;
out:
	mbedtls_x509_crt_free(&crt);
	free(pem);
	return ok;
}

int
tls_selfsigned(const char *dir, const char *host, char **certp,
    char **keyp, char **cause)
{
	static const char		 pers[] = "savoir selfsigned";
	mbedtls_entropy_context		 entropy;
	mbedtls_ctr_drbg_context	 drbg;
	mbedtls_pk_context		 key;
	unsigned char			 out[4096], *pem = NULL;
	char				*certpath, *keypath, *lockpath;
	char				 e[128];
	size_t				 len;
	struct stat			 st;
	int				 r, rc = -1, lockfd;

	*certp = *keyp = NULL;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	/* Two daemons starting on one state directory must not make two
	 * keys: the second waits and then reuses the first one's. */
	lockpath = xsprintf("%s/selfsigned.lock", dir);
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd == -1 || flock(lockfd, LOCK_EX) == -1) {
		xasprintf(cause, "%s: %s", lockpath, strerror(errno));
		if (lockfd != -1)
			close(lockfd);
		free(lockpath);
		return -1;
	}
	free(lockpath);
	certpath = xsprintf("%s/selfsigned.crt", dir);
	keypath = xsprintf("%s/selfsigned.key", dir);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&key);
	if ((r = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
	    (const unsigned char *)pers, sizeof pers - 1)) != 0) {
		xasprintf(cause, "cannot seed the random generator: %s",
		    cert_strerror(r, e, sizeof e));
		goto out;
	}

	if (stat(keypath, &st) == 0) {
		/* Never replace a key silently: a client may have pinned it. */
		if (cert_read_pem(keypath, &pem, &len, cause) == -1)
			goto out;
		if ((r = mbedtls_pk_parse_key(&key, pem, len, NULL, 0)) != 0) {
			xasprintf(cause, "%s: not a private key (%s); remove "
			    "it to have a new one generated", keypath,
			    cert_strerror(r, e, sizeof e));
			goto out;
		}
		if (st.st_mode & 077)
			log_warnx("tls: %s is readable by others (mode %03o); "
			    "chmod 600 it", keypath, st.st_mode & 0777);
	} else if (errno != ENOENT) {
		xasprintf(cause, "%s: %s", keypath, strerror(errno));
		goto out;
	} else {
		if ((r = mbedtls_pk_setup(&key,
		    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) != 0 ||
		    (r = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
		    mbedtls_pk_ec(key), mbedtls_ctr_drbg_random, &drbg)) != 0 ||
		    (r = mbedtls_pk_write_key_pem(&key, out,
		    sizeof out)) != 0) {
			xasprintf(cause, "cannot generate a key: %s",
			    cert_strerror(r, e, sizeof e));
			goto out;
		}
		r = selfsigned_write_atomic(keypath, out, strlen((char *)out), 0600,
		    cause);
		mbedtls_platform_zeroize(out, sizeof out);
		if (r == -1)
			goto out;
		log_info("tls: generated an ECDSA P-256 key in %s", keypath);
	}

	if (!selfsigned_reusable(certpath, &key, host)) {
		if ((r = selfsigned_issue(&key, host, &drbg, out, sizeof out)) != 0) {
			xasprintf(cause, "cannot issue a certificate: %s",
			    cert_strerror(r, e, sizeof e));
			goto out;
		}
		if (selfsigned_write_atomic(certpath, out, strlen((char *)out), 0644,
		    cause) == -1)
			goto out;
		log_info("tls: issued a self-signed certificate for "
		    "localhost%s%s in %s, valid %d days",
		    host != NULL && *host != '\0' ? ", " : "",
		    host != NULL ? host : "", certpath, SELFSIGNED_DAYS);
	}
	*certp = certpath;
	*keyp = keypath;
	certpath = keypath = NULL;
	rc = 0;
out:
	if (pem != NULL) {
		mbedtls_platform_zeroize(pem, len);
		free(pem);
	}
	mbedtls_pk_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	free(certpath);
	free(keypath);
	close(lockfd);		/* releases the lock */
	return rc;
}
