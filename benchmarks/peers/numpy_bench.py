"""Peer benchmark: the same MLP training as Backprop.Functional, batched matmuls in numpy (float64, its BLAS)."""

from common import limit_native_threads, median_run, parse_args, report

args = parse_args(__doc__)
limit_native_threads(args.threads)
import numpy as np  # noqa: E402  (after the thread limit)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


rng = np.random.default_rng(args.seed)
x_all = rng.standard_normal((args.rows, args.widths[0]))
y_all = rng.standard_normal((args.rows, args.widths[-1]))
weights = [rng.normal(0.0, 0.1, (o, i)) for i, o in zip(args.widths[:-1], args.widths[1:])]
biases = [np.zeros(o) for o in args.widths[1:]]


def step(x, y):
    hs = [x]
    for w, b in zip(weights, biases):
        hs.append(sigmoid(hs[-1] @ w.T + b))
    h = hs[-1]
    loss = 0.5 * np.mean((h - y) ** 2)
    # d loss / d h of 0.5·mean over every element, then through each sigmoid.
    dh = (h - y) / h.size
    for i in range(len(weights) - 1, -1, -1):
        out = hs[i + 1]
        delta = dh * out * (1.0 - out)
        dw = delta.T @ hs[i]
        db = delta.sum(axis=0)
        if i > 0:
            dh = delta @ weights[i]
        weights[i] -= args.lr * dw
        biases[i] -= args.lr * db
    return loss


def epoch():
    steps = 0
    for start in range(0, args.rows, args.batch_size):
        step(x_all[start:start + args.batch_size], y_all[start:start + args.batch_size])
        steps += 1
    return steps


epoch()  # warm-up, not timed
steps, seconds, runs = median_run(args, lambda: sum(epoch() for _ in range(args.epochs)))
report("numpy " + np.__version__, args, steps, seconds, {"repetitions": runs})
