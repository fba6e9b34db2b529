#!/usr/bin/env python3
"""Compares the misuse sweep's transcripts (system libssl vs oxissl) call by call.

    compare.py SYSTEM.txt OXISSL.txt KNOWN.txt [--unsupported FILE] [--valgrind LOG]
               [--skips N] [--crash-list FILE] [--write-known FILE]

A call is identical when its return value and first error (library, reason) are the same
on both. Any other difference must match a line of KNOWN (known-differences.txt):

    FUNCTION-GLOB  VARIANT-GLOB[,VARIANT-GLOB...]  CATEGORY  reason...

(globs as in fnmatch; the first matching line names the difference). Each of a line's
variant patterns must match at least one difference (else the line is stale). The
categories have a checked meaning:

    null-error     OpenSSL fails without an error, oxissl queues ERR_R_PASSED_NULL_PARAMETER
                   (same return value)
    null-reason    OpenSSL fails with another error (libcrypto's reaction to the NULL),
                   oxissl queues ERR_R_PASSED_NULL_PARAMETER (same return value)
    openssl-crash  OpenSSL crashes; oxissl returns (it must, everywhere)
    unsupported    oxissl does not implement the function: it fails naming itself
                   (ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED, "... is not supported by oxissl")
    deliberate     a documented deliberate difference (README), free text
    openssl-bug    OpenSSL's answer is a bug of its own no program relies on, free text

Exit status 1 when a difference is not named (or breaks its category's rule), when a
line of KNOWN no longer matches any difference, when oxissl crashed, hung or left out
a call, or when the valgrind log reports errors or definitely lost bytes.
"""
import argparse
import fnmatch
import re
import sys

CATEGORIES = ("null-error", "null-reason", "openssl-crash", "unsupported", "deliberate", "openssl-bug")
NULL_REASON = "passed a null parameter"
UNSUPPORTED_REASON = "called a function you should not call"


def parse(path):
    calls = {}
    order = []
    for raw in open(path, encoding="utf-8", errors="replace"):
        raw = raw.rstrip("\n")
        if not raw:
            continue
        parts = raw.split("\t")
        if len(parts) < 3:
            continue
        fn, variant, rest = parts[0], parts[1], parts[2:]
        res = rest[0]
        comment = ""
        extra = []
        for p in rest[1:]:
            if p.startswith("# "):
                comment = p[2:]
            else:
                extra.append(p)
        if res.startswith("ret="):
            ret, err = res.split(" ", 1) if " " in res else (res, "")
            if not err and len(rest) > 1 and rest[1].startswith("err="):
                err = rest[1]
            outcome = "ret"
        elif res.startswith("crash"):
            ret, err, outcome = res, "", "crash"
        elif res.startswith("hang"):
            ret, err, outcome = res, "", "hang"
        else:
            ret, err, outcome = res, "", "other"
        if any(e.startswith("cleanup-failure") for e in extra):
            outcome = "cleanup"
        key = (fn, variant)
        if key not in calls:
            order.append(key)
        calls[key] = {"ret": ret, "err": err, "comment": comment, "outcome": outcome,
                      "text": "\t".join(parts[2:])}
    return calls, order


def load_known(path):
    known = []
    for n, line in enumerate(open(path), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split(None, 3)
        if len(parts) < 4:
            sys.exit(f"{path}:{n}: expected FUNCTION VARIANT CATEGORY REASON")
        if parts[2] not in CATEGORIES:
            sys.exit(f"{path}:{n}: unknown category {parts[2]} (one of {', '.join(CATEGORIES)})")
        variants = parts[1].split(",")
        known.append({"fn": parts[0], "variants": variants, "variant": parts[1], "cat": parts[2],
                      "reason": parts[3], "line": n, "hits": 0, "vhits": [0] * len(variants)})
    return known


def short(c):
    if c is None:
        return "(missing)"
    if c["outcome"] == "ret":
        s = f"{c['ret']} {c['err']}"
        if c["comment"]:
            s += f" ({c['comment']})"
        return s
    return c["text"]


def rule_ok(cat, fn, sysc, oxic, unsupported):
    """'' when the difference fits its category's rule, else why not."""
    if oxic["outcome"] != "ret":
        return "oxissl did not return"
    if cat == "null-error":
        if sysc["outcome"] != "ret" or sysc["ret"] != oxic["ret"] or sysc["err"] != "err=none" \
                or not oxic["comment"].startswith(NULL_REASON):
            return "not (same return, OpenSSL no error, oxissl 'passed a null parameter')"
    elif cat == "null-reason":
        if sysc["outcome"] != "ret" or sysc["ret"] != oxic["ret"] or sysc["err"] == "err=none" \
                or not oxic["comment"].startswith(NULL_REASON):
            return "not (same return, OpenSSL another error, oxissl 'passed a null parameter')"
    elif cat == "openssl-crash":
        if sysc["outcome"] != "crash":
            return "OpenSSL does not crash"
    elif cat == "unsupported":
        if not oxic["comment"].startswith(UNSUPPORTED_REASON) or "is not supported by oxissl" not in oxic["comment"]:
            return "oxissl's error is not 'called a function you should not call: ... is not supported by oxissl'"
    return ""


def valgrind_report(path):
    """(errors, definitely lost bytes, [call functions in the loss stacks])"""
    text = open(path, errors="replace").read()
    errors = 0
    m = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
    if m:
        errors = int(m[-1])
    lost = 0
    m = re.findall(r"definitely lost: ([\d,]+) bytes", text)
    if m:
        lost = int(m[-1].replace(",", ""))
    where = sorted(set(re.findall(r"\b(call_\w+?__\d+)\b", text)))
    return errors, lost, where


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("system")
    ap.add_argument("oxissl")
    ap.add_argument("known")
    ap.add_argument("--unsupported", help="oxissl-unsupported.txt")
    ap.add_argument("--valgrind", help="valgrind log of the oxissl run")
    ap.add_argument("--skips", type=int, default=0)
    ap.add_argument("--crash-list", help="write the functions where OpenSSL crashes and oxissl does not")
    ap.add_argument("--write-known", help="write a draft known-differences file for the unnamed differences")
    ap.add_argument("--no-stale", action="store_true", help="do not report unused known differences (partial runs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every named difference")
    opts = ap.parse_args()

    sysc, order = parse(opts.system)
    oxic, _ = parse(opts.oxissl)
    known = load_known(opts.known)
    unsupported = None
    if opts.unsupported:
        unsupported = {l.strip() for l in open(opts.unsupported) if l.strip() and not l.startswith("#")}

    problems = []
    identical = 0
    by_cat = {c: 0 for c in CATEGORIES}
    crash_fns = {}
    oxissl_fail = 0
    unnamed = []
    for key in order:
        fn, variant = key
        s = sysc[key]
        o = oxic.get(key)
        if o is None:
            problems.append(f"MISSING  {fn} {variant}: no oxissl result (the run stopped?)")
            oxissl_fail += 1
            continue
        if o["outcome"] in ("crash", "hang", "other", "cleanup"):
            problems.append(f"OXISSL   {fn} {variant}: {o['text']}")
            oxissl_fail += 1
            continue
        if s["outcome"] == "cleanup":
            problems.append(f"HARNESS  {fn} {variant}: system run: {s['text']}")
            continue
        if s["outcome"] == "crash":
            crash_fns.setdefault(fn, []).append(variant)
        if s["outcome"] == "ret" and s["ret"] == o["ret"] and s["err"] == o["err"]:
            identical += 1
            continue
        match = None
        for k in known:
            if not fnmatch.fnmatchcase(fn, k["fn"]):
                continue
            for j, v in enumerate(k["variants"]):
                if fnmatch.fnmatchcase(variant, v):
                    match = k
                    k["vhits"][j] += 1
                    break
            if match:
                break
        if match is None:
            unnamed.append((fn, variant, s, o))
            problems.append(f"UNNAMED  {fn} {variant}: system {short(s)} | oxissl {short(o)}")
            continue
        why = rule_ok(match["cat"], fn, s, o, unsupported)
        if why:
            unnamed.append((fn, variant, s, o))
            problems.append(f"CATEGORY {fn} {variant}: named {match['cat']} (line {match['line']}) but {why}: "
                            f"system {short(s)} | oxissl {short(o)}")
            continue
        match["hits"] += 1
        by_cat[match["cat"]] += 1
        if opts.verbose:
            print(f"named    {fn} {variant} [{match['cat']}]: system {short(s)} | oxissl {short(o)}")
    for key in oxic:
        if key not in sysc:
            problems.append(f"EXTRA    {key[0]} {key[1]}: only in the oxissl transcript")
    for k in known:
        if opts.no_stale:
            continue
        if k["hits"] == 0:
            problems.append(f"STALE    {opts.known}:{k['line']}: '{k['fn']} {k['variant']} {k['cat']}' "
                            "matches no difference any more: remove it")
        else:
            for v, h in zip(k["variants"], k["vhits"]):
                if h == 0:
                    problems.append(f"STALE    {opts.known}:{k['line']}: variant '{v}' of '{k['fn']}' "
                                    "matches no difference any more: remove it")

    vg = None
    if opts.valgrind:
        vg = valgrind_report(opts.valgrind)
        if vg[0] or vg[1]:
            problems.append(f"VALGRIND {vg[0]} errors, {vg[1]} bytes definitely lost "
                            f"(calls in the stacks: {' '.join(vg[2]) or 'none'}); see {opts.valgrind}")

    avoided = {fn: v for fn, v in crash_fns.items()
               if all(oxic.get((fn, x), {}).get("outcome") == "ret" for x in v)}
    if opts.crash_list:
        with open(opts.crash_list, "w") as f:
            for fn in sorted(avoided):
                f.write(f"{fn}\t{' '.join(avoided[fn])}\n")
    if opts.write_known:
        with open(opts.write_known, "w") as f:
            for fn, variant, s, o in unnamed:
                f.write(f"{fn} {variant} ? system {short(s)} | oxissl {short(o)}\n")

    for p in problems:
        print(p)
    fns = {k[0] for k in order}
    ndiff = sum(by_cat.values())
    print()
    print(f"misuse sweep: {len(fns)} functions, {len(order)} calls ({opts.skips} skipped), "
          f"{identical} identical, {ndiff} named differences, {len(unnamed)} unnamed")
    print("  named: " + ", ".join(f"{c} {by_cat[c]}" for c in CATEGORIES))
    print(f"  OpenSSL crashes: {sum(len(v) for v in crash_fns.values())} calls in {len(crash_fns)} functions; "
          f"oxissl returns cleanly in all of them: {len(avoided)} functions")
    print(f"  oxissl failures (crash, hang, missing): {oxissl_fail}"
          + (f"; valgrind: {vg[0]} errors, {vg[1]} bytes definitely lost" if vg else ""))
    stale = sum(1 for k in known if k["hits"] == 0 or 0 in k["vhits"])
    if stale:
        print(f"  stale known differences: {stale}")
    ok = not problems
    print("RESULT: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
