#!/usr/bin/env python3
"""Small HTTPS server for tests/programs/curl.sh (run it on the SYSTEM libssl).

Answers every request with a one-line body and `Connection: close`, then closes the
connection, so two URLs on one curl command line make two TLS connections.  After
each handshake it appends one line to --log describing what the SERVER saw:

    conn N version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 alpn=http/1.1 reused=False
        client=oxissl-test-client path=/x

or `handshake-error N <reason>` when the handshake failed.

Options: --port --cert --key [--ca FILE: require a client certificate issued by FILE]
[--alpn PROTO] [--tls 1.2|1.3: only that version] [--delay SECONDS: how long a request
for a path starting with /slow waits before its answer (default 1.5)]
"""
import argparse
import socket
import ssl
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--ca")
ap.add_argument("--alpn")
ap.add_argument("--tls", choices=["1.2", "1.3"])
ap.add_argument("--delay", type=float, default=1.5)
ap.add_argument("--log", required=True)
args = ap.parse_args()

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
if args.ca:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(args.ca)
if args.alpn:
    ctx.set_alpn_protocols([args.alpn])
if args.tls:
    v = ssl.TLSVersion.TLSv1_2 if args.tls == "1.2" else ssl.TLSVersion.TLSv1_3
    ctx.minimum_version = v
    ctx.maximum_version = v

lock = threading.Lock()
count = 0


def log(line):
    with lock:
        with open(args.log, "a") as f:
            f.write(line + "\n")


def handle(conn, n):
    conn.settimeout(10)
    try:
        s = ctx.wrap_socket(conn, server_side=True)
    except Exception as e:  # noqa: BLE001 - any handshake failure is logged
        log(f"handshake-error {n} {e}")
        conn.close()
        return
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        first = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = first.split(" ")
        path = parts[1] if len(parts) > 1 else "?"
        peer = s.getpeercert()
        client = "none"
        if peer:
            for rdn in peer.get("subject", ()):
                for k, val in rdn:
                    if k == "commonName":
                        client = val.replace(" ", "-")
        cipher = s.cipher()
        log(f"conn {n} version={s.version()} cipher={cipher[0] if cipher else '?'} "
            f"alpn={s.selected_alpn_protocol()} reused={s.session_reused} "
            f"client={client} path={path}")
        if path.startswith("/slow"):
            time.sleep(args.delay)
        body = f"hello from curl_server {path}\n".encode()
        s.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        try:
            s.unwrap()
        except Exception:  # noqa: BLE001 - peer may close first
            pass
    except Exception as e:  # noqa: BLE001
        log(f"error {n} {e}")
    finally:
        s.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", args.port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    count += 1
    threading.Thread(target=handle, args=(c, count), daemon=True).start()
