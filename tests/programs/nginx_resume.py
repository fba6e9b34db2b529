"""nginx_resume.py PORT[,PORT2] TLSVERSION CAFILE -- helper of nginx.sh.

Two HTTPS GETs to https://localhost:PORT/ (127.0.0.1) on two TLS connections, the second
offering the first one's session (Python's ssl: SSL_get1_session, then SSL_set_session on
the next connection, through an i2d/d2i_SSL_SESSION copy); prints each response body.
With PORT2 the second connection goes there (another server block, another SSL_CTX).
TLSVERSION is 1.2 or 1.3 (min = max). Used where curl cannot show a resumption: curl's
OpenSSL backend sets SSL_OP_NO_TICKET, so it never offers a TLS 1.2 session ticket.
"""
import socket
import ssl
import sys

ports, version, cafile = [int(p) for p in sys.argv[1].split(",")], sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile)
ctx.minimum_version = ctx.maximum_version = {
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}[version]

session = None
for i in range(2):
    raw = socket.create_connection(("127.0.0.1", ports[min(i, len(ports) - 1)]), timeout=5)
    with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        # A TLS 1.3 ticket arrives after the handshake: read it before taking the session.
        session = s.session
    head, _, body = data.partition(b"\r\n\r\n")
    sys.stdout.write(body.decode(errors="replace"))
