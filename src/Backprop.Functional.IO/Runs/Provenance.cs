namespace Backprop.Functional.Runs;

/// <summary>
/// Where a run came from, recorded in run.json beside its specification. None of it is
/// compared when a run is verified: it says where and how the run was made, not what it is.
/// </summary>
/// <param name="Tool">The tool and version that made the run.</param>
/// <param name="Started">When the run started (UTC, ISO 8601).</param>
/// <param name="Data">Where the data came from.</param>
/// <param name="DataSha256">The training data's fingerprint.</param>
/// <param name="Numerics">The numerics path (recorded in every state too).</param>
/// <param name="Vectors">The widest SIMD vectors the machine offered (results do not depend on it).</param>
/// <param name="Threads">The threads the math could use (results do not depend on it).</param>
public sealed record Provenance(string Tool, string Started, string Data, string DataSha256, string Numerics, string Vectors, int Threads)
{
    /// <summary>The provenance of <paramref name="run"/> starting at <paramref name="started"/> on this machine.</summary>
    public static Provenance Of(PreparedRun run, DateTime started, int threads) => new(
        $"backprop {typeof(Provenance).Assembly.GetName().Version?.ToString(3)}", started.ToUniversalTime().ToString("O"), run.DataDescription,
        run.DataFingerprint, IO.StateFile.Numerics, Functional.Numerics.Hardware.VectorWidth, threads);
}
