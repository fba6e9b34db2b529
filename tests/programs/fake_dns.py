#!/usr/bin/env python3
"""fake_dns.py ADDR PORT ZONEFILE -- a tiny authoritative-looking DNS server for postfix.sh.

Answers over UDP and TCP on ADDR:PORT from ZONEFILE (re-read when it changes), one record a
line: `NAME TYPE DATA` with TYPE one of A, AAAA, MX ("PREF HOST"), NS, TLSA
("USAGE SELECTOR MTYPE HEX"). Every answer has the AD bit set (as a validating resolver
would for a signed zone), so that glibc (with `options trust-ad`) and Postfix's
smtp_dns_support_level = dnssec treat it as DNSSEC-validated. A name with records but none
of the asked type gets NOERROR/NODATA, an unknown name NXDOMAIN. Queries are logged to
stderr, one line each.
"""
import os
import socket
import struct
import sys
import threading

TYPES = {"A": 1, "NS": 2, "MX": 15, "AAAA": 28, "TLSA": 52}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
addr, port, zonefile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
zone_cache = {"mtime": None, "zone": {}}


def enc_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rdata(rtype, data):
    if rtype == "A":
        return socket.inet_pton(socket.AF_INET, data)
    if rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, data)
    if rtype == "MX":
        pref, host = data.split()
        return struct.pack("!H", int(pref)) + enc_name(host)
    if rtype == "NS":
        return enc_name(data)
    if rtype == "TLSA":
        u, s, m, hexdata = data.split()
        return bytes([int(u), int(s), int(m)]) + bytes.fromhex(hexdata)
    raise ValueError(rtype)


def zone():
    try:
        mtime = os.stat(zonefile).st_mtime_ns
    except OSError:
        return {}
    if mtime != zone_cache["mtime"]:
        z = {}
        with open(zonefile) as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) == 3 and not line.startswith("#"):
                    name, rtype, data = parts
                    z.setdefault(name.lower().rstrip("."), []).append((rtype.upper(), data.strip()))
        zone_cache.update(mtime=mtime, zone=z)
    return zone_cache["zone"]


def answer(query):
    if len(query) < 12:
        return None
    qid, flags, qd, _an, _ns, ar = struct.unpack("!6H", query[:12])
    pos, labels = 12, []
    while pos < len(query) and query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    pos += 1
    if qd != 1 or pos + 4 > len(query):
        return None
    qtype, qclass = struct.unpack("!HH", query[pos:pos + 4])
    question = query[12:pos + 4]
    # EDNS(0): echo an OPT record (with the DO bit when the query had it)
    do_bit = 0
    if ar and len(query) >= pos + 4 + 11 and struct.unpack("!H", query[pos + 5:pos + 7])[0] == 41:
        do_bit = struct.unpack("!I", query[pos + 9:pos + 13])[0] & 0x8000
    name = ".".join(labels).lower()
    records = zone().get(name)
    answers = []
    if records is None:
        rcode = 3  # NXDOMAIN
    else:
        rcode = 0
        for rtype, data in records:
            if TYPES.get(rtype) == qtype:
                rd = rdata(rtype, data)
                answers.append(b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rd)) + rd)
    # QR AA (RD copied) RA AD
    rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | 0x0020 | rcode
    opt = b""
    if ar:
        opt = b"\0" + struct.pack("!HHIH", 41, 1232, do_bit, 0)
    sys.stderr.write("fake_dns: %s %s -> %s %d answer(s)\n" % (
        name or ".", TYPE_NAMES.get(qtype, qtype), "NXDOMAIN" if rcode else "NOERROR", len(answers)))
    sys.stderr.flush()
    return (struct.pack("!6H", qid, rflags, 1, len(answers), 0, 1 if opt else 0)
            + question + b"".join(answers) + opt)


def serve_udp(sock):
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            resp = answer(data)
        except Exception as e:  # a bad zone line: no answer (the client times out), logged
            sys.stderr.write("fake_dns: error %r\n" % (e,))
            resp = None
        if resp:
            sock.sendto(resp, peer)


def serve_tcp_conn(conn):
    with conn:
        while True:
            hdr = conn.recv(2)
            if len(hdr) < 2:
                return
            n = struct.unpack("!H", hdr)[0]
            data = b""
            while len(data) < n:
                chunk = conn.recv(n - len(data))
                if not chunk:
                    return
                data += chunk
            resp = answer(data)
            if resp:
                conn.sendall(struct.pack("!H", len(resp)) + resp)


def serve_tcp(sock):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve_tcp_conn, args=(conn,), daemon=True).start()


udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
udp.bind((addr, port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((addr, port))
tcp.listen(16)
threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
sys.stderr.write("fake_dns: listening on %s:%d\n" % (addr, port))
sys.stderr.flush()
serve_udp(udp)
