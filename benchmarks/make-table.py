"""Writes the benchmark table: ROWS rows of COLS standard-normal features x0.. and a target y
(a fixed linear map of them plus noise), as CSV with numpy's %.6g, generated 100,000 rows at a
time with a fixed seed, so every run of a script measures the same file.

    python3 benchmarks/make-table.py PATH ROWS COLS
"""
import sys

import numpy as np

path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(16)
with open(path, "w") as f:
    f.write(",".join([f"x{i}" for i in range(cols)] + ["y"]) + "\n")
    for start in range(0, rows, 100_000):
        n = min(100_000, rows - start)
        x = rng.normal(size=(n, cols))
        y = x @ np.linspace(-1, 1, cols) + rng.normal(scale=0.1, size=n)
        np.savetxt(f, np.column_stack([x, y]), fmt="%.6g", delimiter=",")
