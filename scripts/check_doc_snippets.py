#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
"""Checks that every ```cpp block of the given Markdown files is real, tested code: its lines
must appear, in order and contiguous, in one of the given source files (examples that CI
builds and runs). Leading/trailing blank lines and trailing spaces are ignored.

usage: check_doc_snippets.py --docs README.md docs/tutorial.md --sources examples/*.cpp
"""
import argparse
import re
import sys


def blocks(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"^```cpp\n(.*?)^```", text, re.S | re.M):
        line = text.count("\n", 0, m.start()) + 1
        yield line, [l.rstrip() for l in m.group(1).strip("\n").split("\n")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", nargs="+", required=True)
    ap.add_argument("--sources", nargs="+", required=True)
    a = ap.parse_args()
    sources = {s: [l.rstrip() for l in open(s, encoding="utf-8").read().split("\n")]
               for s in a.sources}
    bad = checked = 0
    for doc in a.docs:
        for line, block in blocks(doc):
            checked += 1
            n = len(block)
            found = [s for s, lines in sources.items()
                     if any(lines[i:i + n] == block for i in range(len(lines) - n + 1))]
            if not found:
                bad += 1
                print(f"{doc}:{line}: this cpp block is not a piece of any tested example:")
                print("\n".join("    " + l for l in block))
    print(f"{checked} cpp blocks checked, {bad} not found in {len(sources)} sources")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
