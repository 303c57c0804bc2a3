# rawhttp.py - the raw-socket pieces shared by the Python clients of the
# integration tests (http.sh, tls.sh): a connection to a loopback port,
# plain or TLS without certificate checks, and reading what the server
# sends. lib.sh puts this folder on PYTHONPATH. Test code only: it never
# verifies a certificate.
import socket, ssl

_ctx = None


def tls_ctx():
    """One client context that trusts any certificate (loading the
    system's CA store costs ~100 ms each time)."""
    global _ctx
    if _ctx is None:
        _ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _ctx.check_hostname = False
        _ctx.verify_mode = ssl.CERT_NONE
    return _ctx


def connect(port, tls=False, timeout=10, sni="localhost", nodelay=False):
    """A socket connected to 127.0.0.1:port, wrapped in TLS if asked."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls:
        s = tls_ctx().wrap_socket(s, server_hostname=sni)
    return s


def read(s, until=None, catch=()):
    """What s sends until EOF, or until until(data) holds: (data, the
    exception of a kind in catch that ended the reading, or None)."""
    data = b""
    try:
        while until is None or not until(data):
            d = s.recv(65536)
            if not d:
                break
            data += d
    except catch as e:
        return data, e
    return data, None
