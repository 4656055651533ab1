#!/usr/bin/env python3
"""hashflight's layering check (run by .ci/run): builds the file-level import
graph of src/ from `use` statements and inline `crate::`/`super::`/child
paths in code (comments, strings and test modules left out, `mod`
declarations ignored), and fails on two files that import each other or on
an import from a layer above. The layers, from the bottom (README.md's
layout table says what each owns):

    units < consensus < market < state < agents, metrics < scenario < sim
      < plot < output < compare, ensemble, sweep < cli < bin, lib
"""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else "src"
LAYER = {"units":0, "consensus":1, "market":2, "state":3, "agents":4, "metrics":4,
         "scenario":5, "sim":6, "plot":7, "output":8, "compare":9, "ensemble":9, "sweep":9, "cli":10, "bin":11, "lib":11}
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs"):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)[:-3]
            parts = rel.split(os.sep)
            if parts[-1] == "mod": parts = parts[:-1]
            if parts == ["lib"]: parts = []
            files[tuple(parts)] = p
def module_file(path):
    # deepest module prefix that has a file
    for i in range(len(path), -1, -1):
        if tuple(path[:i]) in files: return tuple(path[:i])
    return ()
def strip(src):
    out = []
    in_test = False
    for line in src.split("\n"):
        s = line.strip()
        if s.startswith("//"): continue
        if s.startswith("#[cfg(test)]"): in_test = True
        if in_test: continue  # test modules are the last thing in a file here
        out.append(re.sub(r'"(\\.|[^"\\])*"', '""', line))
    return "\n".join(out)
edges = {}
for mod, p in files.items():
    src = strip(open(p).read())
    src = re.sub(r'^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;', '', src, flags=re.M)
    targets = set()
    # expand use trees crudely: take the path prefix before { or ;
    for m in re.finditer(r'\b(crate|super|self)((?:::\w+)+)', src):
        base, rest = m.group(1), [x for x in m.group(2).split("::") if x]
        here = list(mod) if files[mod].endswith("mod.rs") or mod == () else list(mod[:-1]) + [mod[-1]]
        if base == "crate": path = rest
        elif base == "self": path = list(mod) + rest
        else:
            # super:: from a file: parent module
            path = list(mod[:-1]) + rest
            if rest and rest[0] == "super": path = list(mod[:-2]) + rest[1:]
        t = module_file(path)
        if t != mod: targets.add(t)
    # use super::{a, b} brace lists: resolve each name
    for m in re.finditer(r'\buse\s+(crate|super)::\{([^}]*)\}', src):
        base = m.group(1)
        for name in re.split(r'[,\s]+', m.group(2)):
            name = name.strip()
            if not name or not re.match(r'\w+$', name): continue
            path = (list(mod[:-1]) if base == "super" else []) + [name]
            t = module_file(path)
            if t != mod: targets.add(t)
    # relative uses of child modules: `use child::X`, `pub use child::X`
    for m in re.finditer(r'\buse\s+(\w+)::', src):
        name = m.group(1)
        if name in ("crate", "super", "self", "std", "core"): continue
        t = tuple(list(mod) + [name])
        if t in files: targets.add(t)
    # inline child::item paths in a module's own code
    for m in re.finditer(r'(?<![:\w])(\w+)::\w', src):
        t = tuple(list(mod) + [m.group(1)])
        if t in files and t != mod: targets.add(t)
    edges[mod] = targets
def layer(mod):
    return LAYER.get(mod[0] if mod else "lib", 99)
bad = 0
for a, ts in sorted(edges.items()):
    for b in sorted(ts):
        if a in edges.get(b, ()) and a < b:
            print("mutual:", "/".join(a) or "lib", "<->", "/".join(b) or "lib"); bad += 1
        if a and b and a[0] != b[0] and layer(b) > layer(a):
            print("upward:", "/".join(a), "->", "/".join(b)); bad += 1
print(f"layers: {len(edges)} files, {sum(len(t) for t in edges.values())} imports, {bad} problems")
sys.exit(1 if bad else 0)
