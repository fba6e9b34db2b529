"""apache_resume.py PORT TLSVERSION CAFILE COUNT TAG -- helper of apache.sh.

COUNT HTTPS GETs of https://localhost:PORT/index.html?TAG-I (127.0.0.1), each on its own
TLS connection (HTTP/1.0, so the server closes it); every connection after the first
offers the session of the one before (Python's ssl: SSL_get1_session after the response
has been read, so a TLS 1.3 ticket sent after the handshake is in it, then SSL_set_session
on the next connection). TLSVERSION is 1.2 or 1.3 (min = max). Prints one line per
connection:
    I VERSION reused=0|1 STATUS
The TAG-I in the request line lets apache.sh find the connection in the access log (which
worker process served it, and whether mod_ssl saw it resumed).
"""
import socket
import ssl
import sys

port, version, cafile, count, tag = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile)
ctx.minimum_version = ctx.maximum_version = {
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}[version]

session = None
for i in range(1, count + 1):
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as s:
            s.sendall(b"GET /index.html?%s-%d HTTP/1.0\r\nHost: localhost\r\n\r\n" % (tag.encode(), i))
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            # a TLS 1.3 ticket arrives after the handshake: read it before taking the session
            session = s.session
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none"
            print(i, s.version(), "reused=%d" % s.session_reused, status, flush=True)
    except (OSError, ssl.SSLError) as e:
        print(i, "error", type(e).__name__, str(e).replace("\n", " "), flush=True)
        session = None
