#!/usr/bin/env python3
"""Lists every Rust function longer than a limit (issue 20: no library function over 80 lines).

A function's length is counted from the line of its `fn` keyword to the line of the brace
that closes its body, inclusive (doc comments and attributes above it are not counted).
Braces are counted by depth after taking out comments, strings and character literals.

Library code only: `#[cfg(test)]` modules (inline or in their own files) and test files
(`tests.rs`, `*_tests.rs`, anything under a `tests/` or `benches/` directory) are skipped.

Usage: tools/long_functions.py [--max N] [PATH ...]   (default: --max 80 src)
Prints `path:line: fn name: N lines` for each function over N, longest first, and exits
with status 1 if there is any, 0 if there is none. A tool, not a test: run it by hand or
in CI.
"""

import argparse
import os
import re
import sys


def strip_code(text):
    """The text with comments, strings and character literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 260]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(b?r)(#*)"', text[i:])
            end = '"' + m.group(2)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A character literal ('x', '\n', '\u{..}', '{'), not a lifetime ('a).
            m = re.match(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


CFG_TEST = re.compile(r"#\[cfg\((?:[^()]|\([^()]*\))*\btest\b(?:[^()]|\([^()]*\))*\)\]")
NOT_TEST = re.compile(r"not\(\s*test\s*\)")
FN = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")
MOD = re.compile(r"\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*([;{])")


def matching_brace(code, open_at):
    """The index of the brace that closes the one at `open_at`."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(code) - 1


def test_spans(code):
    """Spans of inline `#[cfg(test)] mod x { .. }` blocks, and names of `#[cfg(test)] mod x;`."""
    spans, files = [], []
    for m in CFG_TEST.finditer(code):
        if NOT_TEST.search(m.group(0)):
            continue
        rest = code[m.end():]
        # Skip other attributes between the cfg and the item.
        k = 0
        while True:
            a = re.match(r"\s*#\[[^\]]*\]", rest[k:])
            if not a:
                break
            k += a.end()
        mm = MOD.match(rest[k:])
        if not mm:
            continue
        if mm.group(2) == ";":
            files.append(mm.group(1))
        else:
            open_at = m.end() + k + mm.end() - 1
            spans.append((m.start(), matching_brace(code, open_at)))
    return spans, files


def functions(path):
    """(line, name, length) of every function with a body in `path`, outside test modules."""
    with open(path, encoding="utf-8") as f:
        code = strip_code(f.read())
    spans, test_files = test_spans(code)
    found = []
    for m in FN.finditer(code):
        if any(a <= m.start() <= b for a, b in spans):
            continue
        # The body opens at the first `{` after the signature, unless a `;` comes first.
        k = m.end()
        depth = 0
        while k < len(code):
            ch = code[k]
            if ch in "([<":
                depth += 1
            elif ch in ")]>":
                depth = max(depth - 1, 0) if ch != ">" or code[k - 1] != "-" else depth
            elif ch == ";" and depth == 0:
                k = -1
                break
            elif ch == "{" and depth == 0:
                break
            k += 1
        if k < 0 or k >= len(code):
            continue
        close = matching_brace(code, k)
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, close) + 1
        found.append((first, m.group(1), last - first + 1))
    return found, test_files


def is_test_path(path):
    parts = path.replace(os.sep, "/").split("/")
    name = parts[-1]
    return (
        "tests" in parts[:-1]
        or "benches" in parts[:-1]
        or name == "tests.rs"
        or name.endswith("_tests.rs")
    )


def rust_files(root):
    if os.path.isfile(root):
        yield root
        return
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if name.endswith(".rs"):
                yield os.path.join(directory, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=80, help="longest allowed, in lines")
    parser.add_argument("paths", nargs="*", default=["src"])
    args = parser.parse_args()
    files = [p for root in args.paths for p in rust_files(root)]
    # Files that a `#[cfg(test)] mod x;` names are test modules wherever they are.
    skipped = set()
    results = []
    for path in files:
        if is_test_path(path):
            continue
        found, test_files = functions(path)
        here = os.path.dirname(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        # `mod x;` in a/b.rs is a/b/x.rs; in a/mod.rs (or lib.rs, main.rs) it is a/x.rs.
        base = here if stem in ("mod", "lib", "main") else os.path.join(here, stem)
        for name in test_files:
            skipped.add(os.path.normpath(os.path.join(base, name + ".rs")))
            skipped.add(os.path.normpath(os.path.join(base, name, "mod.rs")))
        results.extend((path, line, name, length) for line, name, length in found)
    long = [r for r in results if r[3] > args.max and os.path.normpath(r[0]) not in skipped]
    long.sort(key=lambda r: (-r[3], r[0], r[1]))
    for path, line, name, length in long:
        print(f"{path}:{line}: fn {name}: {length} lines")
    print(
        f"{len(long)} function(s) over {args.max} lines "
        f"({len(results)} functions in {len(files)} files)",
        file=sys.stderr,
    )
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main())
