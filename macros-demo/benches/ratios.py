#!/usr/bin/env python3
"""Prints the README's BCPL run-time table from criterion's estimates.

Run after `cargo bench -p macros-demo --bench bcpl_run`:

    python3 macros-demo/benches/ratios.py [target/criterion]

One row per program: the mean time of each variant, how many times faster the JIT is than the
interpreter, and the JIT's time as a multiple of gcc -O0's and gcc -O2's. Standard library only.
"""
import json
import os
import sys

BASE = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")
VARIANTS = ["interpreter", "jit", "gcc_O0", "gcc_O2"]


def mean_ns(program, variant):
    path = os.path.join(BASE, f"bcpl_run_{program}", variant, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["mean"]["point_estimate"]
    except FileNotFoundError:
        return None


def show(ns):
    if ns is None:
        return "-"
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.1f}×"


print("| program | interpreter | JIT | gcc -O0 | gcc -O2 | JIT vs interpreter | JIT / gcc -O0 | JIT / gcc -O2 |")
print("|---|---|---|---|---|---|---|---|")
for program in ["fib", "queens", "sieve", "loops"]:
    t = {v: mean_ns(program, v) for v in VARIANTS}
    if t["jit"] is None:
        continue
    print(
        f"| {program} | {show(t['interpreter'])} | {show(t['jit'])} | {show(t['gcc_O0'])} "
        f"| {show(t['gcc_O2'])} | {ratio(t['interpreter'], t['jit'])} faster "
        f"| {ratio(t['jit'], t['gcc_O0'])} | {ratio(t['jit'], t['gcc_O2'])} |"
    )
setup = mean_ns("setup", "jit")
if setup is not None:
    print(f"\nfixed cost in each JIT figure (empty program): {show(setup)}")
