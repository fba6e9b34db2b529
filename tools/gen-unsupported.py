#!/usr/bin/env python3
"""Generates src/abi/unsupported.rs: a stub for every function of OpenSSL 3.0's libssl.so.3
(data/libssl3-exports.txt) that oxissl does not implement.

Each stub has the C prototype of the system <openssl/ssl.h> (so that the header that build.rs
generates from it agrees with OpenSSL's, see tools/check-header.sh), queues an error on
libcrypto's queue naming the function (`crate::error::raise_unsupported`) and returns OpenSSL's
failure value for that function (NULL, 0, or the value of FAIL_OVERRIDES below).

    python3 tools/gen-unsupported.py            # writes src/abi/unsupported.rs
    python3 tools/gen-unsupported.py -o FILE    # writes FILE instead ("-" for stdout)

"Implemented" means: a `pub extern "C" fn NAME` or a `method_fn!(NAME, ...)` in
src/abi/*.rs (src/abi/unsupported.rs itself excepted), or any `#[no_mangle]` function elsewhere
in src/. Run it again whenever a function gets implemented: a function defined twice is a
duplicate symbol. Needs gcc, the system OpenSSL 3 headers (libssl-dev) and rustfmt.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "src", "abi", "unsupported.rs")
EXPORTS = os.path.join(ROOT, "data", "libssl3-exports.txt")
CC = os.environ.get("CC", "gcc")
# OPENSSL_API_COMPAT=0x10000000L (1.0.0): every deprecated declaration is visible, without
# deprecation attributes.
CPP_FLAGS = ["-DOPENSSL_API_COMPAT=0x10000000L"]

# ---- failure values ------------------------------------------------------------------
# The default failure value is NULL (None for a returned function pointer) for pointers, 0
# for integers and nothing for void. These are the functions for which OpenSSL documents
# another one: the man page is named (section 3ssl of Debian's libssl-doc, or
# https://docs.openssl.org/3.0/man3/PAGE/), or OpenSSL 3.0's source file where no page
# says. The value is a Rust expression of the function's return type.
FAIL_OVERRIDES = {
    # SSL_COMP_add_compression_method(3): "0 The operation succeeded. 1 The operation failed."
    "SSL_COMP_add_compression_method": "1",
    # Undocumented; ssl_ciph.c: SSL_COMP_get_id() returns -1 when OpenSSL is built without
    # compression (OPENSSL_NO_COMP), as oxissl is.
    "SSL_COMP_get_id": "-1",
    # SSL_CTX_set_tlsext_use_srtp(3): "return 0 on success or 1 on error".
    "SSL_CTX_set_tlsext_use_srtp": "1",
    "SSL_set_tlsext_use_srtp": "1",
    # SSL_CONF_cmd(3): "A return value of -2 means cmd is not recognised": no command is
    # (0 means "recognised, but an error occurred").
    "SSL_CONF_cmd": "-2",
    # SSL_CONF_cmd_argv(3): "a negative error code"; -1: "the command is recognised but
    # couldn't be processed due to an error" (-2 means "an argument is missing", 0 "no
    # argument processed", which would let the caller take the option as its own).
    "SSL_CONF_cmd_argv": "-1",
    # DTLSv1_listen(3): "A return value of <0 indicates a fatal error" (0 is a non-fatal
    # error: "user code is expected to retry the call").
    "DTLSv1_listen": "-1",
    # DTLSv1_listen(3), for SSL_stateless(): "A value of -1 indicates any other error" (0
    # means that a HelloRetryRequest was sent).
    "SSL_stateless": "-1",
    # SSL_key_update(3): SSL_get_key_update_type() returns SSL_KEY_UPDATE_NONE (-1) when no
    # key update is pending (0 is SSL_KEY_UPDATE_NOT_REQUESTED).
    "SSL_get_key_update_type": "-1",
    # SSL_write(3), for SSL_sendfile(): "< 0 The write operation was not successful" (">= 0
    # The write operation was successful").
    "SSL_sendfile": "-1",
    # SSL_want(3): there is no failure value; SSL_NOTHING (1) is "no data to be written or
    # to be read" (0 is none of the SSL_want_*() states).
    "SSL_want": "1",
    # SSL_rstate_string(3): the possible values are "RH"/"read header", "RB"/"read body" and
    # "unknown"; never NULL (callers print it).
    "SSL_rstate_string": 'c"unknown".as_ptr()',
    "SSL_rstate_string_long": 'c"unknown".as_ptr()',
    # Undocumented; tls_srp.c: SSL_srp_server_param_with_username() returns SSL_ERROR_NONE (0)
    # on success and an alert level, SSL3_AL_FATAL (2), on failure.
    "SSL_srp_server_param_with_username": "2",
    # SSL_CTX_set_srp_password(3): "SSL_set_srp_server_param() returns 1 on success and -1 on
    # failure"; SSL_set_srp_server_param_pw() is undocumented, and returns -1 too (tls_srp.c).
    "SSL_set_srp_server_param": "-1",
    "SSL_set_srp_server_param_pw": "-1",
}

# Statements run before the failure value is returned, for void getters whose out
# parameters callers read afterwards, and for set0 functions, which take the caller's
# object whatever happens (named as in the system header).
EXTRA_BODY = {
    # set0: ownership of `logs` passes to the SSL_CTX, which keeps none: released (it
    # leaked before; tools/misuse found it).
    "SSL_CTX_set0_ctlog_store": [
        "// SAFETY: the caller hands over its CTLOG_STORE (or NULL), which nothing else uses.",
        "unsafe { crate::crypto::sys::CTLOG_STORE_free(logs) };",
    ],
    # set0: OpenSSL keeps `meths` as the process's list (and frees it at exit); no
    # SSL_COMP can exist here, so the stack is empty: released.
    "SSL_COMP_set0_compression_methods": [
        "// SAFETY: the caller hands over its stack (or NULL), which nothing else uses.",
        "unsafe { openssl_sys::OPENSSL_sk_free(meths as *mut openssl_sys::OPENSSL_STACK) };",
    ],
    # SSL_CTX_set_next_proto_select_cb(3): SSL_get0_next_proto_negotiated() sets *data to
    # NULL and *len to 0 when no protocol was negotiated.
    "SSL_get0_next_proto_negotiated": [
        "if !data.is_null() {",
        "    // SAFETY: a non-NULL out parameter points to writable storage (libssl contract).",
        "    unsafe { *data = ptr::null() };",
        "}",
        "if !len.is_null() {",
        "    // SAFETY: as above.",
        "    unsafe { *len = 0 };",
        "}",
    ],
}

# ---- C types -> Rust -------------------------------------------------------------------

INT_TYPES = {
    ("void",): "()",
    ("char",): "c_char",
    ("signed", "char"): "c_schar",
    ("unsigned", "char"): "c_uchar",
    ("short",): "c_short",
    ("short", "int"): "c_short",
    ("signed", "short"): "c_short",
    ("unsigned", "short"): "c_ushort",
    ("unsigned", "short", "int"): "c_ushort",
    ("int",): "c_int",
    ("signed",): "c_int",
    ("signed", "int"): "c_int",
    ("unsigned",): "c_uint",
    ("unsigned", "int"): "c_uint",
    ("long",): "c_long",
    ("long", "int"): "c_long",
    ("signed", "long"): "c_long",
    ("unsigned", "long"): "c_ulong",
    ("unsigned", "long", "int"): "c_ulong",
    ("long", "long"): "c_longlong",
    ("unsigned", "long", "long"): "c_ulonglong",
    ("double",): "f64",
    ("float",): "f32",
    ("_Bool",): "bool",
}
# Typedef names kept by name: Rust type and where it comes from.
NAMED_SCALARS = {
    "size_t": ("usize", None),
    "uint8_t": ("u8", None),
    "uint16_t": ("u16", None),
    "uint32_t": ("u32", None),
    "uint64_t": ("u64", None),
    "int8_t": ("i8", None),
    "int16_t": ("i16", None),
    "int32_t": ("i32", None),
    "int64_t": ("i64", None),
    "time_t": ("time_t", "libc"),
    "off_t": ("off_t", "libc"),
    # (ossl_ssize_t is a macro for ssize_t)
    "ssize_t": ("ssize_t", "libc"),
}
# The opaque handles of src/abi/mod.rs.
OUR_HANDLES = {"SSL", "SSL_CTX", "SSL_SESSION", "SSL_CIPHER", "SSL_METHOD", "SSL_CONF_CTX"}
# libcrypto types that openssl-sys declares (as opaque types, or stacks).
OPENSSL_SYS = {
    "X509", "X509_NAME", "X509_STORE", "X509_STORE_CTX", "X509_VERIFY_PARAM", "EVP_PKEY",
    "EVP_MD", "EVP_CIPHER_CTX", "EVP_MAC_CTX", "BIO", "BIO_METHOD", "RSA", "DH",
    "ENGINE", "BIGNUM", "COMP_METHOD", "stack_st_X509", "stack_st_X509_NAME",
    "stack_st_SSL_CIPHER",
}


class CError(Exception):
    pass


# ---- a small C declaration parser -------------------------------------------------------
#
# Types are tuples:
#   ("base", const, name)          name: "int", "unsigned long", "struct tag", a typedef name
#   ("ptr", const, target)         const: the pointer itself is const
#   ("func", ret, params, variadic) params: list of (name or None, type)
#   ("array", target)

TOKEN_RE = re.compile(r"\s*(?:([A-Za-z_]\w*)|(0[xX][0-9A-Fa-f]+\w*|\d+\w*)|(\.\.\.)|(\"(?:\\.|[^\"\\])*\")|(.))", re.S)
QUALIFIERS = {"const", "volatile", "restrict", "__restrict", "__restrict__"}
STORAGE = {"extern", "static", "inline", "__inline", "__inline__", "typedef", "register", "_Noreturn"}
INT_WORDS = {"void", "char", "short", "int", "long", "signed", "unsigned", "float", "double", "_Bool"}
IGNORED = {"__extension__", "__owur"}


def tokenize(text):
    toks = []
    pos = 0
    while True:
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        tok = m.group(m.lastindex) if m.lastindex else None
        if tok is not None:
            toks.append(tok)
    # Drop GCC attributes and asm labels: __attribute__((...)), __asm__("...").
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in ("__attribute__", "__attribute", "__asm__", "__asm", "asm", "__declspec"):
            i += 1
            if i < len(toks) and toks[i] == "(":
                depth = 0
                while i < len(toks):
                    depth += toks[i] == "("
                    depth -= toks[i] == ")"
                    i += 1
                    if depth == 0:
                        break
            continue
        if t not in IGNORED:
            out.append(t)
        i += 1
    return out


def declarations(toks):
    """Top-level declarations (lists of tokens, without the `;`); function definitions and
    struct bodies are skipped."""
    decl = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t == "{":
            # Skip the balanced body; a function body ends the declaration.
            is_fn_body = bool(decl) and decl[-1] == ")"
            depth = 0
            body = []
            while i < n:
                depth += toks[i] == "{"
                depth -= toks[i] == "}"
                body.append(toks[i])
                i += 1
                if depth == 0:
                    break
            if is_fn_body:
                decl = []
            else:
                decl.append(("BODY", body))
            continue
        if t == ";":
            if decl:
                yield decl
            decl = []
        else:
            decl.append(t)
        i += 1


class Parser:
    def __init__(self, toks, typedefs):
        self.t = toks
        self.i = 0
        self.typedefs = typedefs

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def next(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, tok):
        got = self.next()
        if got != tok:
            raise CError(f"expected {tok!r}, got {got!r}")

    def specifiers(self):
        """Declaration specifiers: (is_typedef, base type)."""
        const = False
        words = []
        name = None
        is_typedef = False
        while True:
            tok = self.peek()
            if tok is None:
                break
            if isinstance(tok, tuple):  # a struct/enum body
                self.next()
                continue
            if tok in QUALIFIERS:
                const |= tok == "const"
                self.next()
            elif tok in STORAGE:
                is_typedef |= tok == "typedef"
                self.next()
            elif tok in INT_WORDS:
                words.append(self.next())
            elif tok in ("struct", "union", "enum"):
                self.next()
                tag = self.peek()
                if isinstance(tag, str) and re.match(r"[A-Za-z_]\w*$", tag):
                    self.next()
                else:
                    tag = "<anonymous>"
                name = f"{tok} {tag}"
            elif re.match(r"[A-Za-z_]\w*$", tok) and not words and name is None:
                name = self.next()  # a typedef name
            else:
                break
        if words:
            if name is not None:
                raise CError(f"cannot combine {words} with {name}")
            # `long unsigned int` == `unsigned long int`: a canonical order.
            order = {"signed": 0, "unsigned": 0, "short": 1, "long": 1, "char": 2, "int": 2,
                     "void": 2, "float": 2, "double": 2, "_Bool": 2}
            name = " ".join(sorted(words, key=lambda w: order[w]))
        if name is None:
            raise CError(f"no type in declaration near {self.t[max(0, self.i - 3):self.i + 3]}")
        return is_typedef, ("base", const, name)

    def declarator(self):
        """(name or None, wrap) where wrap(base type) is the declared type."""
        ptrs = []
        while self.peek() == "*":
            self.next()
            const = False
            while self.peek() in QUALIFIERS:
                const |= self.next() == "const"
            ptrs.append(const)
        name = None
        inner = None
        tok = self.peek()
        if tok == "(" and self._nested_declarator():
            self.next()
            name, inner = self.declarator()
            self.expect(")")
        elif isinstance(tok, str) and re.match(r"[A-Za-z_]\w*$", tok):
            name = self.next()
        suffixes = []
        while self.peek() in ("(", "["):
            if self.next() == "(":
                suffixes.append(("func",) + self.params())
            else:
                depth = 1
                while depth:
                    tok = self.next()
                    depth += tok == "["
                    depth -= tok == "]"
                suffixes.append(("array",))

        def wrap(base):
            ty = base
            for const in ptrs:
                ty = ("ptr", const, ty)
            for s in reversed(suffixes):
                ty = ("func", ty, s[1], s[2]) if s[0] == "func" else ("array", ty)
            return inner(ty) if inner else ty

        return name, wrap

    def _nested_declarator(self):
        nxt = self.peek(1)
        if nxt in ("*", "(", "^"):
            return True
        return (isinstance(nxt, str) and re.match(r"[A-Za-z_]\w*$", nxt) is not None
                and nxt not in self.typedefs and nxt not in INT_WORDS | QUALIFIERS | STORAGE
                and nxt not in ("struct", "union", "enum"))

    def params(self):
        """After `(`: (params, variadic); consumes the `)`."""
        params = []
        variadic = False
        if self.peek() == ")":
            self.next()
            return params, variadic
        while True:
            if self.peek() == "...":
                self.next()
                variadic = True
            else:
                _, base = self.specifiers()
                name, wrap = self.declarator()
                params.append((name, wrap(base)))
            tok = self.next()
            if tok == ")":
                break
            if tok != ",":
                raise CError(f"unexpected {tok!r} in a parameter list")
        if len(params) == 1 and params[0][0] is None and params[0][1] == ("base", False, "void"):
            params = []
        return params, variadic


def parse_header(flags=CPP_FLAGS):
    """(functions, typedefs, text): name -> type for every declaration of <openssl/ssl.h>, and
    the preprocessed text."""
    p = subprocess.run([CC, "-E", "-P", *flags, "-"], input="#include <openssl/ssl.h>\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"gen-unsupported.py: cannot preprocess <openssl/ssl.h> (libssl-dev installed?):\n{p.stderr}")
    typedefs = {}
    functions = {}
    for decl in declarations(tokenize(p.stdout)):
        parser = Parser(decl, typedefs)
        try:
            is_typedef, base = parser.specifiers()
            while parser.peek() is not None:
                name, wrap = parser.declarator()
                ty = wrap(base)
                if name:
                    if is_typedef:
                        typedefs[name] = ty
                    elif ty[0] == "func":
                        functions[name] = ty
                if parser.peek() == "=":  # an initialiser: not in headers we read
                    break
                if parser.peek() == ",":
                    parser.next()
                elif parser.peek() is not None:
                    raise CError(f"unexpected {parser.peek()!r}")
        except CError:
            # Declarations we cannot read are not the libssl function prototypes we want;
            # a missing prototype is reported below.
            continue
    return functions, typedefs, p.stdout


class RustTypes:
    """Maps C types to Rust, recording the imports and aliases the stubs need."""

    def __init__(self, typedefs, renames, deprecated):
        self.typedefs = typedefs
        self.renames = renames
        self.deprecated = deprecated
        self.raw = set()       # std::os::raw
        self.handles = set()   # super::{SSL, ...}
        self.sys = set()       # openssl_sys
        self.libc = set()
        self.aliases = {}      # local `pub type NAME = ...;`
        self.notes = []

    def resolve(self, ty):
        """Follows typedefs other than those kept by name."""
        while ty[0] == "base" and ty[2] in self.typedefs and not self.keeps_name(ty[2]):
            target = self.typedefs[ty[2]]
            if ty[1] and target[0] == "base":
                target = ("base", True, target[2])
            ty = target
        return ty

    def keeps_name(self, name):
        """A typedef printed by name: scalars with a fixed spelling, and opaque objects."""
        if name in NAMED_SCALARS or name in OUR_HANDLES:
            return True
        target = self.typedefs.get(name)
        return target is not None and target[0] == "base" and target[2].split()[0] in ("struct", "union")

    def object(self, name, what):
        """The Rust name of an opaque C object type `name` (a typedef name or `struct tag`)."""
        if name.startswith("struct stack_st_"):
            name = name.split()[1]
            if name not in self.renames:
                self.notes.append(f"{what}: STACK_OF({name[9:]}) needs `\"{name}\" = \"STACK_OF({name[9:]})\"` "
                                  "under [export.rename] in cbindgen.toml; using void for now")
                self.raw.add("c_void")
                return "c_void"
        elif name.startswith(("struct ", "union ")):
            tag = name.split()[1]
            # A struct known by a typedef name is spelt with it (the same C type).
            names = sorted(n for n, t in self.typedefs.items() if t == ("base", False, name))
            if names:
                name = names[0]
            elif tag in self.renames and self.renames[tag] == name:
                name = tag
            else:
                # Printed as `void` instead: the library still exports the function, and
                # tools/check-header.sh reports the conflicting prototype.
                self.notes.append(f"{what}: `{name}` has no typedef name and cbindgen can only print it "
                                  f"with `\"{tag}\" = \"{name}\"` under [export.rename] in cbindgen.toml; "
                                  "using void for now")
                self.raw.add("c_void")
                return "c_void"
        if name in self.deprecated:
            # Spelt `struct tag` (the same C type), which cbindgen prints only when renamed.
            target = self.typedefs[name]
            tag = target[2].split()[1] if target[0] == "base" and " " in target[2] else None
            if tag and self.renames.get(tag) == target[2]:
                name = tag
            else:
                self.notes.append(f"{what}: `{name}` is not declared with OPENSSL_NO_DEPRECATED; the "
                                  f"header can only spell it `{target[2]}`, which cbindgen prints with "
                                  f"`\"{tag}\" = \"{target[2]}\"` under [export.rename] in cbindgen.toml "
                                  f"(and include/ssl.h.in must declare `{target[2]};` at file scope); "
                                  "using void for now")
                self.raw.add("c_void")
                return "c_void"
        if name in OUR_HANDLES:
            self.handles.add(name)
        elif name in OPENSSL_SYS:
            self.sys.add(name)
        else:
            self.aliases[name] = "c_void"
            self.raw.add("c_void")
        return name

    def scalar(self, name):
        if name in NAMED_SCALARS:
            rust, origin = NAMED_SCALARS[name]
            if origin == "libc":
                self.libc.add(rust)
            return rust
        if name.startswith("enum "):
            # GCC's type for an enum without negative values (all of OpenSSL's).
            self.raw.add("c_uint")
            return "c_uint"
        words = tuple(name.split())
        if words not in INT_TYPES:
            raise CError(f"no Rust type for C `{name}`")
        rust = INT_TYPES[words]
        if rust.startswith("c_"):
            self.raw.add(rust)
        return rust

    def rust(self, ty, what, pointee=False):
        """The Rust spelling of C type `ty`; `pointee`: `ty` is the target of a pointer."""
        if ty[0] == "base":
            name = ty[2]
            if name in self.typedefs and not self.keeps_name(name):
                res = self.resolve(ty)
                if res[0] != "base" or res[2] != name:
                    return self.rust(res, what, pointee)
            if name == "void":
                if pointee:
                    self.raw.add("c_void")
                    return "c_void"
                return "()"
            if name in NAMED_SCALARS or name.split()[0] == "enum" or tuple(name.split()) in INT_TYPES:
                return self.scalar(name)
            if not pointee:
                raise CError(f"{what}: a struct passed by value ({name})")
            return self.object(name, what)
        if ty[0] in ("ptr", "array"):
            target = ty[2] if ty[0] == "ptr" else ty[1]
            resolved = self.resolve(target)
            if resolved[0] == "func":
                return self.fn_pointer(resolved, what)
            const = target[1] if target[0] == "base" else target[1] if target[0] == "ptr" else False
            if target[0] == "base" and not const and resolved[0] == "base":
                const = resolved[1]
            inner = self.rust(target, what, pointee=True)
            return f"*{'const' if const else 'mut'} {inner}"
        if ty[0] == "func":
            raise CError(f"{what}: a function type outside a pointer")
        raise CError(f"{what}: unexpected type {ty}")

    def fn_pointer(self, fty, what):
        _, ret, params, variadic = fty
        if variadic:
            raise CError(f"{what}: variadic callback")
        args = ", ".join(self.rust(t, what) for _, t in params)
        r = self.rust(ret, what)
        return f"Option<unsafe extern \"C\" fn({args}){'' if r == '()' else ' -> ' + r}>"


# ---- the crate's implemented functions ------------------------------------------------

def strip_rust_comments(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    return re.sub(r"//[^\n]*", "", src)


def implemented():
    names = set()
    abi = os.path.join(ROOT, "src", "abi")
    for dirpath, _, files in os.walk(os.path.join(ROOT, "src")):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            if not f.endswith(".rs") or os.path.abspath(path) == OUT:
                continue
            src = strip_rust_comments(open(path).read())
            if os.path.dirname(path) == abi:
                names |= set(re.findall(r'\bpub\s+(?:unsafe\s+)?extern\s+"C"\s+fn\s+(\w+)', src))
                names |= set(re.findall(r"\bmethod_fn!\s*\(\s*(\w+)", src))
            # Any exported function elsewhere (defining it again would be a duplicate symbol).
            names |= set(re.findall(r'#\[(?:unsafe\()?no_mangle\)?\]\s*(?:#\[[^\]]*\]\s*)*'
                                    r'pub\s+(?:unsafe\s+)?extern\s+"C"\s+fn\s+(\w+)', src))
            names |= set(re.findall(r'#\[(?:unsafe\()?export_name\s*=\s*"(\w+)"\)?\]', src))
    return names


def cbindgen_renames():
    """[export.rename] of cbindgen.toml: Rust name -> printed C name."""
    renames = {}
    path = os.path.join(ROOT, "cbindgen.toml")
    section = None
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        m = re.match(r"\[(.*)\]$", line)
        if m:
            section = m.group(1).strip()
            continue
        m = re.match(r'"([^"]+)"\s*=\s*"([^"]+)"$', line)
        if section == "export.rename" and m:
            renames[m.group(1)] = m.group(2)
    return renames


# ---- output ----------------------------------------------------------------------------

def fail_value(name, ret_rust):
    if name in FAIL_OVERRIDES:
        return FAIL_OVERRIDES[name]
    if ret_rust == "()":
        return "()"
    if ret_rust.startswith("Option<"):
        return "None"
    if ret_rust.startswith("*mut"):
        return "ptr::null_mut()"
    if ret_rust.startswith("*const"):
        return "ptr::null()"
    if ret_rust in ("f32", "f64"):
        return "0.0"
    if ret_rust == "bool":
        return "false"
    return "0"


def generate():
    exports = open(EXPORTS).read().split()
    done = implemented()
    todo = [n for n in exports if n not in done]
    functions, typedefs, header_text = parse_header()
    # Typedef names that OPENSSL_NO_DEPRECATED hides (RSA, ...): the generated header
    # declares every prototype unconditionally, so it must not use them.
    _, visible, _ = parse_header(["-DOPENSSL_NO_DEPRECATED"])
    types = RustTypes(typedefs, cbindgen_renames(), set(typedefs) - set(visible))

    stubs = []
    undeclared = []
    max_args = 0
    for name in todo:
        if name not in functions:
            if re.search(r"\b%s\s*\(" % name, header_text):
                raise CError(f"{name} is declared by <openssl/ssl.h> but its declaration could not be parsed")
            undeclared.append(name)
            # No prototype to follow: no arguments, returning a pointer-sized NULL.
            types.raw.add("c_void")
            stubs.append((name, [], "*mut c_void", "ptr::null_mut()",
                          "Not declared by any OpenSSL 3.0 header: no arguments, returns NULL."))
            continue
        _, ret, params, variadic = functions[name]
        if variadic:
            raise CError(f"{name}: variadic")
        # Arguments the stub uses (EXTRA_BODY) keep their names; the others get a `_`.
        used = set(re.findall(r"\w+", " ".join(EXTRA_BODY.get(name, []))))
        args = []
        for k, (pname, pty) in enumerate(params):
            pname = pname or f"arg{k}"
            args.append((pname if pname in used else "_" + pname, types.rust(pty, name)))
        ret_rust = types.rust(ret, name)
        max_args = max(max_args, len(args))
        stubs.append((name, args, ret_rust, fail_value(name, ret_rust), None))

    return stubs, undeclared, types.notes, types, max_args, len(done & set(exports))


def render(stubs, types, max_args):
    used = " ".join(a for s in stubs for a in [s[2], s[3]] + [t for _, t in s[1]])
    used += " ".join(line for s in stubs for line in EXTRA_BODY.get(s[0], []))
    out = []
    out.append("// @generated by tools/gen-unsupported.py -- do not edit.")
    out.append("// Regenerate with `python3 tools/gen-unsupported.py` after implementing a function.")
    out.append("//")
    out.append("//! The functions of OpenSSL 3.0's `libssl.so.3` that oxissl does not implement.")
    out.append("//!")
    out.append("//! Each has the prototype of the system `<openssl/ssl.h>`, queues an error naming it")
    out.append("//! (\"NAME is not supported by oxissl\", `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED`) and")
    out.append("//! returns OpenSSL's failure value for it, so that a program calling one fails")
    out.append("//! cleanly instead of with \"undefined symbol\".")
    if max_args > 7:
        out.append("// The argument lists are OpenSSL's.")
        out.append("#![allow(clippy::too_many_arguments)]")
    out.append("")
    raw = sorted(r for r in types.raw if re.search(r"\b%s\b" % r, used + " " + " ".join(types.aliases.values())))
    if raw:
        out.append(f"use std::os::raw::{{{', '.join(raw)}}};")
    if "ptr::" in used:
        out.append("use std::ptr;")
    out.append("")
    if types.libc:
        out.append(f"use libc::{{{', '.join(sorted(types.libc))}}};")
    if types.sys:
        out.append(f"use openssl_sys::{{{', '.join(sorted(types.sys))}}};")
    if types.handles:
        out.append("")
        out.append(f"use super::{{{', '.join(sorted(types.handles))}}};")
    out.append("")
    if types.aliases:
        out.append("// C types that the stubs only pass by pointer: placeholders with the C names, which")
        out.append("// the generated header prints as such (the OpenSSL headers declare them).")
        for n in sorted(types.aliases):
            out.append(f"pub type {n} = {types.aliases[n]};")
        out.append("")
    for name, args, ret, fail, note in stubs:
        if note:
            out.append(f"/// {note}")
        for n in types.notes:
            if n.startswith(name + ":"):
                # A type the header cannot spell yet (see the generator's warning).
                text = "FIXME(header): " + n[len(name) + 1:].strip()
                out.extend("// " + l for l in textwrap.wrap(text, 93, break_on_hyphens=False))
        sig = ", ".join(f"{a}: {t}" for a, t in args)
        arrow = "" if ret == "()" else f" -> {ret}"
        out.append("#[no_mangle]")
        out.append(f"pub extern \"C\" fn {name}({sig}){arrow} {{")
        body = EXTRA_BODY.get(name, [])
        if ret == "()":
            inner = body + [f'crate::error::raise_unsupported("{name}")']
            out.append(f'    ffi_boundary!("{name}", (), {{')
        else:
            inner = body + [f'crate::error::raise_unsupported("{name}");', fail]
            out.append(f'    ffi_boundary!("{name}", {fail}, {{')
        out.extend("        " + l for l in inner)
        out.append("    })")
        out.append("}")
        out.append("")
    return "\n".join(out)


def rustfmt(text):
    p = subprocess.run(["rustfmt", "--edition", "2021", "--emit", "stdout"], input=text,
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"gen-unsupported.py: rustfmt failed:\n{p.stderr}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=OUT, help="output file ('-' for stdout)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    opts = ap.parse_args()

    try:
        stubs, undeclared, problems, types, max_args, n_impl = generate()
    except CError as e:
        sys.exit(f"gen-unsupported.py: {e}")
    text = rustfmt(render(stubs, types, max_args))
    if opts.output == "-":
        sys.stdout.write(text)
    else:
        d = os.path.dirname(os.path.abspath(opts.output))
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".unsupported.", suffix=".rs")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, opts.output)
    for p in problems:
        print(f"gen-unsupported.py: warning: {p}", file=sys.stderr)
    if not opts.quiet:
        out = sys.stderr if opts.output == "-" else sys.stdout
        print(f"{n_impl} functions implemented, {len(stubs)} stubbed"
              + (f" -> {os.path.relpath(opts.output, ROOT)}" if opts.output != "-" else ""), file=out)
        if undeclared:
            print(f"not declared by <openssl/ssl.h> (zero-argument stubs returning NULL): {' '.join(undeclared)}",
                  file=out)
        overridden = [s[0] for s in stubs if s[0] in FAIL_OVERRIDES]
        if overridden:
            print(f"failure values from FAIL_OVERRIDES: {' '.join(overridden)}", file=out)


if __name__ == "__main__":
    main()
