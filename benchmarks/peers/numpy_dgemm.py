"""Peer benchmark: numpy's own N×N·N×N float64 product (its BLAS dgemm), timed as `backprop bench --product N` times ours."""
import argparse
import json
import time

from common import limit_native_threads

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--product", type=int, default=1024, help="N")
parser.add_argument("--threads", type=int, default=1, help="BLAS threads (T)")
parser.add_argument("--json", action="store_true", help="print one JSON object")
args = parser.parse_args()
limit_native_threads(args.threads)
import numpy as np  # noqa: E402  (after the thread limit)

n = args.product
rng = np.random.default_rng(0)
a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
a @ b  # warm-up, not timed
times = []
began = time.perf_counter()
# At least five products and about a second, as the .NET side.
while len(times) < 5 or time.perf_counter() - began < 1:
    start = time.perf_counter()
    a @ b
    times.append(time.perf_counter() - start)
times.sort()
try:
    from threadpoolctl import threadpool_info
    kernel = ", ".join(f"{i['internal_api']} {i['version']} {i['architecture']}" for i in threadpool_info() if i["user_api"] == "blas")
except ImportError:
    kernel = "unknown BLAS"
flops = 2.0 * n ** 3
result = {"peer": f"numpy {np.__version__} ({kernel})", "product": n, "threads": args.threads, "repetitions": len(times),
          "median_seconds": times[len(times) // 2], "gflops": flops / times[len(times) // 2] / 1e9, "best_gflops": flops / times[0] / 1e9}
print(json.dumps(result) if args.json else f"{n}x{n} dgemm on {args.threads} thread(s): {result['gflops']:.1f} GFLOP/s (median of {len(times)}), {kernel}")
