namespace Backprop.Functional.Tests.Support;

/// <summary>
/// Two small standardized runs with --out, trained once per test class: an iris classification
/// (text labels, three classes) and an iris regression of petal_width on three other columns.
/// Standardization is what a plain weights file used to lose, so both runs use it.
/// </summary>
public sealed class StandardizedRuns : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Trains both runs.</summary>
    public StandardizedRuns()
    {
        Train("classification", "--dataset", "iris", "--layers", "4,6,3", "--activation", "tanh");
        Train("regression", "--dataset", "iris", "--target", "petal_width", "--features", "sepal_length,sepal_width,petal_length",
            "--layers", "3,6,1", "--activation", "tanh", "--output-activation", "identity");
    }

    /// <summary>The epochs each run trains (its last state).</summary>
    public const int Epochs = 8;

    /// <summary>The run names, for theories.</summary>
    public static TheoryData<string> Names => new() { "classification", "regression" };

    /// <summary>A run's directory.</summary>
    public string Run(string name) => directory.File(name);

    /// <summary>A run's final.safetensors.</summary>
    public string Final(string name) => Path.Combine(Run(name), "final.safetensors");

    /// <summary>A run's last state.</summary>
    public string LastState(string name) => Path.Combine(Run(name), "states", $"{Epochs:D6}.safetensors");

    /// <inheritdoc/>
    public void Dispose() => directory.Dispose();

    private void Train(string name, params string[] args)
    {
        var run = CliRun.Of(["train", .. args, "--optimizer", "adam", "--lr", "0.02", "--batch-size", "16", "--epochs", $"{Epochs}",
            "--standardize", "--seed", "5", "--keep-every", "3", "--out", Run(name)]);
        Assert.True(run.ExitCode == 0, run.Error);
    }
}
