#!/usr/bin/env python3
"""A diff for `cargo mutants --in-diff` of the lines one change added.

A line of the current src/ counts when its stripped text is new between OLD
and END: absent from OLD's src/, present in END's src/. Moved lines do not
count, nor lines added after END. Comments and blank lines do not count.

Usage, in the repository: python3 scripts/change_lines_diff.py OLD END > diff
"""
import subprocess, sys
old, end = sys.argv[1], sys.argv[2]
def lines_of(rev):
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "src"], capture_output=True, text=True).stdout.split()
    out = set()
    for f in files:
        txt = subprocess.run(["git", "show", f"{rev}:{f}"], capture_output=True, text=True).stdout
        out.update(l.strip() for l in txt.splitlines())
    return out
old_lines, end_lines = lines_of(old), lines_of(end)
out = []
for f in subprocess.run(["git", "ls-files", "src"], capture_output=True, text=True).stdout.split():
    if not f.endswith(".rs"):
        continue
    hunks = [(i, l) for i, l in enumerate(open(f, encoding="utf-8").read().splitlines(), 1)
             if (s := l.strip()) and s not in old_lines and s in end_lines and not s.startswith("//")]
    if hunks:
        out.append(f"diff --git a/{f} b/{f}\n--- a/{f}\n+++ b/{f}\n")
        out.extend(f"@@ -{i-1},0 +{i},1 @@\n+{l}\n" for i, l in hunks)
sys.stdout.write("".join(out))
