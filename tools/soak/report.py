#!/usr/bin/python3
"""report.py --dir target/soak --out target/soak/summary.txt

Reads the two runs soak.sh left in DIR/system and DIR/oxissl, prints the summary (one table a
README can quote, then the details) to stdout and to --out, and enforces the pass criteria
for oxissl (exit 1 when one fails; see soak.sh):

  crashes     0 "worker process ... exited on signal" lines and no worker PID change
  rss         each worker's private RSS (VmRSS - RssShmem) grew < 5% from the end of warm-up
              to the end of the run; each end is the median of three samples 10 s apart
              (warm-up end -10/0/+10 s; the last three), so that one sample taken during a
              burst of connections in flight does not decide (a leak moves the medians).
              The baseline's growth by the same rule is printed (info) for comparison.  RssShmem is left out because it is nginx's
              shared session cache (ssl_session_cache shared:SSL:10m): every worker's RSS
              grows as the cache fills and the worker touches more of the zone (~10 MB
              after a few minutes, on either library); it is reported separately.
  requests    2xx answers within a factor of 10 of the baseline
  error log   no [alert]/[crit]/[emerg]/[error] class absent from the baseline's log; a class
              is the message with the date, PIDs, connection number, the client/server/request
              context and the TLS failure reason "(SSL: ...)" removed; the reasons are listed.
              No line nginx did not write (the library's output on stderr: a panic, a
              backtrace, a debug print), on either library
  maps        oxissl mapped in the master and both workers at the start and at the end; the
              system libssl in the baseline's; the load generator never on oxissl
"""
import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--out", required=True)
ARGS = ap.parse_args()

SERIOUS = ("emerg", "alert", "crit", "error")


def read_meta(d):
    m = defaultdict(list)
    with open(os.path.join(d, "meta")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            m[k].append(v)
    return m


def one(m, k, default=""):
    return m[k][0] if m.get(k) else default


ENTRY = re.compile(r"\n(?=\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[)")
HEAD = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: (?:\*\d+ )?")
SSLREASON = re.compile(r" \(SSL: (.*?)\)(?= while|$)")


def error_log(path):
    """{(level, class): n}, {(level, class): Counter(reason)}"""
    classes, reasons = Counter(), defaultdict(Counter)
    try:
        data = open(path, "rb").read().decode("utf-8", "replace")
    except OSError:
        return classes, reasons
    for e in ENTRY.split(data):
        m = HEAD.match(e)
        if not m:
            continue
        level, msg = m.group(1), e[m.end():]
        # the context nginx appends (binary request lines included) and line breaks
        msg = re.split(r", (?:client|server|request|upstream|host|referrer): ", msg, maxsplit=1)[0]
        msg = msg.split("\n")[0]
        reason = None
        r = SSLREASON.search(msg)
        if r:
            reason = r.group(1)
            msg = msg[:r.start()] + " (SSL: ...)" + msg[r.end():]
        msg = re.sub(r"\b(process|from) \d+", r"\1 N", msg)
        msg = re.sub(r"\b(client) \d+\.\d+\.\d+\.\d+", r"\1 ADDR", msg)
        classes[(level, msg)] += 1
        if reason:
            reasons[(level, msg)][reason] += 1
    return classes, reasons


def rss(path):
    """{pid: [(t, vmrss, anon, file, shmem)]} (kB)"""
    out = defaultdict(list)
    with open(path) as f:
        next(f)
        for line in f:
            t, pid, v, a, fl, s = line.split()
            out[pid].append((int(t), int(v), int(a), int(fl), int(s)))
    return out


def at(samples, t):
    """The sample at time t (the first one at or after t), else the last one."""
    for s in samples:
        if s[0] >= t:
            return s
    return samples[-1]


def load_run(name):
    d = os.path.join(ARGS.dir, name)
    if not os.path.isfile(os.path.join(d, "meta")):
        return None
    r = {"name": name, "dir": d, "meta": read_meta(d)}
    try:
        r["load"] = json.load(open(os.path.join(d, "load.json")))
    except (OSError, ValueError):
        r["load"] = {}
    # access log counts: n port first|more protocol reused status uri
    acc = []
    try:
        for line in open(os.path.join(d, "access.counts")):
            p = line.split()
            if len(p) >= 7:
                acc.append((int(p[0]), p[2], p[3], p[4], p[5], p[6] if len(p) > 6 else "-"))
    except OSError:
        pass
    r["access"] = acc
    hs = Counter()
    for n, first, proto, reused, status, uri in acc:
        if first == "first" and proto.startswith("TLS"):
            hs[("resumed" if reused == "r" else "full", proto)] += n
    r["handshakes"] = hs
    r["server_2xx"] = sum(n for n, _, _, _, st, _ in acc if st.startswith("2"))
    r["classes"], r["reasons"] = error_log(os.path.join(d, "error.log"))
    # lines nginx did not write: what the process printed on stderr (nginx points its stderr
    # at the error log; "stdout" has what came before): panics, backtraces, debug prints
    r["foreign"] = []
    for f in ("error.log", "stdout"):
        try:
            for line in open(os.path.join(d, f), "rb"):
                line = line.decode("utf-8", "replace").rstrip("\n")
                if line and not re.match(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[", line):
                    r["foreign"].append(line)
        except OSError:
            pass
    crashes = sum(n for (lvl, c), n in r["classes"].items() if "exited on signal" in c)
    changes = 0
    try:
        changes = sum(1 for _ in open(os.path.join(d, "workers.log"))) - 1
    except OSError:
        pass
    r["crashes"], r["pid_changes"] = crashes, changes
    try:
        r["rss"] = rss(os.path.join(d, "rss.tsv"))
    except OSError:
        r["rss"] = {}
    r["cpu"] = {}
    try:
        for line in open(os.path.join(d, "cpu.txt")):
            p = line.split()
            r["cpu"][p[0] + ("" if len(p) == 2 else " " + p[1])] = float(p[-1])
    except OSError:
        pass
    return r


runs = [r for r in (load_run("system"), load_run("oxissl")) if r]
if not runs:
    print("report.py: no runs in", ARGS.dir, file=sys.stderr)
    sys.exit(2)
base = next((r for r in runs if r["name"] == "system"), None)
ox = next((r for r in runs if r["name"] == "oxissl"), None)


def mb(kb):
    return "%.1f" % (kb / 1024.0)


def label(r):
    m = r["meta"]
    if r["name"] == "system":
        return "system libssl (OpenSSL 3.0)"
    return "oxissl %s (%s)" % (one(m, "lib_sha")[:8], one(m, "lib_mode"))


def failures_cell(r):
    f = r["load"].get("failures", {})
    parts = []
    for kind in sorted(f):
        reasons = {k: v for k, v in f[kind].items() if k != "cancelled at the end"}
        if reasons:
            parts.append("%s %d (%s)" % (kind, sum(reasons.values()),
                                         ", ".join("%s %d" % kv for kv in sorted(reasons.items(), key=lambda x: -x[1]))))
    return "; ".join(parts) or "0"


def rss_cell(r):
    warm = int(one(r["meta"], "warm", "0"))
    parts = []
    for i, (pid, s) in enumerate(sorted(r["rss"].items())):
        f, w, l = s[0], at(s, warm), s[-1]
        parts.append("w%d %s/%s/%s (private %s/%s/%s)" % (
            i + 1, mb(f[1]), mb(w[1]), mb(l[1]), mb(f[1] - f[4]), mb(w[1] - w[4]), mb(l[1] - l[4])))
    return "; ".join(parts) or "-"


def serious_cell(r):
    c = Counter()
    for (lvl, cls), n in r["classes"].items():
        if lvl in SERIOUS:
            c["[%s] %s" % (lvl, cls)] += n
    out = "; ".join("%s ×%d" % kv for kv in sorted(c.items())) or "none"
    if r["foreign"]:
        out += "; %d lines not written by nginx (stderr)" % len(r["foreign"])
    return out


def resumed_pct(r):
    ld = r["load"]
    off = sum(ld.get("client_offered_session", {}).values())
    res = sum(ld.get("client_resumed", {}).values())
    return "%.1f%%" % (100.0 * res / off) if off else "-"


lines = []
P = lines.append
P("Soak: nginx 1.22 (2 workers) on loopback under tools/soak/load.py, %s s per library, "
  "warm-up %s s" % (one(runs[0]["meta"], "seconds"), one(runs[0]["meta"], "warm")))
P("")
P("| library | seconds | requests 2xx | full TLS 1.2 | full TLS 1.3 | resumed TLS 1.2 | resumed TLS 1.3 "
  "| resumed % | client failures | worker crashes | worker RSS MB first/warm/last | error-log [alert]/[crit]/[error]/[emerg] |")
P("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in runs:
    h = r["handshakes"]
    P("| %s | %s | %d | %d | %d | %d | %d | %s | %s | %d | %s | %s |" % (
        label(r), one(r["meta"], "seconds"), r["load"].get("requests_2xx", 0),
        h[("full", "TLSv1.2")], h[("full", "TLSv1.3")], h[("resumed", "TLSv1.2")], h[("resumed", "TLSv1.3")],
        resumed_pct(r), failures_cell(r), r["crashes"] + r["pid_changes"], rss_cell(r), serious_cell(r)))
P("")
P("requests 2xx: answers the load generator received; handshakes: first request of each connection in")
P("nginx's access log ($ssl_protocol, $ssl_session_reused); resumed %: of the sessions the clients offered;")
P("RSS: VmRSS at the start, the end of warm-up and the end (private = VmRSS - RssShmem, the shared")
P("session cache left out: the criterion).")

# ---------------------------------------------------------------- details
P("")
P("Load offered (connections started; skipped = rate cap reached) and CPU seconds used")
kinds = sorted(set(k for r in runs for k in r["load"].get("started", {})))
P("  %-18s" % "kind" + "".join("%34s" % r["name"] for r in runs))
for k in kinds:
    P("  %-18s" % k + "".join("%34s" % ("%d started, %d ok, %d skipped" % (
        r["load"].get("started", {}).get(k, 0), r["load"].get("ok", {}).get(k, 0),
        r["load"].get("skipped_cap", {}).get(k, 0))) for r in runs))
for r in runs:
    P("  %s: %s; load average at the start %s" % (r["name"], ", ".join("%s %.1f s" % kv for kv in r["cpu"].items()),
                                                  one(r["meta"], "loadavg", "?")))
    P("  %s: 2xx in the access log %d, client-side 2xx %d, resumed: client %s, server %d" % (
        r["name"], r["server_2xx"], r["load"].get("requests_2xx", 0),
        sum(r["load"].get("client_resumed", {}).values()),
        r["handshakes"][("resumed", "TLSv1.2")] + r["handshakes"][("resumed", "TLSv1.3")]))
    cancelled = sum(v.get("cancelled at the end", 0) for v in r["load"].get("failures", {}).values())
    if cancelled:
        P("  %s: %d connections still in flight at the end were cancelled (not counted as failures)" % (
            r["name"], cancelled))

P("")
P("Latency seen by the load generator (ms, p50/p99/max; connections: connect to done; keepalive: per")
P("request; hostile kinds include the wait for the server's reaction; event loop lag: how late the")
P("generator's own loop woke up, i.e. its saturation)")
lk = sorted(set(k for r in runs for k in r["load"].get("latency", {})))
for k in lk:
    cells = []
    for r in runs:
        x = r["load"].get("latency", {}).get(k)
        cells.append("%s: %s/%s/%s" % (r["name"], x["p50_ms"], x["p99_ms"], x["max_ms"]) if x else "%s: -" % r["name"])
    P("  %-20s %s" % (k, "   ".join(cells)))

P("")
P("Hostile clients: the server's reaction (first record it sent, close, reset, ...)")
variants = sorted(set(k for r in runs for k in r["load"].get("outcomes", {})))
for v in variants:
    cells = []
    for r in runs:
        o = r["load"].get("outcomes", {}).get(v, {})
        cells.append(", ".join("%s %d" % kv for kv in sorted(o.items(), key=lambda x: -x[1])) or "-")
    same = len(runs) == 2 and [set(r["load"].get("outcomes", {}).get(v, {})) for r in runs][0] == \
        [set(r["load"].get("outcomes", {}).get(v, {})) for r in runs][1]
    P("  %s %-42s %s" % (" " if same else "≠", v, " | ".join("%s: %s" % (r["name"], c) for r, c in zip(runs, cells))))

P("")
P("nginx error.log, every class (count per library; ≠ marks a class only one library has)")
allc = sorted(set(k for r in runs for k in r["classes"]), key=lambda k: (SERIOUS.index(k[0]) if k[0] in SERIOUS else 9, k))
for k in allc:
    counts = [r["classes"].get(k, 0) for r in runs]
    mark = "≠" if len(runs) == 2 and (counts[0] == 0) != (counts[1] == 0) else " "
    P("  %s %s  [%s] %s" % (mark, "  ".join("%7d" % c for c in counts), k[0], k[1]))
P("  (columns: %s)" % ", ".join(r["name"] for r in runs))
P("")
P("TLS failure reasons inside \"SSL_do_handshake() failed (SSL: ...)\" and their log level")
allr = sorted(set((lvl, reason) for r in runs for (lvl, c), rs in r["reasons"].items() for reason in rs))
for lvl, reason in allr:
    counts = [sum(rs.get(reason, 0) for (l, c), rs in r["reasons"].items() if l == lvl) for r in runs]
    mark = "≠" if len(runs) == 2 and (counts[0] == 0) != (counts[1] == 0) else " "
    P("  %s %s  [%s] %s" % (mark, "  ".join("%7d" % c for c in counts), lvl, reason))

P("")
P("Worker RSS every 30 s (kB: VmRSS, RssAnon, RssFile, RssShmem)")
for r in runs:
    for pid, s in sorted(r["rss"].items()):
        P("  %s worker %s: %s" % (r["name"], pid, "  ".join(
            "%ds %d/%d/%d/%d" % x for x in s if x[0] % 30 == 0 or x is s[-1])))

# ---------------------------------------------------------------- criteria
verdict = []
info = []


def rss_growth(s, warm):
    """Private RSS (VmRSS - RssShmem) at the end of warm-up and at the end: each the median of
    three samples 10 s apart (warm-up end -10/0/+10 s; the last three), so that one sample
    taken during a burst of connections in flight does not decide; a leak moves the medians."""
    priv = lambda x: x[1] - x[4]    # noqa: E731
    w, l = at(s, warm), s[-1]
    near_w = sorted(priv(x) for x in s if abs(x[0] - w[0]) <= 10) or [priv(w)]
    near_l = sorted(priv(x) for x in s if x[0] >= l[0] - 20) or [priv(l)]
    pw, pl = near_w[len(near_w) // 2], near_l[len(near_l) // 2]
    return pw, pl, w, l, "medians of %s and %s kB" % ("/".join(map(str, near_w)), "/".join(map(str, near_l)))


def check(name, good, why=""):
    verdict.append((good, name, why))


if base is None or ox is None:
    check("both runs present", False, "missing: %s" % ("system" if base is None else "oxissl"))
else:
    for r in runs:
        m = r["meta"]
        for k in ("start_failed", "master_died", "loader_died", "loader_killed", "nginx_stop_timeout"):
            if k in m:
                check("%s: run completed" % r["name"], False, "%s %s" % (k, " ".join(m[k])))
        ll = one(m, "loader_libssl")
        check("%s: load generator on the system libssl" % r["name"],
              "/libssl.so.3" in ll and "oxissl-soak-lib" not in ll and "target/release" not in ll, ll or "no libssl mapped")
        mf = m.get("maps_fail", [])
        n_ok = len(m.get("maps_ok", []))
        check("%s: %s libssl mapped in master and workers (start and end)" % (
            r["name"], "oxissl" if r is ox else "the system"), not mf and n_ok >= 6,
            "; ".join(mf) or "%d of 6 checks" % n_ok)
    check("baseline answered requests", base["load"].get("requests_2xx", 0) > 0)
    check("oxissl: 0 worker crashes", ox["crashes"] == 0 and ox["pid_changes"] == 0,
          "%d 'exited on signal', %d worker PID changes" % (ox["crashes"], ox["pid_changes"]))
    warm = int(one(ox["meta"], "warm", "0"))
    if len(ox["rss"]) < 2:
        check("oxissl: RSS sampled for both workers", False, "%d workers sampled" % len(ox["rss"]))
    for r in (base, ox):
        for pid, s in sorted(r["rss"].items()):
            pw, pl, w, l, why = rss_growth(s, warm)
            g = 100.0 * (pl - pw) / pw if pw else 0
            name = "worker %s private RSS flat after warm-up (< 5%%)" % pid
            why = "%d kB at %d s -> %d kB at %d s (%+.1f%%; %s); VmRSS %d -> %d kB" % (
                pw, w[0], pl, l[0], g, why, w[1], l[1])
            if r is ox:
                check("oxissl: " + name, g < 5.0 and l[0] > w[0], why)
            else:
                info.append("system (not a criterion): " + name + ": " + why)
    b, o = base["load"].get("requests_2xx", 0), ox["load"].get("requests_2xx", 0)
    check("oxissl: requests answered within 10x of the baseline", b > 0 and b / 10.0 <= o <= b * 10.0,
          "%d vs %d" % (o, b))
    base_classes = set(k for k in base["classes"] if k[0] in SERIOUS)
    new = [(k, n) for k, n in ox["classes"].items() if k[0] in SERIOUS and k not in base_classes]
    check("oxissl: no [alert]/[crit]/[emerg]/[error] class the baseline lacks", not new,
          "; ".join("[%s] %s ×%d" % (k[0], k[1], n) for k, n in new))
    for r in runs:
        if r["foreign"]:
            ex = Counter(re.sub(r"\d+", "N", x.strip())[:100] for x in r["foreign"]).most_common(3)
            check("%s: nothing but nginx's own lines in error.log" % r["name"], False,
                  "%d other lines (stderr), most frequent: %s" % (
                      len(r["foreign"]), " | ".join("%r ×%d" % kv for kv in ex)))
        else:
            check("%s: nothing but nginx's own lines in error.log" % r["name"], True)

# Not criteria (the TLS failure reasons' wording is excepted), but shown: reasons oxissl's
# nginx logs at a serious level that the baseline's does not log there at all.
notes = []
if base is not None and ox is not None:
    def serious_reasons(r):
        c = Counter()
        for (lvl, cls), rs in r["reasons"].items():
            if lvl in SERIOUS:
                for reason, n in rs.items():
                    c[(lvl, reason)] += n
        return c
    bs, osr = serious_reasons(base), serious_reasons(ox)
    for (lvl, reason), n in sorted(osr.items()):
        if (lvl, reason) not in bs:
            notes.append("oxissl's nginx logs [%s] \"%s\" %d times, the baseline's never at [%s]" % (lvl, reason, n, lvl))

P("")
P("Criteria (oxissl)")
for good, name, why in verdict:
    P("  %s %s%s" % ("PASS" if good else "FAIL", name, (": " + why) if why else ""))
for n in notes:
    P("  NOTE %s" % n)
for n in info:
    P("  info %s" % n)
failed = [v for v in verdict if not v[0]]
P("soak: %s" % ("PASS" if not failed else "FAIL (%d criteria)" % len(failed)))

text = "\n".join(lines) + "\n"
sys.stdout.write(text)
with open(ARGS.out, "w") as f:
    f.write(text)
sys.exit(1 if failed else 0)
