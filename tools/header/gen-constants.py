#!/usr/bin/env python3
"""Development-time generator for include/ssl-constants.in.

Collects the object-like constants that OpenSSL 3.0's <openssl/ssl.h> itself defines
(not those of the headers it includes: libcrypto's, or the libssl sub-headers tls1.h,
ssl3.h, dtls1.h, srtp.h, ssl2.h, sslerr.h, prov_ssl.h, which oxissl's ssl.h includes
from the system), evaluates each one with the C compiler and writes them back as plain
`#define NAME VALUE` data lines, grouped by prefix, keeping the C type of each value
(int / unsigned / long / uint64_t) and gating the deprecated ones the same way the
reference does (OPENSSL_NO_DEPRECATED_1_1_0 / OPENSSL_NO_DEPRECATED_3_0).

Only values and names are taken (they are the ABI); the layout is our own. Macros that
are not integer or string constants (function-like macros, aliases of functions) are
written by hand in include/ssl.h.in; this script lists the ones it skipped on stderr so
that they can be checked against the template.

Usage: tools/header/gen-constants.py [-o include/ssl-constants.in]
Needs gcc and the system's OpenSSL 3.0 development headers (libssl-dev).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

CC = os.environ.get("CC", "gcc")

# Headers that the reference ssl.h includes. Their macros are not ours to define.
BASE_HEADERS = """
e_os2.h opensslconf.h comp.h bio.h x509.h crypto.h buffer.h lhash.h pem.h hmac.h
async.h safestack.h symhacks.h ct.h sslerr.h prov_ssl.h ssl2.h ssl3.h tls1.h dtls1.h
srtp.h
""".split()

# Written by hand in the template (function-like helpers, guards, aliases of functions).
HANDWRITTEN = {"OPENSSL_SSL_H", "HEADER_SSL_H", "SSL_OP_BIT"}


def run(args, src, check=True):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.c")
        with open(path, "w") as f:
            f.write(src)
        p = subprocess.run(args + [path], capture_output=True, text=True, cwd=d)
        if check and p.returncode != 0:
            sys.exit("compiler failed:\n" + p.stderr[-4000:])
        return p


def macros(src, extra=()):
    out = run([CC, "-dM", "-E", *extra], src).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"#define (\w+)(\(.*?\))?(?: (.*))?$", line)
        if m:
            res[m.group(1)] = (m.group(2) is not None, m.group(3) or "")
    return res


def ssl_only_macros(extra=()):
    full = macros("#include <openssl/ssl.h>\n", extra)
    base_src = "#define OPENSSL_SSL_H\n" + "".join(f"#include <openssl/{h}>\n" for h in BASE_HEADERS)
    base = macros(base_src, extra)
    return {k: v for k, v in full.items() if k not in base}


def classify(names):
    """Returns ({name: (ctype, value)}, {name: string}) for the integer / string constants."""
    ints = list(names)
    # Drop every name that is not an integer constant expression, a few passes at most.
    for _ in range(10):
        lines = ["#include <openssl/ssl.h>"]
        first = len(lines) + 1
        lines += [f"enum {{ oxc_{i} = ((long long)({n}) != 0) }};" for i, n in enumerate(ints)]
        p = run([CC, "-std=c11", "-fsyntax-only", "-w"], "\n".join(lines) + "\n", check=False)
        bad = set()
        for m in re.finditer(r"t\.c:(\d+):", p.stderr):
            idx = int(m.group(1)) - first
            if 0 <= idx < len(ints):
                bad.add(ints[idx])
        if not bad:
            if p.returncode != 0:
                sys.exit("unexpected compile failure:\n" + p.stderr[-4000:])
            break
        ints = [n for n in ints if n not in bad]
    prog = ["#include <openssl/ssl.h>", "#include <stdio.h>",
            "#define OXT(x) _Generic((x), int: \"int\", unsigned int: \"unsigned\", "
            "long: \"long\", unsigned long: \"unsigned long\", long long: \"long long\", "
            "unsigned long long: \"unsigned long long\", default: \"?\")",
            "int main(void) {"]
    for n in ints:
        prog.append(f'  printf("%s|%s|%d|%llu|%lld\\n", "{n}", OXT({n}), ({n}) < 0, '
                    f"(unsigned long long)({n}), (long long)({n}));")
    prog.append("  return 0; }")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "p.c")
        exe = os.path.join(d, "p")
        with open(src, "w") as f:
            f.write("\n".join(prog) + "\n")
        subprocess.run([CC, "-std=c11", "-w", "-o", exe, src], check=True)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        name, ctype, neg, u, s = line.split("|")
        if ctype != "?":  # "?" : a pointer (string literal) that gcc folded anyway
            values[name] = (ctype, int(s) if neg == "1" else int(u))

    rest = [n for n in names if n not in values]
    strs = list(rest)
    for _ in range(10):
        lines = ["#include <openssl/ssl.h>"]
        first = len(lines) + 1
        lines += [f'static const char oxs_{i}[] = "" {n};' for i, n in enumerate(strs)]
        p = run([CC, "-std=c11", "-fsyntax-only", "-w"], "\n".join(lines) + "\n", check=False)
        bad = set()
        for m in re.finditer(r"t\.c:(\d+):", p.stderr):
            idx = int(m.group(1)) - first
            if 0 <= idx < len(strs):
                bad.add(strs[idx])
        if not bad:
            break
        strs = [n for n in strs if n not in bad]
    prog = ["#include <openssl/ssl.h>", "#include <stdio.h>", "int main(void) {"]
    for n in strs:
        prog.append(f'  printf("%s|%s\\n", "{n}", {n});')
    prog.append("  return 0; }")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "p.c")
        exe = os.path.join(d, "p")
        with open(src, "w") as f:
            f.write("\n".join(prog) + "\n")
        subprocess.run([CC, "-std=c11", "-w", "-o", exe, src], check=True)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    strings = {}
    for line in out.splitlines():
        name, val = line.split("|", 1)
        strings[name] = val
    return values, strings


def c_int(name, ctype, v):
    """Our own spelling of an integer value, keeping its C type."""
    if ctype == "unsigned long" and name.startswith("SSL_OP_"):
        # uint64_t option bits (SSL_OP_BIT is defined in the template).
        if v and v & (v - 1) == 0:
            return f"SSL_OP_BIT({v.bit_length() - 1})"
        return f"((uint64_t)0x{v:x}U)"
    if v < 0:
        lit = f"({v})"
        return lit if ctype == "int" else f"((long){v})"
    hexish = v >= 0x100 or ctype != "int"
    lit = f"0x{v:x}" if hexish and v >= 10 else str(v)
    suffix = {"int": "", "unsigned": "U", "long": "L", "unsigned long": "UL",
              "long long": "LL", "unsigned long long": "ULL"}[ctype]
    return lit + suffix


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Order of the groups in the output, by name prefix; the rest follow alphabetically.
GROUP_ORDER = [
    "SSL_ERROR", "SSL_want() results", "SSL_get_shutdown() bits", "SSL_FILETYPE", "SSL_VERIFY",
    "SSL_OP", "SSL_MODE", "SSL_CERT_FLAG",
    "SSL_BUILD_CHAIN_FLAG", "SSL_SESS_CACHE", "SSL_SENT_SHUTDOWN", "SSL_CB", "SSL_ST",
    "SSL_TLSEXT_ERR", "OPENSSL_NPN", "SSL_CTRL", "DTLS_CTRL", "SSL_TXT",
]


# A few constants belong together by meaning rather than by prefix.
GROUP_BY_NAME = {
    "SSL_SENT_SHUTDOWN": "SSL_get_shutdown() bits",
    "SSL_RECEIVED_SHUTDOWN": "SSL_get_shutdown() bits",
    "SSL_NOTHING": "SSL_want() results",
    "SSL_WRITING": "SSL_want() results",
    "SSL_READING": "SSL_want() results",
    "SSL_X509_LOOKUP": "SSL_want() results",
    "SSL_ASYNC_PAUSED": "SSL_want() results",
    "SSL_ASYNC_NO_JOBS": "SSL_want() results",
    "SSL_CLIENT_HELLO_CB": "SSL_want() results",
    "SSL_RETRY_VERIFY": "SSL_want() results",
}
SMALL_GROUP = 2  # groups this small go to "other constants"


def group_of(name):
    if name in GROUP_BY_NAME:
        return GROUP_BY_NAME[name]
    for g in GROUP_ORDER:
        if name.startswith(g + "_"):
            return g
    parts = name.split("_")
    return "_".join(parts[:2]) if len(parts) > 2 else parts[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "ssl-constants.in"))
    args = ap.parse_args()

    defs = ssl_only_macros()
    objlike = [n for n, (fn, _) in defs.items() if not fn and n not in HANDWRITTEN]
    values, strings = classify(objlike)
    skipped = sorted(n for n in objlike if n not in values and n not in strings)
    funclike = sorted(n for n, (fn, _) in defs.items() if fn)

    # Deprecation gates: what disappears when deprecated API is hidden.
    no_dep_all = ssl_only_macros(["-DOPENSSL_NO_DEPRECATED"])
    no_dep_110 = ssl_only_macros(["-DOPENSSL_NO_DEPRECATED", "-DOPENSSL_API_COMPAT=10101"])

    def gate(n):
        if n not in no_dep_110:
            return "OPENSSL_NO_DEPRECATED_1_1_0"
        if n not in no_dep_all:
            return "OPENSSL_NO_DEPRECATED_3_0"
        return None

    entries = {}
    for n, (ctype, v) in values.items():
        entries[n] = (c_int(n, ctype, v), v)
    for n, s in strings.items():
        entries[n] = (c_str(s), None)

    groups = {}
    for n in entries:
        groups.setdefault(group_of(n), []).append(n)
    for g in [g for g, ns in groups.items() if len(ns) <= SMALL_GROUP and g not in GROUP_ORDER
              and g not in GROUP_BY_NAME.values()]:
        groups.setdefault("other constants", []).extend(groups.pop(g))
    order = [g for g in GROUP_ORDER if g in groups] + sorted(
        g for g in groups if g not in GROUP_ORDER and g != "other constants") + ["other constants"]

    out = ["/*",
           " * Constants of OpenSSL 3.0's ssl.h: names and values only, regenerated by",
           " * tools/header/gen-constants.py from the system headers. build.rs splices this",
           " * file into include/openssl/ssl.h in place of the @CONSTANTS@ line of ssl.h.in.",
           " */", ""]
    width = max(len(n) for n in entries) + 1
    for g in order:
        names = sorted(groups[g], key=lambda n: (entries[n][1] is None, entries[n][1] or 0, n))
        out.append(f"/* {g} */" if " " in g else f"/* {g}_* */")
        current = None
        for n in names:
            want = gate(n)
            if want != current:
                if current:
                    out.append(f"#endif /* {current} */")
                if want:
                    out.append(f"#ifndef {want}")
                current = want
            out.append(f"#define {n.ljust(width)}{entries[n][0]}")
        if current:
            out.append(f"#endif /* {current} */")
        out.append("")
    with open(args.output, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {len(entries)} constants in {len(order)} groups to {os.path.normpath(args.output)}",
          file=sys.stderr)
    print("object-like macros left to the template: " + " ".join(skipped), file=sys.stderr)
    print(f"function-like macros left to the template: {len(funclike)}", file=sys.stderr)


if __name__ == "__main__":
    main()
