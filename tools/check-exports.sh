#!/usr/bin/env bash
# Proves that target/release/libssl.so.3 exports exactly the functions of OpenSSL 3.0's
# libssl.so.3 and that those oxissl does not implement fail cleanly:
#   - `nm -D --defined-only` of the library lists exactly the names of
#     data/libssl3-exports.txt, each a function with the default version OPENSSL_3.0.0, and
#     the version definition OPENSSL_3.0.0 itself;
#   - src/abi/unsupported.rs is what tools/gen-unsupported.py generates now (no function
#     implemented elsewhere is still stubbed, none is missing);
#   - a C program loads the library by name (LD_LIBRARY_PATH=target/release), calls three
#     stubs through dlsym and prints, for each, the return value and the queued error:
#     ERR_error_string_n() of its code and the error's data (what ERR_print_errors() adds);
#     the failure value must be the stub's and the error must name the function and say
#     that oxissl does not support it.
# Builds nothing: run `make lib` first. Prints one PASS/FAIL line per check, then
# "N passed, N failed"; exits 1 if anything failed.
#
# usage: tools/check-exports.sh [--lib PATH/libssl.so.3] [--keep]
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB=$ROOT/target/release/libssl.so.3
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --lib) LIB=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "usage: $0 [--lib PATH/libssl.so.3] [--keep]" >&2; exit 2 ;;
    esac
done
EXPORTS=$ROOT/data/libssl3-exports.txt
STUBS=$ROOT/src/abi/unsupported.rs
VERSION=OPENSSL_3.0.0
CC=${CC:-gcc}
export LC_ALL=C

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oxissl-exports.XXXXXX")
cleanup() { if [ "$KEEP" = 1 ]; then echo "work directory: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

passed=0
failed=0
# result OK TITLE [DETAILS-FILE]
result() {
    if [ "$1" = 0 ]; then
        echo "PASS  $2"
        passed=$((passed + 1))
    else
        echo "FAIL  $2"
        if [ -n "${3:-}" ] && [ -s "$3" ]; then head -n 40 "$3" | sed 's/^/      /'; fi
        failed=$((failed + 1))
    fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

if [ ! -f "$LIB" ]; then
    echo "$LIB: no such file" > "$WORK/nolib"
    result 1 "${LIB#"$ROOT"/} exists (run \`make lib\`)" "$WORK/nolib"
    finish
fi
REL=${LIB#"$ROOT"/}

# ---- 1. the exported names, with their version -------------------------------------------
sort -u "$EXPORTS" > "$WORK/expected"
if ! nm -D --defined-only "$LIB" > "$WORK/nm" 2> "$WORK/nm.err"; then
    result 1 "nm -D --defined-only $REL" "$WORK/nm.err"
    finish
fi
# Lines are "ADDRESS TYPE NAME@@VERSION" ("NAME@VERSION" for a non-default version).
awk '{ print $NF }' "$WORK/nm" | sed 's/@.*//' | grep -vx "$VERSION" | sort -u > "$WORK/names"
{
    comm -23 "$WORK/expected" "$WORK/names" | sed 's/^/not exported: /'
    comm -13 "$WORK/expected" "$WORK/names" | sed 's/^/exported but not in data\/libssl3-exports.txt: /'
} > "$WORK/diff"
result "$([ -s "$WORK/diff" ] && echo 1 || echo 0)" \
    "$REL exports exactly the $(wc -l < "$WORK/expected") functions of data/libssl3-exports.txt ($(wc -l < "$WORK/names") exported)" \
    "$WORK/diff"

awk -v v="$VERSION" '
    $NF == v { if ($2 != "A") print "version definition " v " has type " $2 " (expected A)"; seen = 1; next }
    $NF !~ ("@@" v "$") { print "not default-versioned " v ": " $NF; next }
    $2 != "T" { print "not a function (type " $2 "): " $NF }
    END { if (!seen) print "no version definition " v }
' "$WORK/nm" > "$WORK/versions"
result "$([ -s "$WORK/versions" ] && echo 1 || echo 0)" \
    "every exported symbol is a function with the default version $VERSION" "$WORK/versions"

# ---- 2. src/abi/unsupported.rs is up to date ---------------------------------------------
if python3 "$ROOT/tools/gen-unsupported.py" -q -o "$WORK/unsupported.rs" > "$WORK/gen.out" 2>&1; then
    if diff -u "$STUBS" "$WORK/unsupported.rs" > "$WORK/gen.diff"; then
        result 0 "src/abi/unsupported.rs is up to date ($(grep -c '^#\[no_mangle\]' "$STUBS") stubs)"
    else
        { echo "regenerate with: python3 tools/gen-unsupported.py"; cat "$WORK/gen.diff"; } > "$WORK/gen.msg"
        result 1 "src/abi/unsupported.rs is up to date" "$WORK/gen.msg"
    fi
else
    result 1 "tools/gen-unsupported.py runs" "$WORK/gen.out"
fi

# ---- 3. three stubs fail cleanly, through dlsym ------------------------------------------
# One stub returning a pointer, one returning an integer, one returning nothing (the first
# of each kind, with the fewest arguments), and each one's failure value.
python3 - "$STUBS" > "$WORK/picked" 2> "$WORK/picked.err" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
stubs = []
for m in re.finditer(r'#\[no_mangle\]\s*pub extern "C" fn (\w+)\((.*?)\)\s*(?:->\s*(.*?))?\s*\{\s*'
                     r'ffi_boundary!\(\s*"\w+",\s*(.*?),\s*\{', src, re.S):
    name, params, ret, fail = m.group(1), m.group(2), (m.group(3) or "()").strip(), m.group(4).strip()
    # Top-level commas only (callback types have their own parameter lists).
    depth, nargs, cur = 0, 0, ""
    for ch in params + ",":
        depth += ch in "(<"
        depth -= ch in ")>"
        if ch == "," and depth == 0:
            nargs += bool(cur.strip())
            cur = ""
        else:
            cur += ch
    if ret == "()":
        kind = "void"
    elif ret.startswith("*"):
        kind = "ptr"
    elif re.fullmatch(r"-?\d+", fail):
        kind = "int"
    else:
        continue
    stubs.append((nargs, kind, name, fail))
for kind in ("ptr", "int", "void"):
    # For integers, one with a failure value other than 0 first (FAIL_OVERRIDES).
    cands = sorted((f == "0", n, i) for i, (n, k, _, f) in enumerate(stubs) if k == kind)
    if not cands:
        sys.exit(f"no stub returning {kind} in {sys.argv[1]}")
    n, k, name, fail = stubs[cands[0][-1]]
    print(name, kind, n, fail if kind == "int" else "-")
EOF
if [ $? -ne 0 ]; then
    result 1 "three stubs chosen from src/abi/unsupported.rs" "$WORK/picked.err"
    finish
fi

# The C program: the prototypes come from the system <openssl/ssl.h> (__typeof__), the
# library from dlopen("libssl.so.3") under LD_LIBRARY_PATH.
{
    cat <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static void *lib;
static int failures;

/* Prints the error queued by the last call: "ERR_error_string_n | data". */
static void report(const char *name, const char *ret)
{
    const char *file = NULL, *func = NULL, *data = NULL;
    int line = 0, flags = 0;
    unsigned long e = ERR_get_error_all(&file, &line, &func, &data, &flags);
    char buf[256];
    if (e == 0) {
        printf("%s: returned %s, no error queued\n", name, ret);
        failures++;
        return;
    }
    ERR_error_string_n(e, buf, sizeof(buf));
    printf("%s: returned %s; error: %s | %s\n", name, ret, buf,
           (flags & ERR_TXT_STRING) && data != NULL ? data : "(no data)");
    if (ERR_peek_error() != 0) {
        printf("%s: more than one error queued\n", name);
        failures++;
    }
}

static void *sym(const char *name)
{
    void *f = dlsym(lib, name);
    Dl_info info;
    if (f == NULL) {
        printf("%s: dlsym: %s\n", name, dlerror());
        return NULL;
    }
    if (dladdr(f, &info) == 0 || info.dli_fname == NULL) {
        printf("%s: dladdr failed\n", name);
        return NULL;
    }
    printf("%s: from %s\n", name, info.dli_fname);
    return f;
}

int main(void)
{
    char ret[64];
    setvbuf(stdout, NULL, _IONBF, 0); /* all the output, even if a call crashes */
    lib = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    ERR_clear_error();
EOF
    while read -r name kind nargs fail; do
        args=$(python3 -c "import sys; print(', '.join(['0'] * int(sys.argv[1])))" "$nargs")
        echo "    {"
        echo "        __typeof__(&$name) f = (__typeof__(&$name))sym(\"$name\");"
        echo "        if (f == NULL) return 1;"
        case $kind in
            ptr)  echo "        const void *r = (const void *)f($args);"
                  echo "        snprintf(ret, sizeof(ret), \"%s\", r == NULL ? \"NULL\" : \"non-NULL\");"
                  echo "        if (r != NULL) failures++;" ;;
            int)  echo "        long long r = (long long)f($args);"
                  echo "        snprintf(ret, sizeof(ret), \"%lld\", r);"
                  echo "        if (r != $fail) { printf(\"$name: expected $fail\\n\"); failures++; }" ;;
            void) echo "        f($args);"
                  echo "        snprintf(ret, sizeof(ret), \"(void)\");" ;;
        esac
        echo "        report(\"$name\", ret);"
        echo "    }"
    done < "$WORK/picked"
    echo "    return failures != 0;"
    echo "}"
} > "$WORK/stubs.c"

if ! "$CC" -std=c11 -Wall -Werror -Wno-deprecated-declarations -o "$WORK/stubs" "$WORK/stubs.c" \
        -lcrypto -ldl > "$WORK/cc.out" 2>&1; then
    result 1 "the dlsym test program compiles" "$WORK/cc.out"
    finish
fi
LD_LIBRARY_PATH="$(dirname "$LIB")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$WORK/stubs" > "$WORK/run.out" 2>&1
rc=$?
sed 's/^/  /' "$WORK/run.out"
real=$(readlink -f "$LIB")
while read -r name kind nargs fail; do
    {
        [ $rc -eq 0 ] || echo "the program exited with status $rc"
        from=$(sed -n "s/^$name: from //p" "$WORK/run.out")
        [ -n "$from" ] && [ "$(readlink -f "$from")" = "$real" ] || echo "$name was not loaded from $REL (${from:-not loaded})"
        line=$(grep "^$name: returned" "$WORK/run.out")
        echo "$line" | grep -q "error: .*| $name is not supported by oxissl$" ||
            echo "the queued error does not name $name and say it is not supported: ${line:-none}"
        grep "^$name: " "$WORK/run.out" | grep -v "^$name: \(from\|returned\)" || true
    } > "$WORK/$name.msg"
    want=$([ "$kind" = int ] && echo "$fail" || { [ "$kind" = ptr ] && echo NULL || echo nothing; })
    result "$([ -s "$WORK/$name.msg" ] && echo 1 || echo 0)" \
        "$name ($nargs argument$([ "$nargs" = 1 ] || echo s)) through dlsym: returns $want and queues \"$name is not supported by oxissl\"" \
        "$WORK/$name.msg"
done < "$WORK/picked"

finish
