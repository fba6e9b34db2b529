#!/usr/bin/env python3
"""python_ssl.py PKI_DIR -- exercise CPython's ssl module over whatever libssl is loaded.

Prints a deterministic transcript, one line per check, "name: facts".  Only stable facts
are printed (no ports, times, serial numbers, random bytes), so the transcript of a run on
the system libssl and a run on oxissl can be compared with diff.  A check whose own
assertion (Python's documented ssl behaviour) fails prints "name: ASSERTION FAILED: …",
and the script then exits 1.  An unexpected exception is printed as a fact
("name: EXCEPTION Type: text") and also counts as a failure.

When PYSSL_HOLD_DIR is set, the script finally writes its pid to $PYSSL_HOLD_DIR/pid and
waits (up to 30 s) for $PYSSL_HOLD_DIR/go, so that the driver can read /proc/PID/maps.
"""
import asyncio
import http.server
import os
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.request

PKI = sys.argv[1] if len(sys.argv) > 1 else "pki"
TIMEOUT = 10
FAILURES = []
TMP = tempfile.mkdtemp(prefix="pyssl-")


def pki(name):
    return os.path.join(PKI, name)


def der_of(name):
    with open(pki(name)) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def exc(e):
    """A stable one-line description of an exception."""
    s = f"{type(e).__name__}: {e}"
    if isinstance(e, ssl.SSLCertVerificationError):
        s += f" [verify_code={e.verify_code} verify_message={e.verify_message!r}]"
    return s


CUR = {"out": [], "failed": []}


def new_out():
    """The current check's transcript lines (kept even if the check raises later)."""
    return CUR["out"]


def expect(cond, what):
    """A soft assertion: recorded, printed after the check's lines, the check goes on."""
    if not cond:
        CUR["failed"].append(what)


def check(name):
    """Decorator: run the check now, print its line(s)."""
    def run(fn):
        CUR["out"], CUR["failed"] = [], []
        try:
            ret = fn()
            err = None
        except Exception as e:  # noqa: BLE001 - every exception is a transcript fact
            ret, err = None, e
        out = CUR["out"]
        if isinstance(ret, str):
            out.append(ret)
        if len(out) == 1:
            print(f"{name}: {out[0]}", flush=True)
        else:
            for i, line in enumerate(out):
                print(f"{name}[{i}]: {line}", flush=True)
        if err is not None:
            print(f"{name}: EXCEPTION {exc(err)}", flush=True)
        for what in CUR["failed"]:
            print(f"{name}: ASSERTION FAILED: {what}", flush=True)
        if err is not None or CUR["failed"]:
            FAILURES.append(name)
        return fn
    return run


# ---------------------------------------------------------------- contexts

def server_ctx(cert="server-p256", key=None, **kw):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki(cert + ".pem"), pki((key or cert) + ".key"))
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def client_ctx(ca="ca.pem", **kw):
    # No system default CAs: the transcript must not depend on the machine's store.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        ctx.load_verify_locations(pki(ca))
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


# ---------------------------------------------------------------- a threaded TLS server

def echo_handler(ss):
    """Greets, then echoes until the client closes.  Returns server-side facts."""
    facts = {"version": ss.version(), "cipher": ss.cipher()[0],
             "reused": ss.session_reused, "alpn": ss.selected_alpn_protocol()}
    ss.sendall(b"hello\n")
    while True:
        try:
            data = ss.recv(1024)
        except (ssl.SSLEOFError, ConnectionResetError):
            break
        if not data:
            break
        ss.sendall(data)
    return facts


class Server:
    """Accepts `n` connections on 127.0.0.1 in a thread, wraps each with `ctx` and runs
    handler(sslsocket); each result (or "error: …") lands in self.results."""

    def __init__(self, ctx, handler=echo_handler, n=1, wrap=True):
        self.ctx, self.handler, self.n, self.wrap = ctx, handler, n, wrap
        self.results = []
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.lsock.settimeout(TIMEOUT)
        self.port = self.lsock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for _ in range(self.n):
            try:
                conn, _ = self.lsock.accept()
            except Exception as e:  # noqa: BLE001
                self.results.append("accept error: " + exc(e))
                return
            conn.settimeout(TIMEOUT)
            try:
                if self.wrap:
                    conn = self.ctx.wrap_socket(conn, server_side=True)
                self.results.append(self.handler(conn))
            except Exception as e:  # noqa: BLE001
                self.results.append("error: " + exc(e))
            finally:
                conn.close()
        self.lsock.close()

    def join(self):
        self.thread.join(TIMEOUT * 2)
        expect(not self.thread.is_alive(), "server thread did not finish")
        return self.results


def connect(ctx, port, hostname="localhost", session=None, plain=False):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    if plain:
        return sock
    try:
        return ctx.wrap_socket(sock, server_hostname=hostname, session=session)
    except BaseException:
        sock.close()
        raise


def readline(s):
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(1024)
        if not d:
            break
        buf += d
    return buf


def ping(s, msg=b"ping\n"):
    """Read the greeting, echo one line; returns True when both arrived intact."""
    g = readline(s)
    s.sendall(msg)
    e = readline(s)
    return g == b"hello\n" and e == msg


def handshake_result(sctx, cctx, hostname="localhost"):
    """Connect once; returns (client outcome, server outcome) strings."""
    srv = Server(sctx)
    try:
        with connect(cctx, srv.port, hostname) as s:
            ok = ping(s)
            client = f"ok version={s.version()} cipher={s.cipher()[0]} echo={ok}"
    except Exception as e:  # noqa: BLE001
        client = exc(e)
    res = srv.join()
    server = res[0] if res else "none"
    if isinstance(server, dict):
        server = "ok"
    return client, server


def stable_cert(d):
    """getpeercert() dict without the per-run fields (serial, validity dates)."""
    for k in ("serialNumber", "notBefore", "notAfter"):
        expect(k in d, f"getpeercert() has no {k}")
    ssl.cert_time_to_seconds(d["notAfter"])
    return {k: v for k, v in sorted(d.items()) if k not in ("serialNumber", "notBefore", "notAfter")}


# ================================================================= checks

@check("context defaults")
def _():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    expect(c.verify_mode == ssl.CERT_REQUIRED and c.check_hostname, "client context verifies")
    expect(s.verify_mode == ssl.CERT_NONE, "server context does not ask for a client cert")
    return (f"client verify_mode={c.verify_mode.name} check_hostname={c.check_hostname} "
            f"min={c.minimum_version.name} max={c.maximum_version.name} "
            f"verify_flags={c.verify_flags!r} security_level={c.security_level} "
            f"options={int(c.options):#x} post_handshake_auth={c.post_handshake_auth}; "
            f"server verify_mode={s.verify_mode.name} num_tickets={s.num_tickets} "
            f"options={int(s.options):#x}")


@check("urllib https")
def _():
    sctx = server_ctx()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"hello from {self.path} over {self.connection.version()}\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = sctx.wrap_socket(httpd.socket, server_side=True)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        port = httpd.server_address[1]
        ctx = ssl.create_default_context(cafile=pki("ca.pem"))
        out = new_out()
        for path in ("/one", "/two"):
            with urllib.request.urlopen(f"https://localhost:{port}{path}", context=ctx,
                                        timeout=TIMEOUT) as r:
                body = r.read()
                expect(r.status == 200, f"status {r.status}")
                expect(body == f"hello from {path} over TLSv1.3\n".encode(), f"body {body!r}")
                out.append(f"{r.status} {r.headers['Content-Type']} {body!r}")
        # the IP address SAN
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/ip", context=ctx,
                                    timeout=TIMEOUT) as r:
            body = r.read()
            expect(body == b"hello from /ip over TLSv1.3\n", f"body {body!r}")
            out.append(f"by IP address: {r.status} {body!r}")
        # a default context trusting another CA must refuse the server
        ctx2 = ssl.create_default_context(cafile=pki("ca2.pem"))
        try:
            urllib.request.urlopen(f"https://localhost:{port}/x", context=ctx2, timeout=TIMEOUT)
            out.append("trusting ca2: accepted")
        except urllib.error.URLError as e:
            expect(isinstance(e.reason, ssl.SSLCertVerificationError), f"reason {e.reason!r}")
            out.append("trusting ca2: URLError reason " + exc(e.reason))
        return out
    finally:
        httpd.shutdown()
        httpd.server_close()


@check("get_server_certificate")
def _():
    srv = Server(server_ctx())
    pem = ssl.get_server_certificate(("localhost", srv.port), ca_certs=pki("ca.pem"))
    srv.join()
    expect(ssl.PEM_cert_to_DER_cert(pem) == der_of("server-p256.pem"), "certificate differs from the file")
    return "PEM equals server-p256.pem"


@check("peer certificate and connection facts TLS1.3")
def _():
    srv = Server(server_ctx())
    with connect(client_ctx(), srv.port) as s:
        expect(ping(s), "echo")
        d = s.getpeercert()
        b = s.getpeercert(binary_form=True)
        expect(b == der_of("server-p256.pem"), "binary form is the server certificate")
        expect(s.version() == "TLSv1.3", f"version {s.version()}")
        out = new_out()
        out += [f"getpeercert {stable_cert(d)}",
               f"binary_form {len(b) == len(der_of('server-p256.pem'))} equal-to-file",
               f"version {s.version()} cipher {s.cipher()} compression {s.compression()}",
               f"shared_ciphers(client side) {s.shared_ciphers()} server_side {s.server_side} "
               f"server_hostname {s.server_hostname} pending {s.pending()}",
               f"selected_alpn_protocol {s.selected_alpn_protocol()}"]
    res = srv.join()
    out.append(f"server {res[0]}")
    return out


@check("connection facts TLS1.2")
def _():
    shared = []

    def handler(ss):
        shared.append(sorted(c[0] for c in (ss.shared_ciphers() or [])))
        shared.append(ss.get_channel_binding("tls-unique"))
        return echo_handler(ss)

    srv = Server(server_ctx(), handler)
    with connect(client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2), srv.port) as s:
        expect(ping(s), "echo")
        expect(s.version() == "TLSv1.2", f"version {s.version()}")
        cb = s.get_channel_binding("tls-unique")
        out = new_out()
        out.append(f"version {s.version()} cipher {s.cipher()}")
    res = srv.join()
    expect(cb == shared[1], "tls-unique equal on both ends")
    out.append(f"get_channel_binding('tls-unique'): client "
               f"{None if cb is None else f'{len(cb)} bytes'}, equal to the server's: {cb == shared[1]}")
    out.append(f"server shared_ciphers {shared[0]}")
    out.append(f"server {res[0]}")
    return out


@check("SNI callback and ALPN")
def _():
    seen = []
    other = server_ctx("wronghost")
    other.set_alpn_protocols(["h2", "http/1.1"])

    def sni(sslobj, name, ctx):
        seen.append(name)
        if name == "wrong.example":
            sslobj.context = other  # switch certificate
        return None

    sctx = server_ctx()
    sctx.sni_callback = sni
    sctx.set_alpn_protocols(["h2", "http/1.1"])
    out = new_out()
    cases = [("localhost", ["foo", "http/1.1"]),
             ("wrong.example", ["h2"]),
             ("127.0.0.1", ["http/1.1", "h2"]),   # IP address: no SNI is sent
             ("localhost", None)]                 # no ALPN offered
    for host, alpn in cases:
        srv = Server(sctx)
        cctx = client_ctx()
        if alpn:
            cctx.set_alpn_protocols(alpn)
        with connect(cctx, srv.port, host) as s:
            expect(ping(s), "echo")
            subj = dict(x[0] for x in s.getpeercert()["subject"])["commonName"]
            line = f"{host} alpn={alpn} -> client alpn {s.selected_alpn_protocol()} cert CN {subj}"
        res = srv.join()
        line += f"; server alpn {res[0]['alpn']}; sni_callback saw {seen[-1]!r}"
        out.append(line)
    expect(seen == ["localhost", "wrong.example", None, "localhost"], f"names {seen}")
    expect(out[0].count("http/1.1") >= 2, "ALPN http/1.1 selected")
    return out


@check("ALPN without overlap")
def _():
    sctx = server_ctx()
    sctx.set_alpn_protocols(["h2"])
    srv = Server(sctx)
    cctx = client_ctx()
    cctx.set_alpn_protocols(["http/1.1"])
    try:
        with connect(cctx, srv.port) as s:
            ping(s)
            client = f"connected, client alpn {s.selected_alpn_protocol()}"
    except Exception as e:  # noqa: BLE001
        client = exc(e)
    res = srv.join()
    return f"client {client}; server {res[0]}"


@check("SNI callback returning an alert")
def _():
    sctx = server_ctx()
    sctx.sni_callback = lambda obj, name, ctx: ssl.ALERT_DESCRIPTION_ACCESS_DENIED
    return "client %s; server %s" % handshake_result(sctx, client_ctx())


def session_check(maxver):
    sctx = server_ctx()
    srv = Server(sctx, n=3)
    cctx = client_ctx(maximum_version=maxver)
    out = new_out()
    session = None
    facts = []
    for i in range(3):
        with connect(cctx, srv.port, session=session) as s:
            expect(ping(s), "echo")  # reading lets the TLS 1.3 tickets arrive
            sess = s.session
            expect(sess is not None, "SSLSocket.session is set")
            out.append(f"connection {i + 1}: version {s.version()} session_reused "
                       f"{s.session_reused}")
            facts.append(f"has_ticket {sess.has_ticket} ticket_lifetime_hint "
                         f"{sess.ticket_lifetime_hint} timeout {sess.timeout}")
            reused = s.session_reused
            session = sess
        if i > 0:
            expect(reused, f"connection {i + 1} resumed")
    res = srv.join()
    out.append("sessions (connections 1 2 3): " + " | ".join(facts))
    out.append("server session_reused " + " ".join(
        str(r["reused"]) if isinstance(r, dict) else r for r in res))
    st = cctx.session_stats()
    out.append("client session_stats connect=%(connect)d connect_good=%(connect_good)d "
               "hits=%(hits)d" % st)
    st = sctx.session_stats()
    out.append("server session_stats accept=%(accept)d accept_good=%(accept_good)d "
               "hits=%(hits)d" % st)
    return out


@check("session reuse TLS1.3")
def _():
    return session_check(ssl.TLSVersion.TLSv1_3)


@check("session reuse TLS1.2")
def _():
    return session_check(ssl.TLSVersion.TLSv1_2)


@check("asyncio streams echo")
def _():
    sctx = server_ctx()
    server_facts = []

    async def handle(reader, writer):
        obj = writer.get_extra_info("ssl_object")
        server_facts.append(f"{obj.version()} server_side={obj.server_side}")
        while line := await reader.readline():
            writer.write(line.upper())
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=sctx)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=client_ctx(),
                                    server_hostname="localhost"), TIMEOUT)
        got = []
        for msg in (b"one\n", b"two\n", b"x" * 40000 + b"\n"):
            writer.write(msg)
            await writer.drain()
            got.append(await asyncio.wait_for(reader.readline(), TIMEOUT))
        obj = writer.get_extra_info("ssl_object")
        peer = writer.get_extra_info("peercert")
        facts = (f"{obj.version()} cipher {writer.get_extra_info('cipher')[0]} "
                 f"peer CN {dict(x[0] for x in peer['subject'])['commonName']}")
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
        server.close()
        await server.wait_closed()
        return got, facts

    got, facts = asyncio.run(main())
    expect(got == [b"ONE\n", b"TWO\n", b"X" * 40000 + b"\n"], "echo")
    return f"echo of 3 lines ok ({len(got[2])} bytes long line); client {facts}; server {server_facts}"


@check("load_verify_locations cadata")
def _():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    out = new_out()
    out += [f"empty: stats {ctx.cert_store_stats()} ca_certs {ctx.get_ca_certs()}"]
    with open(pki("ca.pem")) as f:
        ca_pem = f.read()
    with open(pki("ca2.pem")) as f:
        ca2_pem = f.read()
    ctx.load_verify_locations(cadata=ca_pem + ca2_pem)
    out.append(f"PEM str ca+ca2: stats {ctx.cert_store_stats()}")
    ctx.load_verify_locations(cadata=der_of("int.pem"))
    out.append(f"DER bytes int: stats {ctx.cert_store_stats()}")
    ctx.load_verify_locations(cadata=ca_pem)
    out.append(f"PEM again ca (duplicate): stats {ctx.cert_store_stats()}")
    for d in sorted(ctx.get_ca_certs(), key=lambda d: str(d["subject"])):
        out.append(f"get_ca_certs {stable_cert(d)}")
    ders = sorted(ctx.get_ca_certs(binary_form=True))
    expect(ders == sorted([der_of("ca.pem"), der_of("ca2.pem"), der_of("int.pem")]),
           "binary CA certs are the loaded files")
    out.append(f"get_ca_certs(binary_form=True) equals the 3 loaded files")
    for bad in ("not a certificate", b"\x30\x03\x02\x01\x00"):
        try:
            ctx.load_verify_locations(cadata=bad)
            out.append(f"bad cadata {type(bad).__name__}: accepted")
        except ssl.SSLError as e:
            out.append(f"bad cadata {type(bad).__name__}: {exc(e)}")
    # the certificates loaded as DER / PEM strings are really used for verification
    dctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    dctx.load_verify_locations(cadata=der_of("ca.pem"))
    c, s = handshake_result(server_ctx(), dctx)
    out.append(f"handshake trusting a DER cadata root: client {c}; server {s}")
    expect(c.startswith("ok"), "DER cadata root verifies the server")
    pctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    pctx.load_verify_locations(cadata=ca2_pem)
    c, s = handshake_result(server_ctx("unknownca"), pctx)
    out.append(f"handshake trusting ca2 via PEM cadata to unknownca: client {c}; server {s}")
    expect(c.startswith("ok"), "PEM cadata root verifies the server")
    return out


@check("verification failures")
def _():
    out = new_out()
    for cert, host in (("unknownca", "localhost"), ("wronghost", "localhost"),
                       ("expired", "localhost"), ("server-p256", "127.0.0.2")):
        c, s = handshake_result(server_ctx(cert), client_ctx(), host)
        expect(c.startswith("SSLCertVerificationError"), f"{cert}: {c}")
        out.append(f"{cert} as {host}: client {c}; server {s}")
    # CERT_NONE: no verification, getpeercert() is empty, binary form still there
    cctx = client_ctx(check_hostname=False, verify_mode=ssl.CERT_NONE)
    srv = Server(server_ctx("unknownca"))
    with connect(cctx, srv.port) as s:
        expect(ping(s), "echo")
        d, b = s.getpeercert(), s.getpeercert(binary_form=True)
        expect(d == {}, f"getpeercert() of an unverified peer is {{}}, got {d}")
        expect(b == der_of("unknownca.pem"), "binary form")
        out.append(f"CERT_NONE to unknownca: connected, getpeercert() {d}, binary form equal to file")
    srv.join()
    # check_hostname=False with CERT_REQUIRED: chain verified, name not
    c, s = handshake_result(server_ctx("wronghost"), client_ctx(check_hostname=False))
    out.append(f"check_hostname=False to wronghost: client {c}")
    expect(c.startswith("ok"), "no hostname check")
    return out


@check("set_ciphers")
def _():
    out = new_out()
    cctx = client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)
    cctx.set_ciphers("ECDHE+AESGCM")
    names = [c["name"] for c in cctx.get_ciphers()]
    out.append(f"get_ciphers after ECDHE+AESGCM: {names}")
    first = cctx.get_ciphers()[0]
    out.append(f"get_ciphers()[0] {sorted(first.items())}")
    sctx = server_ctx()
    c, s = handshake_result(sctx, cctx)
    out.append(f"TLS1.2 ECDHE+AESGCM to P-256 server: client {c}; server {s}")
    expect("ECDHE-ECDSA-AES" in c and "GCM" in c, f"negotiated {c}")
    # server prefers its own order (OP_CIPHER_SERVER_PREFERENCE is set by Python)
    sctx = server_ctx("server-rsa")
    sctx.set_ciphers("ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256")
    cctx2 = client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)
    cctx2.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305")
    c, s = handshake_result(sctx, cctx2)
    out.append(f"server preference: client {c}")
    expect("CHACHA20" in c, "server order wins")
    # no overlap
    sctx = server_ctx()
    sctx.set_ciphers("ECDHE-ECDSA-CHACHA20-POLY1305")
    c, s = handshake_result(sctx, cctx)
    out.append(f"no shared TLS1.2 cipher: client {c}; server {s}")
    expect(not c.startswith("ok"), "no shared cipher fails")
    for spec in ("NOTACIPHER", "ECDHE+AESGCM:!ECDHE", "AES128-SHA", "ECDHE-RSA-AES128-SHA256"):
        try:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.set_ciphers(spec)
            out.append(f"set_ciphers({spec!r}) accepted: "
                       f"{[c['name'] for c in ctx.get_ciphers() if c['protocol'] != 'TLSv1.3']}")
        except ssl.SSLError as e:
            out.append(f"set_ciphers({spec!r}) {exc(e)}")
    return out


@check("minimum_version maximum_version")
def _():
    out = new_out()
    c, s = handshake_result(server_ctx(), client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2))
    out.append(f"client max TLS1.2: {c}")
    expect("version=TLSv1.2" in c, "TLSv1.2")
    c, s = handshake_result(server_ctx(maximum_version=ssl.TLSVersion.TLSv1_2), client_ctx())
    out.append(f"server max TLS1.2: {c}")
    expect("version=TLSv1.2" in c, "TLSv1.2")
    c, s = handshake_result(server_ctx(minimum_version=ssl.TLSVersion.TLSv1_3),
                            client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2))
    out.append(f"server min 1.3, client max 1.2: client {c}; server {s}")
    expect(not c.startswith("ok"), "no common version")
    ctx = client_ctx(minimum_version=ssl.TLSVersion.TLSv1_3)
    out.append(f"getters after min=TLSv1_3: min={ctx.minimum_version.name} "
               f"max={ctx.maximum_version.name}")
    ctx = client_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)
    out.append(f"getters after max=TLSv1_2: min={ctx.minimum_version.name} "
               f"max={ctx.maximum_version.name}")
    return out


@check("keylog_filename")
def _():
    out = new_out()
    for label, maxver in (("TLS1.3", ssl.TLSVersion.TLSv1_3), ("TLS1.2", ssl.TLSVersion.TLSv1_2)):
        path = os.path.join(TMP, f"keylog-{label}.txt")
        cctx = client_ctx(maximum_version=maxver)
        cctx.keylog_filename = path
        expect(cctx.keylog_filename == path, "getter")
        c, s = handshake_result(server_ctx(), cctx)
        expect(c.startswith("ok"), c)
        with open(path) as f:
            lines = f.read().splitlines()
        header = [ln for ln in lines if ln.startswith("#")]
        entries = [ln.split() for ln in lines if ln and not ln.startswith("#")]
        for e in entries:
            expect(len(e) == 3 and len(e[1]) == 64 and all(len(x) % 2 == 0 for x in e[1:]),
                   f"line format {e[0]}")
            int(e[1], 16), int(e[2], 16)
        randoms = {e[1] for e in entries}
        expect(len(randoms) == 1, "one client random")
        labels = sorted(e[0] for e in entries)
        want = "CLIENT_HANDSHAKE_TRAFFIC_SECRET" if label == "TLS1.3" else "CLIENT_RANDOM"
        expect(want in labels, f"{want} logged")
        out.append(f"{label}: header {header} labels {labels} secret lengths "
                   f"{sorted({len(e[2]) // 2 for e in entries})}")
    return out


def handshake_then_read(cctx, port):
    """Client side of a connection the server may refuse after the client's handshake
    finished (TLS 1.3 client authentication): where did it fail?"""
    try:
        s = connect(cctx, port)
    except Exception as e:  # noqa: BLE001
        return "handshake " + exc(e)
    try:
        return f"handshake ok; first read {readline(s)!r}"
    except Exception as e:  # noqa: BLE001
        return "handshake ok; first read " + exc(e)
    finally:
        s.close()


@check("client certificate")
def _():
    out = new_out()

    def handler(ss):
        d = ss.getpeercert()
        b = ss.getpeercert(binary_form=True)
        r = echo_handler(ss)
        r["peer"] = stable_cert(d) if d else d
        r["peer_der_is_client_pem"] = b == der_of("client.pem")
        return r

    sctx = server_ctx(verify_mode=ssl.CERT_REQUIRED)
    sctx.load_verify_locations(pki("ca.pem"))
    for maxver in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        srv = Server(sctx, handler)
        cctx = client_ctx(maximum_version=maxver)
        cctx.load_cert_chain(pki("client.pem"), pki("client.key"))
        with connect(cctx, srv.port) as s:
            expect(ping(s), "echo")
            v = s.version()
        res = srv.join()[0]
        expect(isinstance(res, dict) and res["peer_der_is_client_pem"], f"server saw {res}")
        out.append(f"{v}: server getpeercert {res['peer']} binary form equal to client.pem")
    # no client certificate
    for maxver in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        srv = Server(sctx, handler)
        client = handshake_then_read(client_ctx(maximum_version=maxver), srv.port)
        res = srv.join()[0]
        out.append(f"no client cert max {maxver.name}: client {client}; server {res}")
        expect(not isinstance(res, dict), "server refuses")
    # client certificate from an unknown CA
    srv = Server(sctx, handler)
    cctx = client_ctx()
    cctx.load_cert_chain(pki("unknownca.pem"), pki("unknownca.key"))
    client = handshake_then_read(cctx, srv.port)
    res = srv.join()[0]
    out.append(f"unknown-CA client cert: client {client}; server {res}")
    expect(not isinstance(res, dict), "server refuses")
    return out


@check("load_cert_chain")
def _():
    out = new_out()
    cases = [("encrypted key, password str", ("server-rsa.pem", "server-rsa-enc.key", "secret")),
             ("encrypted key, password callable", ("server-rsa.pem", "server-rsa-enc.key", lambda: b"secret")),
             ("encrypted key, wrong password", ("server-rsa.pem", "server-rsa-enc.key", "nope")),
             ("key does not match cert", ("server-p256.pem", "server-rsa.key", None)),
             ("cert file is garbage", ("garbage.pem", "server-rsa.key", None)),
             ("cert file is empty", ("empty.pem", "server-rsa.key", None)),
             ("chain file with intermediate", ("server-int-chain.pem", "server-int.key", None))]
    for label, (cert, key, pw) in cases:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            ctx.load_cert_chain(pki(cert), pki(key), password=pw)
            r = "loaded"
        except (ssl.SSLError, OSError) as e:
            r = exc(e)
            ctx = None
        if ctx is not None:
            c, s = handshake_result(ctx, client_ctx())
            r += f"; handshake: client {c}"
        out.append(f"{label}: {r}")
    return out


def bio_handshake(pairs, rounds=20):
    """Drive SSLObjects over MemoryBIOs: pairs is [(obj, inbio, outbio, peer_inbio)]."""
    done = set()
    for _ in range(rounds):
        for i, (obj, _in, _out, _peer) in enumerate(pairs):
            if i in done:
                continue
            try:
                obj.do_handshake()
                done.add(i)
            except ssl.SSLWantReadError:
                pass
        for obj, _in, out, peer in pairs:
            peer.write(out.read())
        if len(done) == len(pairs):
            return True
    return False


@check("unwrap and shutdown")
def _():
    out = new_out()

    # STARTTLS-style: TLS, then unwrap() back to the plain socket and talk in plaintext.
    # The client (an SSLObject over the raw socket) sends its last TLS line, its
    # close_notify and the first plaintext line in one write, as a pipelining client may:
    # the server's libssl must not consume bytes past the close_notify record.
    def handler(sock):
        stage = "handshake"
        try:
            ss = ctx_s.wrap_socket(sock, server_side=True)
            stage = "reading the TLS line"
            line = readline(ss)
            ss.sendall(b"tls:" + line)
            stage = "unwrap()"
            plain = ss.unwrap()
            stage = f"tls got {line!r}, unwrap() ok, reading plaintext"
            plain.settimeout(3)
            data = readline(plain)
            plain.sendall(b"plain:" + data)
        except Exception as e:  # noqa: BLE001
            return f"{stage}: {exc(e)}"
        return f"tls got {line!r}, unwrap() ok, plaintext after unwrap {data!r}"

    ctx_s = server_ctx()
    srv = Server(None, handler, wrap=False)
    sock = connect(None, srv.port, plain=True)
    ci, co = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = client_ctx().wrap_bio(ci, co, server_hostname="localhost")
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(co.read())
            data = sock.recv(65536)
            expect(data, "server closed during the handshake")
            if not data:
                break
            ci.write(data)
    sock.sendall(co.read())
    obj.write(b"STARTTLS\n")
    try:
        obj.unwrap()
    except ssl.SSLWantReadError:
        pass
    sock.sendall(co.read() + b"after\n")
    raw = b""
    try:
        while not raw.endswith(b"plain:after\n"):
            d = sock.recv(65536)
            if not d:
                break
            raw += d
    except OSError as e:
        out.append("client reading the server's reply: " + exc(e))
    sock.close()
    res = srv.join()
    out.append(f"server {res[0] if res else None}")
    expect(raw.endswith(b"plain:after\n"), "server answered in plaintext after unwrap")
    if raw.endswith(b"plain:after\n"):
        ci.write(raw[:-len(b"plain:after\n")])
        reply = obj.read(100)
        obj.unwrap()
        out.append(f"client: tls reply {reply!r}, server close_notify received, "
                   f"plaintext reply {raw[-12:]!r}")

    # The same over memory BIOs: what is left in the input BIO after the close_notify?
    cin, cout, sin, sout = (ssl.MemoryBIO() for _ in range(4))
    c = client_ctx().wrap_bio(cin, cout, server_hostname="localhost")
    s = server_ctx().wrap_bio(sin, sout, server_side=True)
    expect(bio_handshake([(c, cin, cout, sin), (s, sin, sout, cin)]), "handshake")
    try:
        c.unwrap()
        first = "returned"
    except ssl.SSLWantReadError:
        first = "SSLWantReadError"
    sin.write(cout.read() + b"PLAINTEXT")
    try:
        s.unwrap()
        srv_res = "returned"
    except ssl.SSLError as e:
        srv_res = exc(e)
    out.append(f"MemoryBIO: client unwrap() before the peer's close_notify: {first}; server "
               f"unwrap() with close_notify+b'PLAINTEXT' in its input: {srv_res}, "
               f"{sin.pending} bytes left unread")
    expect(sin.pending == 9, "the 9 plaintext bytes after close_notify stay in the BIO")

    # shutdown(SHUT_RDWR) on an SSLSocket, then the peer sees EOF
    srv = Server(server_ctx())
    s = connect(client_ctx(), srv.port)
    expect(ping(s), "echo")
    s.shutdown(socket.SHUT_RDWR)
    s.close()
    res = srv.join()
    out.append(f"shutdown(SHUT_RDWR): server {'ok' if isinstance(res[0], dict) else res[0]}")


@check("SSLObject over MemoryBIO")
def _():
    cin, cout, sin, sout = (ssl.MemoryBIO() for _ in range(4))
    c = client_ctx().wrap_bio(cin, cout, server_hostname="localhost")
    s = server_ctx().wrap_bio(sin, sout, server_side=True)
    expect(bio_handshake([(c, cin, cout, sin), (s, sin, sout, cin)]), "handshake over memory BIOs")
    c.write(b"over memory")
    sin.write(cout.read())
    got = s.read(100)
    expect(got == b"over memory", f"read {got!r}")
    s.write(b"back")
    cin.write(sout.read())
    try:
        back = c.read(100)
    except ssl.SSLWantReadError:
        back = b"<want read>"
    expect(back == b"back", f"client read {back!r}")
    return f"handshake done, {c.version()}, data both ways ok, client pending {c.pending()}"


def maps_line():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "libssl.so" in os.path.basename(parts[5]):
                libs.add(parts[5])
    return libs


libs = maps_line()
print(f"libssl mapped: {' '.join(sorted(os.path.basename(p) for p in libs))} "
      f"({len(libs)} file{'s' if len(libs) != 1 else ''})", flush=True)

hold = os.environ.get("PYSSL_HOLD_DIR")
if hold:
    with open(os.path.join(hold, "libs"), "w") as f:
        f.write("\n".join(sorted(libs)) + "\n")
    with open(os.path.join(hold, "pid.tmp"), "w") as f:
        f.write(str(os.getpid()))
    os.rename(os.path.join(hold, "pid.tmp"), os.path.join(hold, "pid"))
    for _ in range(300):
        if os.path.exists(os.path.join(hold, "go")):
            break
        time.sleep(0.1)

print(f"result: {len(FAILURES)} failed check(s){': ' + ', '.join(FAILURES) if FAILURES else ''}")
sys.exit(1 if FAILURES else 0)
