namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A small classification run with a validation split, trained once per test class: 7 epochs
/// of a 4-5-3 network on iris, every second state kept (so some epochs are not).
/// </summary>
public sealed class IrisRun : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Trains the run.</summary>
    public IrisRun()
    {
        var train = CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.05",
            "--batch-size", "32", "--epochs", "7", "--keep-every", "2", "--standardize", "--validation-split", "0.2", "--out", Path);
        Assert.True(train.ExitCode == 0, train.Error);
    }

    /// <summary>The run directory.</summary>
    public string Path => directory.File("iris-run");

    /// <summary>The states kept: every second one and the last.</summary>
    public static int[] Kept => [0, 2, 4, 6, 7];

    /// <summary>A copy of the run inside <paramref name="dir"/>, for tests that write into it or change it.</summary>
    public string CopyTo(TempDirectory dir) => dir.CopyOf(Path, "iris-run-copy");

    /// <inheritdoc/>
    public void Dispose() => directory.Dispose();
}
