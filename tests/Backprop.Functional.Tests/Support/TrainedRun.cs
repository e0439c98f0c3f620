namespace Backprop.Functional.Tests.Support;

/// <summary>A small run trained into a fresh temporary directory for a test that reads or tampers with it.</summary>
public sealed class TrainedRun : IDisposable
{
    /// <summary>9 rows, a 3-4-2 sigmoid network, momentum, batches of 4, 6 epochs, every state kept.</summary>
    public static readonly RunCase Small = new(9, 3, 2, [4], "sigmoid", "momentum", 4, 6, 1, 3);

    /// <summary>Trains <paramref name="c"/> (default <see cref="Small"/>) with <paramref name="extra"/> options into Dir/run.</summary>
    public TrainedRun(RunCase? c = null, params string[] extra)
    {
        Args = [.. (c ?? Small).TrainArguments(Dir.Path), .. extra];
        var train = CliRun.Of([.. Args, "--out", Path]);
        Assert.True(train.ExitCode == 0, train.Error);
    }

    /// <summary>The temporary directory (the data file is data.csv inside it).</summary>
    public TempDirectory Dir { get; } = new();

    /// <summary>The run directory.</summary>
    public string Path => Dir.File("run");

    /// <summary>The train arguments used (without --out).</summary>
    public string[] Args { get; }

    /// <summary>The path of state <paramref name="epoch"/>.</summary>
    public string State(int epoch) => System.IO.Path.Combine(Path, "states", RunDirectory.StateName(epoch));

    /// <summary>The run read back through the library.</summary>
    public OpenedRun Open() => (OpenedRun)OpenedRun.Open(Path, RunSources.AsRecorded);

    /// <inheritdoc/>
    public void Dispose() => Dir.Dispose();
}
