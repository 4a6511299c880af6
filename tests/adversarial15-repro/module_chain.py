#!/usr/bin/env python3
"""A chain of N Bicep modules (main -> m1 -> ... -> mN) that deploys nothing the rules judge.

Usage: module_chain.py N DIR, then `pgguard scan DIR --format json --threads 1`.

The relevance filter skips the root, so no module is reached by an evaluation, and each of the
N modules is then tried as a root of its own ("unreached" in scan/mod.rs): each computes its
module closure afresh (module paths re-resolved and canonicalised with a getcwd per lookup,
`Vec::contains` for membership, `has_cycle` finding indices with `position`), so the scan is
about cubic in N although nothing is evaluated. Measured on the release build of 1258391
(2 cores, --threads 1): N=1000 1.5 s, N=2000 7.9 s (parsing 2,000 two-line files takes
well under 0.1 s). After 5930ec7 (calls and broken references read once per file, hash
lookups): N=1000 0.32 s, N=2000 0.69 s.
"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "main.bicep"), "w") as f:
    f.write("module m 'm1.bicep' = {\n  name: 'm1'\n}\n")
for i in range(1, n):
    with open(os.path.join(out, f"m{i}.bicep"), "w") as f:
        f.write(f"module m 'm{i + 1}.bicep' = {{\n  name: 'm{i + 1}'\n}}\n")
with open(os.path.join(out, f"m{n}.bicep"), "w") as f:
    f.write("output x string = 'y'\n")
