using Backprop.Functional;
using Backprop.Functional.Numerics;

namespace Backprop.Benchmarks;

/// <summary>A network shape and batch size to train: sigmoid everywhere, mse, plain SGD (lr 0.01).</summary>
public sealed record Workload(string Name, int Batch, int[] Widths)
{
    public override string ToString() => Name;

    /// <summary>A network with weights ~ N(0, 0.1²) and one batch X ~ N(0, 1), Y ~ N(0, 1), all from one seed.</summary>
    public (Network Network, Dataset Batch) Build()
    {
        var rng = Rng.FromSeed(2024);
        var (network, afterNetwork) = ((Network, Rng))NetworkFactory.Create(Widths, Sigmoid.Instance, Sigmoid.Instance, new NormalInitializer(0.1), rng);
        var (x, afterX) = afterNetwork.Normals(Batch * Widths[0], 0, 1);
        var (y, _) = afterX.Normals(Batch * Widths[^1], 0, 1);
        return (network, new Dataset(Dense.FromRowMajor(Batch, Widths[0], x), Dense.FromRowMajor(Batch, Widths[^1], y)));
    }
}

/// <summary>The three workloads the kernel is tuned for.</summary>
public static class Workloads
{
    /// <summary>The seed notebook: one sample through 10-32×6-2.</summary>
    public static readonly Workload Seed = new("seed", 1, [10, 32, 32, 32, 32, 32, 32, 2]);

    /// <summary>A small MLP on 32-row batches.</summary>
    public static readonly Workload Small = new("small", 32, [64, 128, 64, 10]);

    /// <summary>An MNIST-sized MLP on 64-row batches.</summary>
    public static readonly Workload Wide = new("wide", 64, [784, 256, 128, 10]);

    public static IEnumerable<Workload> All => [Seed, Small, Wide];
}
