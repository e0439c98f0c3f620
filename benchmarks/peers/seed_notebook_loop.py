"""Times the seed notebook's own training loop (its per-sample classes, prints removed).

The classes below are copied from shared/seed/000_4099b8f2c21e8cf5.txt with only the print
calls and comments taken out; the workload is the notebook's: one sample, 10-32x6-2 sigmoid,
alpha 0.01, one untimed warm-up epoch, then E timed epochs (each one gradient step), run again
until --min-seconds have been timed (the median run is reported).
"""
from common import limit_native_threads, median_run, parse_args, report

args = parse_args(__doc__)
limit_native_threads(args.threads)
import numpy as np  # noqa: E402


def _t(x):
    return np.transpose(x)


def _m(A, B):
    return np.matmul(A, B)


class Sigmoid:
    def __init__(self):
        self.last_o = 1

    def __call__(self, x):
        self.last_o = 1 / (1.0 + np.exp(-x))
        return self.last_o

    def grad(self):
        return self.last_o * (1 - self.last_o)


class MeanSquaredError:
    def __init__(self):
        self.dh = 1
        self.last_diff = 1

    def __call__(self, h, y):
        self.last_diff = h - y
        return 1 / 2 * np.mean(np.square(h - y))

    def grad(self):
        return self.last_diff


class Neuron:
    def __init__(self, W, b, a_obj):
        self.W = W
        self.b = b
        self.a = a_obj()
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.dh = np.zeros_like(_t(self.W))
        self.last_x = np.zeros((self.W.shape[0]))
        self.last_h = np.zeros((self.W.shape[1]))

    def __call__(self, x):
        self.last_x = x
        self.last_h = _m(_t(self.W), x) + self.b
        return self.a(self.last_h)

    def grad(self):
        return self.W * self.a.grad()

    def grad_W(self, dh):
        grad = np.ones_like(self.W)
        grad_a = self.a.grad()
        for j in range(grad.shape[1]):
            grad[:, j] = dh[j] * grad_a[j] * self.last_x
        return grad

    def grad_b(self, dh):
        return dh * self.a.grad()


class DNN:
    def __init__(self, hidden_depth, num_neuron, input, output, activation=Sigmoid):
        def init_var(i, o):
            return np.random.normal(0.0, 0.01, (i, o)), np.zeros((o,))

        self.sequence = list()
        W, b = init_var(input, num_neuron)
        self.sequence.append(Neuron(W, b, activation))
        for index in range(hidden_depth):
            W, b = init_var(num_neuron, num_neuron)
            self.sequence.append(Neuron(W, b, activation))
        W, b = init_var(num_neuron, output)
        self.sequence.append(Neuron(W, b, activation))

    def __call__(self, x):
        for layer in self.sequence:
            x = layer(x)
        return x

    def calc_gradient(self, loss_obj):
        loss_obj.dh = loss_obj.grad()
        self.sequence.append(loss_obj)
        for i in range(len(self.sequence) - 1, 0, -1):
            l1 = self.sequence[i]
            l0 = self.sequence[i - 1]
            l0.dh = _m(l0.grad(), l1.dh)
            l0.dW = l0.grad_W(l1.dh)
            l0.db = l0.grad_b(l1.dh)
        self.sequence.remove(loss_obj)


def gradient_descent(network, x, y, loss_obj, alpha=0.01):
    loss = loss_obj(network(x), y)
    network.calc_gradient(loss_obj)
    for layer in network.sequence:
        layer.W += -alpha * layer.dW
        layer.b += -alpha * layer.db
    return loss


np.random.seed(args.seed)
x = np.random.normal(0.0, 1.0, (10,))
y = np.random.normal(0.0, 1.0, (2,))
dnn = DNN(hidden_depth=5, num_neuron=32, input=10, output=2, activation=Sigmoid)
loss_obj = MeanSquaredError()

gradient_descent(dnn, x, y, loss_obj, alpha=args.lr)  # warm-up epoch, not timed
losses = []


def run():
    for _ in range(args.epochs):
        losses.append(gradient_descent(dnn, x, y, loss_obj, alpha=args.lr))
    return args.epochs


steps, seconds, runs = median_run(args, run)
args.layers, args.batch_size, args.rows = "10,32,32,32,32,32,32,2", 1, 1
# The loss after the first run's E epochs: what `backprop bench` on the same workload reports.
report("seed notebook loop (numpy " + np.__version__ + ")", args, steps, seconds,
       {"final_loss": float(losses[args.epochs - 1]), "repetitions": runs})
