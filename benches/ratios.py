#!/usr/bin/env python3
"""Prints the README's performance table from criterion's estimates.

Run after `cargo bench --bench commit --bench assemble --bench commit_x64`:

    python3 benches/ratios.py [target/criterion]

Each row compares a jitkit measurement with another tool's, as the ratio of their mean times
(median for the churn row; how many times faster jitkit is). Groups not run are left out. Standard library only.
"""
import json
import os
import sys

BASE = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")


def estimate_ns(group, name, stat):
    path = os.path.join(BASE, group.replace("/", "_"), name, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)[stat]["point_estimate"]


def show(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.1f} ns"


ROWS = []
for size in ["64B", "1KiB", "64KiB"]:
    group = f"commit/{size}"
    for other in ["dynasmrt_mutable_make_exec", "dynasmrt_assembler_finalize",
                  "raw_mmap_mprotect", "jitkit_per_buffer"]:
        ROWS.append((f"commit {size}", group, "jitkit_pooled", other))
ROWS.append(("assemble + commit 16 instructions", "assemble_commit/16", "a64_jitkit_pooled",
             "dynasmrt_assembler_finalize"))
for other in ["dynasmrt_executable_buffer", "raw_munmap", "jitkit_per_buffer"]:
    ROWS.append(("free 64B", "free/64B", "jitkit_pooled", other))
ROWS.append(("assemble 16 instructions", "assemble/16", "a64", "dynasmrt_vec_assembler"))
# x86-64 (benches/commit_x64.rs).
for size in ["64B", "1KiB", "64KiB"]:
    group = f"x64_commit/{size}"
    for other in ["dynasmrt_mutable_make_exec", "dynasmrt_assembler_finalize",
                  "jitkit_per_buffer"]:
        ROWS.append((f"x86-64 commit {size}", group, "jitkit_pooled", other))
    ROWS.append((f"x86-64 commit {size}", group, "jitkit_per_buffer",
                 "dynasmrt_assembler_finalize"))
ROWS.append(("x86-64 assemble + commit 16 instructions", "x64_assemble_commit/16",
             "x64_jitkit_pooled", "dynasmrt_assembler_finalize"))
# The churn workload is compared by median per commit.
for ours in ["jitkit_pooled", "jitkit_per_buffer_pool", "jitkit_per_buffer_batch"]:
    ROWS.append(("churn: 64 × 64 B, drop, repeat (median)", "churn/64x64B", ours,
                 "dynasmrt_mutable_make_exec"))

print("| measurement | jitkit | time | compared with | time | jitkit is |")
print("|---|---|---|---|---|---|")
for label, group, ours, other in ROWS:
    stat = "median" if "(median)" in label else "mean"
    try:
        a, b = estimate_ns(group, ours, stat), estimate_ns(group, other, stat)
    except FileNotFoundError:
        continue  # that group was not run
    print(f"| {label} | {ours} | {show(a)} | {other} | {show(b)} | {b / a:.1f}× faster |")
