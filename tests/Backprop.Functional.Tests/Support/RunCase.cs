using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A small training run described by its command-line options and a generated CSV data set,
/// for properties about run directories (replay, resume, round trips).
/// </summary>
public sealed record RunCase(int Rows, int Features, int Outputs, int[] Hidden, string Activation, string Optimizer, int? BatchSize, int Epochs, int KeepEvery, ulong Seed, double? ClipNorm = null)
{
    /// <summary>Writes the data set into <paramref name="directory"/> and returns the train arguments (without --out).</summary>
    public string[] TrainArguments(string directory)
    {
        var rng = Rng.FromSeed(Seed ^ 0xDA7A);
        var csv = new StringBuilder(string.Join(",", Enumerable.Range(0, Features).Select(i => $"x{i}").Concat(Enumerable.Range(0, Outputs).Select(i => $"y{i}"))) + "\n");
        for (var r = 0; r < Rows; r++)
        {
            (var values, rng) = rng.Normals(Features + Outputs, 0, 1);
            csv.Append(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }
        var path = Path.Combine(directory, "data.csv");
        File.WriteAllText(path, csv.ToString());
        var args = new List<string>
        {
            "train", "--data", path, "--target", string.Join(",", Enumerable.Range(0, Outputs).Select(i => $"y{i}")),
            "--layers", string.Join(",", new[] { Features }.Concat(Hidden).Append(Outputs)),
            "--activation", Activation, "--output-activation", "identity", "--optimizer", Optimizer,
            // Rates no generated run diverges at (momentum at 0.05 once reached +Inf in 20 one-row batches).
            "--lr", Optimizer switch { "sgd" => "0.05", _ => "0.01" },
            "--epochs", Epochs.ToString(CultureInfo.InvariantCulture), "--keep-every", KeepEvery.ToString(CultureInfo.InvariantCulture),
            "--seed", Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (BatchSize is { } b) args.AddRange(["--batch-size", b.ToString(CultureInfo.InvariantCulture)]);
        if (ClipNorm is { } clip) args.AddRange(["--clip-norm", clip.ToString("R", CultureInfo.InvariantCulture)]);
        return [.. args];
    }

    /// <summary>Runs of 2–12 rows, 0–2 hidden layers, every optimizer, with and without mini-batches and clipping, up to 20 epochs.</summary>
    public static Arbitrary<RunCase> Arbitrary() => Arb.From(
        from rows in Gen.Choose(2, 12)
        from features in Gen.Choose(1, 4)
        from outputs in Gen.Choose(1, 3)
        from depth in Gen.Choose(0, 2)
        from hidden in Gen.ArrayOf(Gen.Choose(1, 6), depth)
        from activation in Gen.Elements("sigmoid", "tanh", "relu", "leaky-relu", "softplus")
        from optimizer in Gen.Elements("sgd", "momentum", "nesterov", "adam", "adamw", "amsgrad")
        from clip in Gen.Elements<double?>(null, null, null, 0.05)
        from batch in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 5).Select(b => (int?)b))
        from epochs in Gen.Choose(1, 20)
        from keep in Gen.Choose(1, 4)
        from seed in Gen.Choose(0, 10_000)
        select new RunCase(rows, features, outputs, hidden, activation, optimizer, batch, epochs, keep, (ulong)seed, clip));
}
