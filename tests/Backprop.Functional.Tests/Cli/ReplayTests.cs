using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Cli;

/// <summary>Laws of run directories: every saved epoch replays to the same bits, whatever the thread count or vector width.</summary>
public sealed class ReplayTests
{
    public static class Runs
    {
        public static Arbitrary<RunCase> Cases() => RunCase.Arbitrary();
    }

    private static string Train(RunCase c, TempDirectory dir)
    {
        var output = dir.File("run");
        var run = CliRun.Of([.. c.TrainArguments(dir.Path), "--out", output]);
        Assert.True(run.ExitCode == 0, run.Error);
        return output;
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(Runs)])]
    public Property Replaying_from_any_saved_epoch_reproduces_every_later_state_with_any_thread_count(RunCase c, int pick, int threadPick)
    {
        using var dir = new TempDirectory();
        var run = Train(c, dir);
        var from = Math.Abs(pick % (c.Epochs + 1));
        var threads = 1 + Math.Abs(threadPick % 3);
        var replay = CliRun.Of("replay", run, "--from", from.ToString(), "--threads", threads.ToString());
        // The header names the context the replay ran in: the threads --threads asked for.
        return (replay.ExitCode == 0 && replay.Out.Contains($", {threads} thread(s)") && replay.Out.Contains("all identical"))
            .Label($"replay --from {from} --threads {threads}:\n{replay.Out}{replay.Error}");
    }

    [Property(MaxTest = 25, Arbitrary = [typeof(Runs)])]
    public Property Every_saved_state_decodes_and_re_encodes_to_the_same_bytes(RunCase c)
    {
        using var dir = new TempDirectory();
        var run = (RunDirectory)RunDirectory.Open(Train(c, dir));
        var failures = new List<string>();
        foreach (var epoch in run.List().Epochs)
        {
            var bytes = File.ReadAllBytes(run.StatePath(epoch));
            var checkpoint = (Checkpoint)StateFile.Decode(bytes, run.StatePath(epoch));
            if (!StateFile.Encode(checkpoint).AsSpan().SequenceEqual(bytes)) failures.Add($"epoch {epoch} re-encodes differently");
            if (checkpoint.State.Epoch != epoch) failures.Add($"epoch {epoch} holds epoch {checkpoint.State.Epoch}");
        }
        return (failures.Count == 0).Label(string.Join("; ", failures));
    }

    [Fact]
    public void Resuming_is_bit_identical_to_a_run_that_was_never_interrupted()
    {
        using var dir = new TempDirectory();
        var c = new RunCase(10, 3, 2, [5], "tanh", "adam", 3, 12, 1, 5);
        var args = c.TrainArguments(dir.Path);
        var whole = dir.File("whole");
        Assert.Equal(0, CliRun.Of([.. args, "--out", whole]).ExitCode);
        var parts = dir.File("parts");
        Assert.Equal(0, CliRun.Of([.. args.Select(a => a == "12" ? "5" : a), "--out", parts]).ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--resume", parts, "--epochs", "9", "--threads", "1").ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--resume", parts, "--epochs", "12").ExitCode);
        RunAssert.SameStates(whole, parts);
    }

    [Fact]
    public void An_amsgrad_run_with_clipping_keeps_three_slots_replays_and_verifies()
    {
        using var dir = new TempDirectory();
        var run = Train(new RunCase(12, 3, 2, [6], "tanh", "amsgrad", 4, 5, 1, 3, ClipNorm: 0.05), dir);
        var last = (Checkpoint)StateFile.Read(Path.Combine(run, "states", "000005.safetensors"));
        Assert.Equal(["m", "v", "v_max"], last.State.Optimizer.Slots.Keys);
        Assert.Contains("\"clip-norm\": 0.05", File.ReadAllText(Path.Combine(run, "run.json")));
        var replay = CliRun.Of("replay", run, "--from", "0");
        Assert.True(replay.ExitCode == 0 && replay.Out.Contains("all identical"), replay.Out + replay.Error);
        var verify = CliRun.Of("verify", run);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void A_run_whose_products_are_split_over_two_threads_has_the_bits_of_one_thread()
    {
        // Batches of 128 rows through 128-wide layers: 128·128·128 = 2^21 multiply-adds per
        // product, so with two threads the products really are cut into strips.
        Assert.True(128L * 128 * 128 >= Functional.Numerics.GemmKernel.ParallelThreshold);
        using var dir = new TempDirectory();
        var c = new RunCase(300, 128, 10, [128, 96], "tanh", "adam", 128, 3, 1, 21);
        var args = c.TrainArguments(dir.Path);
        var (one, two) = (dir.File("one"), dir.File("two"));
        Assert.Equal(0, CliRun.Of([.. args, "--threads", "2", "--out", two]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. args, "--threads", "1", "--out", one]).ExitCode);
        RunAssert.SameStates(one, two);
        foreach (var threads in new[] { "1", "2" })
        {
            var replay = CliRun.Of("replay", two, "--from", "0", "--threads", threads);
            Assert.True(replay.ExitCode == 0 && replay.Out.Contains($", {threads} thread(s)") && replay.Out.Contains("all identical"), $"replay --threads {threads}:\n{replay.Out}{replay.Error}");
        }
    }

    [Property(MaxTest = 4, Arbitrary = [typeof(Runs)])]
    public Property A_replay_acting_as_an_avx2_only_machine_matches_the_saved_states(RunCase c)
    {
        // A wide first layer makes the products big enough for the blocked, multi-threaded kernel.
        // Forty features at the generated rates can diverge with one-row batches (lr·‖x‖² > 2):
        // clipping bounds every step, so the run always trains all its epochs.
        using var dir = new TempDirectory();
        var run = Train(c with { Features = 40, Hidden = [.. c.Hidden, 48], ClipNorm = 1.0 }, dir);
        // .NET 10 ignores the older DOTNET_EnableAVX512F=0 (the wording); DOTNET_EnableAVX512=0 is its switch.
        // Both are set, and the replay's own header proves which vectors ran.
        var avx2Only = new Dictionary<string, string> { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" };
        var replay = ChildProcess.Run(["replay", run, "--from", "0", "--threads", "2"], avx2Only);
        return (replay.ExitCode == 0 && replay.Out.Contains("on Vector256 hardware") && replay.Out.Contains("all identical"))
            .Label($"AVX2-only replay:\n{replay.Out}{replay.Error}");
    }
}
