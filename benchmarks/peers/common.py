"""Argument parsing and the JSON report shared by the peer benchmarks."""
import argparse
import json
import os
import statistics
import time


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--layers", default="10,32,2", help="every width, input first")
    parser.add_argument("--batch-size", type=int, default=1, help="rows per step (B)")
    parser.add_argument("--rows", type=int, default=1, help="rows in the data set (N)")
    parser.add_argument("--epochs", type=int, default=200, help="timed epochs (E), after one untimed warm-up epoch")
    parser.add_argument("--min-seconds", type=float, default=0.2,
                        help="run the E timed epochs again until this many seconds have been timed; the median run is reported")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / intra-op threads (T)")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    args.widths = [int(w) for w in args.layers.split(",")]
    return args


def limit_native_threads(threads):
    """Must run before numpy or torch is imported: BLAS pools read these once."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def median_run(args, run):
    """Times run() (the E timed epochs; returns their step count) again and again until
    args.min_seconds have been timed, as Backprop.Functional's bench does, and returns the steps of
    one run, the median run's seconds and how many runs were timed. A run of 200 one-row steps
    lasts milliseconds, shorter than the machine's own hiccups. Unlike bench, which starts every
    run from the same state, a peer's runs continue training: what a step costs does not depend on
    the values."""
    times, timed = [], 0.0
    while True:
        began = time.perf_counter()
        steps = run()
        times.append(time.perf_counter() - began)
        timed += times[-1]
        if timed >= args.min_seconds or len(times) >= 1000:
            return steps, statistics.median(times), len(times)


def report(name, args, steps, seconds, extra=None):
    result = {
        "peer": name,
        "layers": args.layers,
        "batch_size": args.batch_size,
        "rows": args.rows,
        "epochs": args.epochs,
        "threads": args.threads,
        "steps": steps,
        "seconds": seconds,
        "repetitions": (extra or {}).get("repetitions", 1),
        "us_per_step": seconds / steps * 1e6,
        # Every timed epoch sees every row once.
        "samples_per_second": args.epochs * args.rows / seconds,
    }
    result.update(extra or {})
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{name}: {steps} steps in {seconds:.3f} s = {result['us_per_step']:.2f} us/step, "
              f"{result['samples_per_second']:.0f} samples/s")
