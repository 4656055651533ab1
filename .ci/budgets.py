#!/usr/bin/env python3
"""hashflight's size budgets (run by .ci/run): fails on a file over 700
non-test lines, a function over 120 lines, or a function with more than 7
parameters, counting each member of a tuple parameter as one (packing
arguments into a tuple does not get around the budget). `self` is not
counted. Test modules (`#[cfg(test)] mod ...` to the end of their braces)
are left out of the file budget; their functions are held to the same
line and parameter budgets as the rest.

    python3 .ci/budgets.py src benches/benches tests/fuzz/fuzz_targets
"""
import os
import re
import sys

MAX_FILE_LINES = 700
MAX_FN_LINES = 120
MAX_PARAMS = 7


def scrub(src):
    """The source with comments, strings and char literals blanked (newlines
    kept), so that braces and commas can be counted."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', src[i:i + 10]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r'r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", src[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:  # a lifetime
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def match_brace(s, i, open_c="{", close_c="}"):
    depth = 0
    for j in range(i, len(s)):
        if s[j] == open_c:
            depth += 1
        elif s[j] == close_c:
            depth -= 1
            if depth == 0:
                return j
    return len(s) - 1


def split_top(s):
    """Split on commas outside (), [], <> and {}."""
    parts, depth, cur = [], 0, []
    for k, c in enumerate(s):
        if c in "([{<":
            depth += 1
        elif c in ")]}" or (c == ">" and s[k - 1] != "-"):
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def count_params(params):
    count = 0
    for p in split_top(params):
        if re.match(r"^(&\s*)?('\w+\s+)?(mut\s+)?self\b", p):
            continue
        ty = p.split(":", 1)[1].strip() if ":" in p else p
        ty = re.sub(r"^&\s*('\w+\s+)?(mut\s+)?", "", ty)
        if ty.startswith("(") and ty.endswith(")"):
            count += max(1, len(split_top(ty[1:-1])))
        else:
            count += 1
    return count


def test_spans(s):
    spans = []
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", s):
        start = m.end() - 1
        spans.append((m.start(), match_brace(s, start)))
    return spans


def check_file(path):
    src = open(path, encoding="utf-8").read()
    s = scrub(src)
    line_of = lambda k: s.count("\n", 0, k) + 1
    spans = test_spans(s)
    in_test = lambda k: any(a <= k <= b for a, b in spans)
    problems = []
    test_lines = sum(line_of(b) - line_of(a) + 1 for a, b in spans)
    code_lines = sum(1 for l in src.splitlines()) - test_lines
    if code_lines > MAX_FILE_LINES:
        problems.append(f"{path}: {code_lines} non-test lines (budget {MAX_FILE_LINES})")
    for m in re.finditer(r"\bfn\s+(\w+)\s*(<[^{;]*?>)?\s*\(", s):
        name = m.group(1)
        open_paren = m.end() - 1
        close_paren = match_brace(s, open_paren, "(", ")")
        params = s[open_paren + 1:close_paren]
        # the body, if any, starts at the first { or ; after the signature
        rest = re.search(r"[{;]", s[close_paren:])
        if not rest:
            continue
        where = f"{path}:{line_of(m.start())}: fn {name}"
        n_params = count_params(params)
        if n_params > MAX_PARAMS:
            problems.append(f"{where}: {n_params} parameters counting tuple members (budget {MAX_PARAMS})")
        if rest.group(0) == "{":
            body_open = close_paren + rest.start()
            body_close = match_brace(s, body_open)
            lines = line_of(body_close) - line_of(m.start()) + 1
            if lines > MAX_FN_LINES:
                problems.append(f"{where}: {lines} lines (budget {MAX_FN_LINES})")
    return problems, code_lines, in_test


def main(roots):
    problems, files = [], 0
    for root in roots:
        for d, _, fs in os.walk(root):
            if "/target" in d:
                continue
            for f in sorted(fs):
                if f.endswith(".rs"):
                    files += 1
                    problems += check_file(os.path.join(d, f))[0]
    for p in problems:
        print(p)
    print(f"budgets: {files} files, {len(problems)} over budget")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["src"]))
