#!/usr/bin/env python3
"""The checks behind tools/check-header.sh (see there for what they prove).

Every check prints one PASS / FAIL line (details indented below a FAIL) and the run ends
with `N passed, N failed`; the exit status is 1 if anything failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CC = os.environ.get("CC", "gcc")
BEGIN = "/* BEGIN GENERATED PROTOTYPES */"
END = "/* END GENERATED PROTOTYPES */"
STALE = "OXISSL_HEADER_STALE"

# The headers that the reference <openssl/ssl.h> includes (and a few that ours adds):
# their macros are not part of the comparison of ssl.h's own macros.
BASE_HEADERS = """
stddef.h stdint.h openssl/macros.h openssl/types.h openssl/e_os2.h openssl/opensslconf.h
openssl/comp.h openssl/bio.h openssl/x509.h openssl/crypto.h openssl/buffer.h
openssl/lhash.h openssl/pem.h openssl/hmac.h openssl/async.h openssl/safestack.h
openssl/symhacks.h openssl/ct.h openssl/sslerr.h openssl/prov_ssl.h openssl/ssl2.h
openssl/ssl3.h openssl/tls1.h openssl/dtls1.h openssl/srtp.h
""".split()

# Compilation modes in which the sets of macros must agree.
API_MODES = [
    ("default API", []),
    ("OPENSSL_NO_DEPRECATED", ["-DOPENSSL_NO_DEPRECATED"]),
    ("OPENSSL_NO_DEPRECATED, API 1.1.1", ["-DOPENSSL_NO_DEPRECATED", "-DOPENSSL_API_COMPAT=10101"]),
]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def result(self, ok, title, details=()):
        print(f"{'PASS' if ok else 'FAIL'}  {title}")
        for d in details:
            for line in str(d).splitlines():
                print(f"      {line}")
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def run(args, env=None, **kw):
    # ASCII quotes in gcc's messages: the checks read them.
    env = dict(env or os.environ, LC_ALL="C", LANG="C")
    return subprocess.run(args, capture_output=True, text=True, env=env, **kw)


def compile_c(src, work, name, args=(), link=False):
    """Compiles C source text; returns (ok, stderr)."""
    path = os.path.join(work, name + ".c")
    with open(path, "w") as f:
        f.write(src)
    out = os.path.join(work, name + (".bin" if link else ".o"))
    libs = [a for a in args if a.startswith("-l")]
    args = [a for a in args if not a.startswith("-l")]
    cmd = [CC, *args, path, "-o", out, *libs] if link else [CC, *args, "-c", path, "-o", out]
    p = run(cmd)
    return p.returncode == 0, p.stderr


def function_name(proto):
    """The declared function's name in a one-line prototype."""
    s = proto
    m = re.match(r"\s*(?:const\s+)?STACK_OF\(\w+\)", s)
    if m:
        s = s[m.end():]
    i = s.find("(*")
    if i >= 0 and "(" not in s[:i]:
        s = s[i + 2:]
    head = s[: s.find("(")]
    m = re.search(r"(\w+)\s*$", head)
    return m.group(1) if m else None


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


# ---- tokens, for comparing macro expansions ------------------------------------------

TOKEN_RE = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|[A-Za-z_]\w*|'
                      r'0[xX][0-9A-Fa-f]+[uUlL]*|\d+[uUlL]*|<<|>>|&&|\|\||[=!<>]=|->|\S')
CAST_TYPES = {"char", "void", "int", "unsigned", "const", "long"}


def normalise(text):
    toks = TOKEN_RE.findall(text)
    # Pointer casts to untyped argument pointers, e.g. `(char *)` / `(void *)`: dropped.
    out = []
    i = 0
    while i < len(toks):
        if toks[i] == "(":
            j = i + 1
            while j < len(toks) and toks[j] in CAST_TYPES:
                j += 1
            if j > i + 1 and j + 1 < len(toks) and toks[j] == "*" and toks[j + 1] == ")":
                i = j + 2
                continue
        out.append(toks[i])
        i += 1
    res = []
    for t in out:
        if t in "()":
            continue
        if re.match(r"^(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*$", t):
            t = str(int(t.rstrip("uUlL"), 0))
        if t.startswith('"') and res and res[-1].startswith('"'):
            res[-1] = res[-1][:-1] + t[1:]
            continue
        res.append(t)
    return res


def dm_macros(src_text, work, args):
    path = os.path.join(work, "dm.c")
    with open(path, "w") as f:
        f.write(src_text)
    p = run([CC, "-dM", "-E", *args, path])
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-3000:])
    res = {}
    for line in p.stdout.splitlines():
        m = re.match(r"#define (\w+)(\((.*?)\))?(?: (.*))?$", line)
        if m:
            params = None if m.group(2) is None else [a.strip() for a in m.group(3).split(",") if a.strip()]
            res[m.group(1)] = (params, m.group(4) or "")
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default=os.path.join(ROOT, "target/release/libssl.so.3"))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    opts = ap.parse_args()

    include = os.path.join(ROOT, "include")
    header = os.path.join(include, "openssl", "ssl.h")
    exports_file = os.path.join(ROOT, "data", "libssl3-exports.txt")
    allow_file = os.path.join(ROOT, "tools", "header", "macro-differences.txt")
    work = tempfile.mkdtemp(prefix="oxissl-header.")
    ck = Checks()
    std = ["-std=c11", "-Wall", "-Werror"]
    ours = [f"-I{include}"]

    # ---- 1. the generated header ---------------------------------------------------
    if not os.path.exists(header):
        ck.result(False, "include/openssl/ssl.h exists (run `cargo build` / `make lib`)")
        return finish(ck, work, opts)
    text = open(header).read()
    problems = []
    if BEGIN not in text or END not in text:
        problems.append("no generated prototype section")
    if STALE in text:
        m = re.search(STALE + r"(.*?)\*/", text)
        problems.append("build.rs could not run cbindgen; the prototypes are stale:" + (m.group(1) if m else ""))
    section = text.split(BEGIN, 1)[1].split(END, 1)[0] if not problems or BEGIN in text else ""
    protos = [l.strip() for l in strip_comments(section).splitlines() if l.strip().endswith(");")]
    names = [function_name(p) for p in protos]
    bad = [p for p, n in zip(protos, names) if not n]
    problems += [f"cannot read the function name of: {p}" for p in bad]
    dups = sorted({n for n in names if n and names.count(n) > 1})
    problems += [f"declared twice: {n}" for n in dups]
    ck.result(not problems and protos, f"generated header is current and well formed ({len(protos)} prototypes)",
              problems or ([] if protos else ["no prototypes"]))
    protos_by_name = {n: p for p, n in zip(protos, names) if n}

    # Our own typedef statements (callback types etc.), without struct/enum bodies.
    body = strip_comments(text)
    body = re.sub(r"^\s*#.*?(?<!\\)$", "", body, flags=re.M | re.S)
    typedefs = [t.strip() + ";" for t in re.findall(r"\btypedef\b[^;{}]*(?=;)", body)]
    enum_values = re.findall(r"^\s*((?:D?TLS)_ST_\w+)\s*=\s*(\d+)", text, flags=re.M)

    # ---- 1b. the header stands alone, in the language modes the system's passes ---------
    path = os.path.join(work, "alone.c")
    with open(path, "w") as f:
        f.write("#include <openssl/ssl.h>\n")
    failed_modes = []
    for mode in (["gcc", "-std=c89"], ["gcc", "-std=c99"], ["gcc", "-std=c11"],
                 ["g++", "-x", "c++", "-std=c++11"], ["g++", "-x", "c++", "-std=c++17"]):
        flags = mode[1:] + ["-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", path]
        comp = CC if mode[0] == "gcc" else os.environ.get("CXX", "g++")
        if run([comp, *flags]).returncode != 0:
            continue  # the system's header does not pass either (or no such compiler)
        p = run([comp, *ours, *flags])
        if p.returncode != 0:
            failed_modes.append(" ".join(mode) + ":\n" + p.stderr[-1500:])
    ck.result(not failed_modes, "the header compiles on its own (C89/C99/C11, C++11/17; -pedantic -Wall -Wextra -Werror)",
              failed_modes)

    # ---- 2. each function is one that the system's <openssl/ssl.h> declares ----------
    src = "#include <openssl/ssl.h>\n\nvoid (*const oxissl_refs[])(void) = {\n"
    src += "".join(f"    (void (*)(void)){n},\n" for n in protos_by_name) + "};\n"
    nodep = std + ["-Wno-deprecated-declarations"]
    ok, err = compile_c(src, work, "declared", nodep)
    undeclared = sorted(set(re.findall(r"'(\w+)' undeclared", err)))
    ck.result(ok, f"every prototype names a function of the system <openssl/ssl.h> ({len(protos_by_name)})",
              [f"not declared by the system headers: {n}" for n in undeclared] or [err[-2000:]] if not ok else [])

    # ---- 3. each prototype (and callback type) agrees with the system's -------------
    src = "#include <openssl/ssl.h>\n\n/* oxissl's typedefs */\n" + "\n".join(typedefs)
    src += "\n\n/* oxissl's enumerators */\n" + "".join(
        f'_Static_assert({n} == {v}, "{n} = {v}");\n' for n, v in enum_values)
    src += "\n/* oxissl's prototypes */\n" + "\n".join(protos) + "\n"
    ok, err = compile_c(src, work, "agree", nodep)
    details = []
    if not ok:
        for m in re.finditer(r"conflicting types for '(\w+)'(?:; have '([^']*)')?", err):
            name, have = m.group(1), m.group(2)
            prev = re.search(r"previous (?:declaration|definition) of '%s'(?: with type '([^']*)')?" % name, err)
            sysdecl = prev.group(1) if prev and prev.group(1) else "?"
            details.append(f"{name}: oxissl `{protos_by_name.get(name, have)}` vs system type `{sysdecl}`")
        for m in re.finditer(r'static assertion failed: "([^"]*)"', err):
            details.append(f"enumerator differs: {m.group(1)}")
        if not details:
            details.append(err[-3000:])
    ck.result(ok, f"prototypes, typedefs and enumerators agree with the system <openssl/ssl.h> "
                  f"({len(protos)} prototypes, {len(typedefs)} typedefs)", details)

    # ---- 4. each function is in libssl.so.3's export list -----------------------------
    exports = set(open(exports_file).read().split())
    missing = [n for n in protos_by_name if n not in exports]
    ck.result(not missing, f"every function of the header is in data/libssl3-exports.txt",
              [f"not exported by OpenSSL 3.0's libssl: {n}" for n in missing])

    # ---- 5/6. the header matches what the library exports ------------------------------
    if os.path.exists(opts.lib):
        p = run(["nm", "-D", "--defined-only", opts.lib])
        defined = {l.split()[-1].split("@")[0] for l in p.stdout.splitlines()
                   if len(l.split()) >= 3 and l.split()[1] in "TtWiV"}
        lacking = sorted(defined - set(protos_by_name))
        ck.result(p.returncode == 0 and not lacking,
                  f"every function exported by {os.path.relpath(opts.lib, ROOT)} is in the header ({len(defined)})",
                  [f"exported but not declared: {n}" for n in lacking] or ([p.stderr] if p.returncode else []))
        unexported = sorted(set(protos_by_name) - defined)
        ck.result(not unexported, f"every function of the header is exported by {os.path.relpath(opts.lib, ROOT)}",
                  [f"declared but not exported: {n}" for n in unexported])
    else:
        ck.result(False, f"{os.path.relpath(opts.lib, ROOT)} exists (run `make lib`)")

    # ---- 7. the same macros as the system's ssl.h, in each API mode ----------------------
    base_src = "#define OPENSSL_SSL_H\n" + "".join(f"#include <{h}>\n" for h in BASE_HEADERS)
    allow = {}
    if os.path.exists(allow_file):
        for line in open(allow_file):
            line = line.split("#", 1)[0].strip()
            if line:
                allow[line.split()[0]] = line
    sys_macros = our_macros = None
    for title, extra in API_MODES:
        base = dm_macros(base_src, work, extra)
        sysm = {k: v for k, v in dm_macros("#include <openssl/ssl.h>\n", work, extra).items() if k not in base}
        ourm = {k: v for k, v in dm_macros("#include <openssl/ssl.h>\n", work, ours + extra).items() if k not in base}
        lack = sorted(set(sysm) - set(ourm))
        more = sorted(set(ourm) - set(sysm))
        # The typed stack accessors (sk_SSL_CIPHER_num, ...) are macros in OpenSSL 3.0's
        # header and static inline functions (DEFINE_STACK_OF) in ours: check that they
        # are declared, with the same number of arguments.
        stacks = [n for n in lack if n.startswith("sk_")]
        if stacks:
            src = "#include <openssl/ssl.h>\n" + "".join(
                f"void oxsk_{i}(void) {{ (void){n}({', '.join('0' for _ in sysm[n][0] or [])}); }}\n"
                for i, n in enumerate(stacks))
            sok, serr = compile_c(src, work, "stacks", ["-std=c11", "-Wall", "-Werror", "-Wno-unused-value"] + ours + extra)
            lines = {int(m.group(1)) - 2 for m in re.finditer(r"stacks\.c:(\d+):\d+: error", serr)}
            bad_stacks = {stacks[i] for i in lines if 0 <= i < len(stacks)}
            if not sok and not bad_stacks:
                bad_stacks = set(stacks)
            lack = [n for n in lack if n not in stacks or n in bad_stacks]
        ck.result(not lack and not more, f"the header defines the macros of the system ssl.h ({title}: {len(sysm)})",
                  [f"missing: {' '.join(lack)}"] * bool(lack) + [f"not in the system ssl.h: {' '.join(more)}"] * bool(more))
        if sys_macros is None:
            sys_macros, our_macros = sysm, ourm

    # ---- 8. ... with the same values and expansions --------------------------------------
    common = sorted(set(sys_macros) & set(our_macros) - {"OPENSSL_SSL_H", "HEADER_SSL_H"})

    # Integer constants: same value and same C type (compiled against the system header).
    probe = "#include <openssl/ssl.h>\n" + "".join(
        f"enum {{ oxp_{i} = sizeof(char[1 + 0 * (long long)({n})]) }};\n" for i, n in enumerate(common))
    path = os.path.join(work, "probe.c")
    with open(path, "w") as f:
        f.write(probe)
    p = run([CC, "-std=c11", "-w", "-fsyntax-only", path])
    not_int = {common[int(m.group(1)) - 2] for m in re.finditer(r"probe\.c:(\d+):", p.stderr)
               if 0 <= int(m.group(1)) - 2 < len(common)}
    int_consts = [n for n in common if n not in not_int and sys_macros[n][0] is None
                  and not sys_macros[n][1].lstrip("( ").startswith('"')]
    src = "#include <openssl/ssl.h>\n\n"
    for n in int_consts:
        src += (f"#define OXV_{n} {our_macros[n][1]}\n"
                f'_Static_assert(({n}) == (OXV_{n}), "{n}: value");\n'
                f'_Static_assert(__builtin_types_compatible_p(__typeof__({n}), __typeof__(OXV_{n})), "{n}: type");\n')
    ok, err = compile_c(src, work, "values", ["-std=c11", "-w"])
    bad = sorted(set(re.findall(r'static assertion failed: "([^"]*)"', err)))
    ck.result(ok, f"integer constants have the system's values and types ({len(int_consts)})",
              bad or ([err[-2000:]] if not ok else []))

    # Everything else (function-like macros, aliases, strings): same expansion, up to
    # parentheses, pointer casts of arguments and the spelling of numbers.
    others = [n for n in common if n not in int_consts]
    lines = []
    arity_bad = []
    for i, n in enumerate(others):
        sp, op = sys_macros[n][0], our_macros[n][0]
        if (sp is None) != (op is None) or (sp is not None and len(sp) != len(op)):
            arity_bad.append(f"{n}: system takes {sp}, oxissl takes {op}")
            continue
        call = n if sp is None else f"{n}({', '.join(f'oxa{j}' for j in range(len(sp)))})"
        lines.append(f"oxmark_{i} {call}")
    expand_src = "\n".join(lines) + "\n"
    path = os.path.join(work, "expand.c")
    with open(path, "w") as f:
        f.write("#include <openssl/ssl.h>\n" + expand_src)
    exp_sys = run([CC, "-E", "-P", path])
    exp_our = run([CC, "-E", "-P", *ours, path])

    def split(out):
        parts = re.split(r"\boxmark_(\d+)\b", out)
        return {int(parts[k]): parts[k + 1] for k in range(1, len(parts) - 1, 2)}

    es, eo = split(exp_sys.stdout), split(exp_our.stdout)
    diffs, accepted = [], []
    for i, n in enumerate(others):
        if i not in es:
            continue
        a, b = normalise(es[i]), normalise(eo.get(i, ""))
        if a != b:
            (accepted if n in allow else diffs).append(
                f"{n}:\n  system: {' '.join(a)}\n  oxissl: {' '.join(b)}")
    details = arity_bad + diffs
    if accepted:
        details.append(f"({len(accepted)} accepted differences listed in tools/header/macro-differences.txt: "
                       + ", ".join(sorted(n for n in others if n in allow)) + ")")
    ck.result(not arity_bad and not diffs and exp_sys.returncode == 0 and exp_our.returncode == 0,
              f"function-like macros, aliases and strings expand as the system's ({len(others)})",
              details if (arity_bad or diffs) else [])

    # ---- 9. a program using the header's macros links and runs with our libssl ------------
    smoke = os.path.join(ROOT, "tools", "header", "smoke.c")
    libdir = os.path.dirname(opts.lib)
    ok, err = compile_c(open(smoke).read(), work, "smoke",
                        std + ["-Wextra", *ours, "-L" + libdir, f"-Wl,-rpath,{libdir}", "-lssl", "-lcrypto"],
                        link=True) if os.path.exists(opts.lib) else (False, "no library")
    out = ""
    if ok:
        env = dict(os.environ, LD_LIBRARY_PATH=libdir)
        p = run([os.path.join(work, "smoke.bin")], env=env)
        out = p.stdout + p.stderr
        ok = p.returncode == 0
        ldd = run(["ldd", os.path.join(work, "smoke.bin")], env=env).stdout
        if os.path.realpath(opts.lib) not in {os.path.realpath(l.split("=>")[1].split("(")[0].strip())
                                               for l in ldd.splitlines() if "libssl.so" in l and "=>" in l}:
            ok = False
            out += "\nthe program did not load " + opts.lib + ":\n" + ldd
    ck.result(ok, "smoke program (tools/header/smoke.c) compiles against the header, links with and runs on our libssl",
              [] if ok else [(err or out)[-3000:]])

    # ---- 10. the C tests compile against the header ---------------------------------------
    ctests = os.path.join(ROOT, "c-tests")
    cflags = ["-Wall", "-Werror", "-O1", "-g", *ours, f"-I{ctests}"]
    files = sorted(f for f in os.listdir(ctests) if f.endswith(".c")) if os.path.isdir(ctests) else []
    lib_defined = set()
    if os.path.exists(opts.lib):
        lib_defined = {l.split()[-1].split("@")[0] for l in run(["nm", "-D", "--defined-only", opts.lib]).stdout.splitlines()}
    for f in files:
        p = run([CC, *cflags, "-c", os.path.join(ctests, f), "-o", os.path.join(work, f + ".o")])
        details = []
        if p.returncode != 0:
            funcs = sorted(set(re.findall(r"implicit declaration of function '(\w+)'", p.stderr)))
            undecl = sorted(set(re.findall(r"'(\w+)' undeclared", p.stderr)))
            sysp = run([CC, "-Wall", "-Werror", "-O1", f"-I{ctests}", "-c", os.path.join(ctests, f), "-o", "/dev/null"])
            if sysp.returncode != 0:
                details.append("fails with the system header too")
            for fn in funcs:
                kind = "function missing from oxissl's ABI" if fn in exports else "not a libssl function"
                if fn in sys_macros:
                    kind = "macro missing from the header template"
                details.append(f"{fn}: {kind}")
            for u in undecl:
                details.append(f"{u}: undeclared identifier (macro/constant missing from the template?)")
            if not funcs and not undecl:
                details.append(p.stderr.strip()[-1500:])
        else:
            # Functions declared by the system's libssl sub-headers (tls1.h, srtp.h, ...)
            # compile, but do not link if oxissl lacks them.
            undef = run(["nm", "-u", os.path.join(work, f + ".o")]).stdout.split()
            lacking = sorted({u for u in undef if u in exports and u not in lib_defined})
            details += [f"{fn}: function missing from oxissl's ABI (declared by a libssl sub-header)" for fn in lacking]
        ck.result(not details, f"c-tests/{f} compiles against the header (and calls only functions we export)", details)

    return finish(ck, work, opts)


def finish(ck, work, opts):
    if opts.keep:
        print(f"(work directory kept: {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
