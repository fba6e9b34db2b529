#!/usr/bin/env bash
# The user tools tools/with-oxissl and tools/oxissl-check.
#
#   with-oxissl   runs `openssl version` and Python's ssl module on oxissl, by LD_LIBRARY_PATH
#                 and by LD_PRELOAD (the /proc/PID/maps proof), from the source tree and
#                 installed side by side with the library; passes the exit status through;
#                 fails clearly without a library.
#   oxissl-check  on curl, openssl, Python's _ssl module and nginx (when installed): the
#                 verdict line and the exit status agree with what binutils (ldd, nm -D) say
#                 the binaries import and with the stubs of src/abi/unsupported.rs, and so does
#                 the status of every function listed; /bin/ls does not use libssl; a library
#                 missing functions means "will not load" (exit 2); the installed layout reads
#                 the stub list written by --write-stub-list.
#
# usage: tests/programs/tools.sh [--lib DIR]
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

WITH=$ROOT/tools/with-oxissl
CHECK=$ROOT/tools/oxissl-check
EXPORTS=$ROOT/data/libssl3-exports.txt
STUBS_RS=$ROOT/src/abi/unsupported.rs
export LC_ALL=C

# The stubs, read from the source the way gen-unsupported.py writes them; when the build
# wrote its stub list next to the library (what the library was built with, and what
# oxissl-check then reads), that list.
grep -A1 '^#\[no_mangle\]' "$STUBS_RS" | sed -n 's/^pub extern "C" fn \([A-Za-z0-9_]*\)(.*/\1/p' \
    | sort -u > "$WORK/stubs.rs"
[ -s "$WORK/stubs.rs" ] || { echo "no stub found in $STUBS_RS" >&2; exit 2; }
if [ -f "$LIBDIR/oxissl-unsupported.txt" ]; then
    grep -v '^#' "$LIBDIR/oxissl-unsupported.txt" | sort -u > "$WORK/stubs"
    cmp -s "$WORK/stubs" "$WORK/stubs.rs" ||
        echo "note: $LIBDIR/oxissl-unsupported.txt differs from src/abi/unsupported.rs (library older than the source?): checking against the list"
else
    cp "$WORK/stubs.rs" "$WORK/stubs"
fi

# ---- with-oxissl -----------------------------------------------------------------------------

check "with-oxissl --help" bash -c '"$1" --help | grep -q -- --preload' _ "$WITH"

out=$(on_system env OXISSL_LIB="$LIBDIR" "$WITH" openssl version 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^OpenSSL 3' <<<"$out"; then ok "with-oxissl openssl version: $out"
else bad "with-oxissl openssl version" "exit $rc: $out"; fi

on_system env OXISSL_LIB="$LIBDIR" "$WITH" sh -c 'exit 7'
rc=$?
if [ $rc -eq 7 ]; then ok "with-oxissl passes the exit status through (7)"
else bad "with-oxissl passes the exit status through" "exit $rc, expected 7"; fi

# maps_proof NAME WITH-OXISSL [ARGS…]: a Python process importing ssl under WITH-OXISSL has
# our libssl mapped (maps_check on the PID it prints) and the system's not.
maps_proof() {
    local name=$1; shift
    local out=$WORK/maps.$RANDOM
    "$@" python3 -c 'import ssl, sys, time
import os
print("ready", os.getpid(), flush=True)
time.sleep(30)' > "$out" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    local i
    for i in $(seq 100); do
        grep -q '^ready' "$out" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q '^ready' "$out"; then
        bad "$name" "python3 did not start: $(head -c 300 "$out")"
    elif maps_check "$(awk '$1 == "ready" {print $2}' "$out")"; then
        ok "$name"
    else
        bad "$name" "maps_check"
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}
maps_proof "with-oxissl python3 (LD_LIBRARY_PATH): our libssl mapped" \
    on_system env OXISSL_LIB="$LIBDIR" "$WITH"
maps_proof "with-oxissl --preload python3 (LD_PRELOAD): our libssl mapped" \
    on_system env OXISSL_LIB="$LIBDIR" "$WITH" --preload
maps_proof "with-oxissl with OXISSL_LIB naming the .so file" \
    on_system env OXISSL_LIB="$OXLIB" "$WITH"
if [ "$LIBDIR" = "$ROOT/target/release" ]; then
    maps_proof "with-oxissl finds ../target/release without OXISSL_LIB" \
        on_system env -u OXISSL_LIB "$WITH"
fi

# The mode it reports (--verbose) is the one asked for.
check "with-oxissl --verbose says LD_LIBRARY_PATH" bash -c \
    '"$@" true 2>&1 | grep -q "via LD_LIBRARY_PATH"' _ env -u LD_LIBRARY_PATH -u LD_PRELOAD OXISSL_LIB="$LIBDIR" "$WITH" --verbose
check "with-oxissl --preload --verbose says LD_PRELOAD" bash -c \
    '"$@" true 2>&1 | grep -q "via LD_PRELOAD"' _ env -u LD_LIBRARY_PATH -u LD_PRELOAD OXISSL_LIB="$LIBDIR" "$WITH" --preload --verbose

out=$(on_system env OXISSL_LIB="$WORK/nowhere" "$WITH" true 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "libssl.so.3 not found" <<<"$out"; then ok "with-oxissl without a library: exit $rc, $out"
else bad "with-oxissl without a library" "exit $rc: $out"; fi

# Installed side by side: the two tools, libssl.so.3 and the stub list in one directory.
INST=$WORK/inst
mkdir -p "$INST"
cp "$WITH" "$CHECK" "$INST/"
ln -s "$OXLIB_REAL" "$INST/libssl.so.3"
maps_proof "installed with-oxissl (next to libssl.so.3): our libssl mapped" \
    on_system env -u OXISSL_LIB "$INST/with-oxissl"

# ---- oxissl-check -----------------------------------------------------------------------------

# expected BINARY: from binutils, independently of oxissl-check: the libssl functions that
# BINARY and the libraries ldd lists (libssl itself excepted) import (nm -D, version
# OPENSSL_3.0.0 or none, named in data/libssl3-exports.txt), into $WORK/NAME.funcs and
# NAME.stubs (those of them stubbed in src/abi/unsupported.rs); prints nothing.
expected() {
    local bin=$1 name
    name=$(basename "$bin")
    {
        echo "$bin"
        on_system ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'
    } | while read -r obj; do
        case $(basename "$obj") in libssl.so*) continue ;; esac
        nm -D --undefined-only "$obj" 2>/dev/null | awk '{print $NF}'
    done | grep -E '^[A-Za-z0-9_]+(@OPENSSL_3\.0\.0)?$' | sed 's/@.*//' \
        | grep -xFf "$EXPORTS" | sort -u > "$WORK/$name.funcs"
    comm -12 "$WORK/$name.funcs" "$WORK/stubs" > "$WORK/$name.stubs"
}

# check_binary BINARY: the verdict, the exit status, the count line and each row's status.
check_binary() {
    local bin=$1 name n k rc out verdict want_rc want
    name=$(basename "$bin")
    expected "$bin"
    n=$(wc -l < "$WORK/$name.funcs")
    k=$(wc -l < "$WORK/$name.stubs")
    out=$("$CHECK" --lib "$LIBDIR" "$bin" 2>&1)
    rc=$?
    printf '%s\n' "$out" > "$WORK/$name.out"
    verdict=$(grep '^verdict:' <<<"$out")
    echo "      $verdict"
    if [ "$n" -eq 0 ]; then
        bad "oxissl-check $name" "binutils find no libssl function in $bin"
        return
    fi
    # The control commands behind macros (SSL_CTX_ctrl(N) rows, found by disassembly):
    # counted from the rows themselves, and they must agree with the count line.
    local c kc
    c=$(grep -cE '^  SSL(_CTX)?_(callback_)?ctrl\([0-9]+\) ' <<<"$out")
    kc=$(grep -E '^  SSL(_CTX)?_(callback_)?ctrl\([0-9]+\) ' <<<"$out" | grep -c '  fails cleanly ')
    if [ $((k + kc)) -eq 0 ]; then
        want="verdict: $name: every one of its $((n + c)) libssl functions and control commands is implemented — runs on oxissl"
        want_rc=0
        [ "$verdict" = "$want" ]
    else
        want="verdict: $name: $((k + kc)) of $((n + c)) functions and control commands only fail cleanly (…): the features that use them will report errors"
        want_rc=1
        [[ $verdict == "verdict: $name: $((k + kc)) of $((n + c)) functions and control commands only fail cleanly ("*"): the features that use them will report errors" ]]
    fi
    if [ $? -eq 0 ] && [ $rc -eq $want_rc ]; then ok "oxissl-check $name: verdict and exit status $rc"
    else bad "oxissl-check $name: verdict and exit status" "exit $rc (want $want_rc): $verdict (want: $want)"; fi

    # Every row: the function binutils found, with the status the stub list gives it.
    awk '/^  [A-Za-z0-9_]+  +(implemented|fails cleanly|NOT EXPORTED)/ {
            st = ($2 == "implemented") ? "implemented" : ($2 == "fails") ? "stub" : "missing"
            print $1, st }' "$WORK/$name.out" | sort > "$WORK/$name.rows"
    awk 'NR == FNR { stub[$1] = 1; next } { print $1, ($1 in stub) ? "stub" : "implemented" }' \
        "$WORK/stubs" "$WORK/$name.funcs" | sort > "$WORK/$name.want"
    if diff "$WORK/$name.want" "$WORK/$name.rows" > "$WORK/$name.diff"; then
        ok "oxissl-check $name: the $n functions listed and their status agree with nm -D and unsupported.rs"
    else
        bad "oxissl-check $name: functions and status" "$(head -n 10 "$WORK/$name.diff" | tr '\n' ' ')"
    fi
    if grep -q "^  $n libssl functions and $c control commands: $((n - k + c - kc)) implemented, $((k + kc)) only fail cleanly ($kc of them control commands), 0 not exported by oxissl$" "$WORK/$name.out"; then
        ok "oxissl-check $name: count line"
    else
        bad "oxissl-check $name: count line" "$(grep 'libssl functions:' "$WORK/$name.out")"
    fi
}

PYSSL=$(on_system python3 -c 'import _ssl; print(_ssl.__file__)')
BINARIES=(/usr/bin/curl /usr/bin/openssl "$PYSSL")
[ -x /usr/sbin/nginx ] && BINARIES+=(/usr/sbin/nginx)
for b in "${BINARIES[@]}"; do
    check_binary "$b"
done

# Two functions whose status is known from the source: SSL_new (implemented) in curl's
# list; BIO_f_ssl in openssl's, a stub exactly when unsupported.rs defines it.
status_of() { awk -v f="$2" '$1 == f { print ($2 == "fails") ? "stub" : $2 }' "$WORK/$1.out"; }
s=$(status_of curl SSL_new)
if [ "$s" = implemented ]; then ok "curl: SSL_new implemented"; else bad "curl: SSL_new implemented" "status ${s:-absent}"; fi
want=$(grep -qx BIO_f_ssl "$WORK/stubs" && echo stub || echo implemented)
s=$(status_of openssl BIO_f_ssl)
if [ "$s" = "$want" ]; then ok "openssl: BIO_f_ssl $want (as src/abi/unsupported.rs says)"
else bad "openssl: BIO_f_ssl" "status ${s:-absent}, src/abi/unsupported.rs says $want"; fi

out=$("$CHECK" --lib "$LIBDIR" /bin/ls 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^verdict: ls: does not use libssl' <<<"$out"; then ok "oxissl-check /bin/ls: does not use libssl"
else bad "oxissl-check /bin/ls" "exit $rc: $out"; fi

# --quiet: the verdict lines only; several binaries: the worst exit status.
out=$("$CHECK" --lib "$LIBDIR" --quiet /bin/ls "${BINARIES[@]}" 2>&1)
rc=$?
want_rc=0
for b in "${BINARIES[@]}"; do [ -s "$WORK/$(basename "$b").stubs" ] && want_rc=1; done
if [ "$(grep -c . <<<"$out")" -eq $((${#BINARIES[@]} + 1)) ] && ! grep -qv '^verdict: ' <<<"$out" && [ $rc -eq $want_rc ]; then
    ok "oxissl-check --quiet: $((${#BINARIES[@]} + 1)) verdict lines, exit $rc"
else
    bad "oxissl-check --quiet" "exit $rc (want $want_rc): $out"
fi

out=$("$CHECK" --lib "$LIBDIR" /etc/passwd 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q 'not an ELF file' <<<"$out"; then ok "oxissl-check on a non-ELF file: exit 2"
else bad "oxissl-check on a non-ELF file" "exit $rc: $out"; fi
"$CHECK" > /dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "oxissl-check without a binary: exit 2"; else bad "oxissl-check without a binary" "exit $rc"; fi

# Installed: no source tree; the stub list next to the library is required and used.
out=$(on_system env -u OXISSL_LIB "$INST/oxissl-check" /usr/bin/curl 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q 'no stub list' <<<"$out"; then ok "installed oxissl-check without a stub list: exit 2, says so"
else bad "installed oxissl-check without a stub list" "exit $rc: $out"; fi
"$CHECK" --write-stub-list "$WORK/written.txt"
# The functions first (those of src/abi/unsupported.rs), then the control commands the
# library answers as not supported ("ctrl FUNCTION COMMAND").
nctrl=$(grep -cE '^ctrl SSL(_CTX)?_(callback_)?ctrl [0-9]+$' "$WORK/written.txt")
if [ "$(grep -v '^#' "$WORK/written.txt" | grep -v '^ctrl ')" = "$(cat "$WORK/stubs.rs")" ] && [ "$nctrl" -gt 0 ] &&
   [ "$(grep -v '^#' "$WORK/written.txt" | grep -c '^ctrl ')" -eq "$nctrl" ]; then
    ok "--write-stub-list writes the $(wc -l < "$WORK/stubs.rs") stubs of src/abi/unsupported.rs and $nctrl control commands"
else
    bad "--write-stub-list" "$(diff <(grep -v '^#' "$WORK/written.txt" | grep -v '^ctrl ') "$WORK/stubs.rs" | head -n 5 | tr '\n' ' ') ($nctrl control commands)"
fi
# Installed with the list the library was built with, if the build wrote one.
if [ -f "$LIBDIR/oxissl-unsupported.txt" ]; then cp "$LIBDIR/oxissl-unsupported.txt" "$INST/"
else cp "$WORK/written.txt" "$INST/oxissl-unsupported.txt"; fi
out=$(on_system env -u OXISSL_LIB "$INST/oxissl-check" --quiet "${BINARIES[@]}" 2>&1)
rc=$?
if [ "$out" = "$("$CHECK" --lib "$LIBDIR" --quiet "${BINARIES[@]}" 2>&1)" ] && [ $rc -eq $want_rc ] &&
   on_system env -u OXISSL_LIB "$INST/oxissl-check" /usr/bin/curl | grep -q "per $INST/oxissl-unsupported.txt"; then
    ok "installed oxissl-check (stub list next to the library) gives the same verdicts"
else
    bad "installed oxissl-check" "exit $rc: $out"
fi

# A library that lacks functions curl needs: "will not load", exit 2.
if command -v "${CC:-gcc}" > /dev/null; then
    mkdir -p "$WORK/fake"
    printf 'int SSL_new(void) { return 0; }\nint SSL_free(void) { return 0; }\n' > "$WORK/fake/fake.c"
    printf 'OPENSSL_3.0.0 { global: SSL_new; SSL_free; local: *; };\n' > "$WORK/fake/map"
    : > "$WORK/fake/oxissl-unsupported.txt"
    if "${CC:-gcc}" -shared -fPIC -o "$WORK/fake/libssl.so.3" -Wl,-soname,libssl.so.3 \
            -Wl,--version-script="$WORK/fake/map" "$WORK/fake/fake.c" 2> "$WORK/fake/cc.err"; then
        out=$("$CHECK" --lib "$WORK/fake" /usr/bin/curl 2>&1)
        rc=$?
        n=$(wc -l < "$WORK/curl.funcs")
        v=$(grep '^verdict:' <<<"$out")
        if [ $rc -eq 2 ] && [[ $v == "verdict: curl: $((n - 2)) of its $n libssl functions are not exported by oxissl ("*"): will not load on oxissl" ]] &&
           grep -q '^  SSL_new  *implemented' <<<"$out" && grep -q '^  SSL_connect  *NOT EXPORTED' <<<"$out"; then
            ok "oxissl-check against a library missing functions: will not load, exit 2"
        else
            bad "oxissl-check against a library missing functions" "exit $rc: $v"
        fi
    else
        bad "the fake library compiles" "$(cat "$WORK/fake/cc.err")"
    fi
fi

finish
