using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A small recipe for a network, a batch and its targets. Properties take recipes, not
/// matrices, so a failure shrinks to a readable case (fewer layers, narrower, smaller batch)
/// and every number is regenerated from <see cref="Seed"/>.
/// </summary>
public sealed record NetworkCase(int[] Widths, string[] Activations, int Batch, ulong Seed, string LossName = "mse", double LogitScale = 1)
{
    /// <summary>The network: weights ~ U(−1, 1), biases ~ U(−0.5, 0.5).</summary>
    public Network Network => Build().Network;

    /// <summary>Inputs ~ N(0, 1) and targets suited to the loss.</summary>
    public Dataset Data => Build().Data;

    /// <summary>The loss by name.</summary>
    public Loss Loss => (Loss)Functional.Loss.Parse(LossName);

    /// <inheritdoc/>
    public override string ToString() =>
        $"widths [{string.Join(",", Widths)}], activations [{string.Join(",", Activations)}], batch {Batch}, seed {Seed}, loss {LossName}" +
        (LogitScale == 1 ? "" : $", last layer scaled by {LogitScale}");

    private (Network Network, Dataset Data) Build()
    {
        var rng = Rng.FromSeed(Seed);
        var layers = new List<Layer>();
        for (var i = 0; i + 1 < Widths.Length; i++)
        {
            var scale = i + 2 == Widths.Length ? LogitScale : 1;
            (var w, rng) = rng.Uniforms(Widths[i] * Widths[i + 1], -scale, scale);
            (var b, rng) = rng.Uniforms(Widths[i + 1], -0.5 * scale, 0.5 * scale);
            layers.Add(new Layer(Dense.FromRowMajor(Widths[i + 1], Widths[i], w), Dense.Vector(b), (Activation)Activation.Parse(Activations[i])));
        }
        var network = (Network)Network.Create(layers);
        (var x, rng) = rng.Normals(Batch * Widths[0], 0, 1);
        var outputs = Widths[^1];
        double[] y;
        switch (LossName)
        {
            case "cross-entropy":
                y = new double[Batch * outputs];
                for (var r = 0; r < Batch; r++)
                {
                    (var k, rng) = rng.NextInt(outputs);
                    y[r * outputs + k] = 1;
                }
                break;
            case "binary-cross-entropy":
                (y, rng) = rng.Uniforms(Batch * outputs, 0, 1);
                break;
            default:
                (y, _) = rng.Normals(Batch * outputs, 0, 1);
                break;
        }
        return (network, new Dataset(Dense.FromRowMajor(Batch, Widths[0], x), Dense.FromRowMajor(Batch, outputs, y)));
    }

    /// <summary>
    /// Networks of 1–4 layers, widths 1–8, activations drawn from <paramref name="activations"/>,
    /// batches of 1–5; shrinking drops layers, narrows widths and shrinks the batch.
    /// </summary>
    public static Arbitrary<NetworkCase> Arbitrary(string[] activations, string loss = "mse", string? outputActivation = null, int minOutputs = 1, double logitScale = 1) =>
        Arb.From(
            from layers in Gen.Choose(1, 4)
            from widths in Gen.ArrayOf(Gen.Choose(1, 8), layers + 1)
            from names in Gen.ArrayOf(Gen.Elements(activations), layers)
            from batch in Gen.Choose(1, 5)
            from seed in Gen.Choose(0, int.MaxValue)
            let outputs = Math.Max(widths[^1], minOutputs)
            select new NetworkCase(
                [.. widths[..^1], outputs],
                outputActivation is null ? names : [.. names[..^1], outputActivation],
                batch, (ulong)seed, loss, logitScale),
            c => Shrink(c, minOutputs));

    private static IEnumerable<NetworkCase> Shrink(NetworkCase c, int minOutputs)
    {
        if (c.Activations.Length > 1)
        {
            yield return c with { Widths = c.Widths[1..], Activations = c.Activations[1..] };
            yield return c with { Widths = [.. c.Widths[..^2], c.Widths[^1]], Activations = [.. c.Activations[..^2], c.Activations[^1]] };
        }
        if (c.Batch > 1) yield return c with { Batch = 1 };
        for (var i = 0; i < c.Widths.Length; i++)
        {
            var floor = i == c.Widths.Length - 1 ? minOutputs : 1;
            if (c.Widths[i] > floor)
            {
                var narrower = (int[])c.Widths.Clone();
                narrower[i] = Math.Max(floor, c.Widths[i] / 2);
                yield return c with { Widths = narrower };
            }
        }
    }
}
