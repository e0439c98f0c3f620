"""Peer benchmark: the same MLP training in PyTorch (float64, autograd, torch.optim.SGD)."""

from common import limit_native_threads, median_run, parse_args, report

args = parse_args(__doc__)
limit_native_threads(args.threads)
import torch  # noqa: E402  (after the thread limit)

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
dtype = torch.float64
x_all = torch.randn(args.rows, args.widths[0], dtype=dtype)
y_all = torch.randn(args.rows, args.widths[-1], dtype=dtype)
layers = []
for i, o in zip(args.widths[:-1], args.widths[1:]):
    linear = torch.nn.Linear(i, o, dtype=dtype)
    torch.nn.init.normal_(linear.weight, 0.0, 0.1)
    torch.nn.init.zeros_(linear.bias)
    layers += [linear, torch.nn.Sigmoid()]
model = torch.nn.Sequential(*layers)
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)


def epoch():
    steps = 0
    for start in range(0, args.rows, args.batch_size):
        x, y = x_all[start:start + args.batch_size], y_all[start:start + args.batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = 0.5 * torch.mean((model(x) - y) ** 2)
        loss.backward()
        optimizer.step()
        steps += 1
    return steps


epoch()  # warm-up, not timed
steps, seconds, runs = median_run(args, lambda: sum(epoch() for _ in range(args.epochs)))
report("torch " + torch.__version__, args, steps, seconds, {"repetitions": runs})
