using System.Runtime.InteropServices;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>SIGINT and SIGTERM finish the current epoch, save it, exit 130/143; --resume continues to the same bits.</summary>
public sealed partial class InterruptionTests
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Whether this process ignores <paramref name="signal"/>: bit signal − 1 of the SigIgn mask in /proc/self/status.</summary>
    private static bool IgnoredAtStart(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && ((Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) >> (signal - 1)) & 1) == 1;
    }

    [Theory]
    [InlineData(2, 130)]
    [InlineData(15, 143)]
    public void A_signal_saves_the_current_epoch_and_resume_continues_bit_identically(int signal, int expectedExit)
    {
        // A process started with a signal ignored (a script's `cmd &` ignores SIGINT) passes that on to its
        // children, and the CLI, as Unix programs do, leaves an inherited SIGINT ignored: the child would train
        // to the end and exit 0. Say so rather than fail on the exit code.
        Assert.False(IgnoredAtStart(signal), $"signal {signal} is ignored by this test process (started in the background by a script?), so the CLI it starts ignores it too: run the tests in the foreground");
        using var dir = new TempDirectory();
        // 1200 epochs: states are written behind the training, so the run must outlast the time
        // between the fifth state on disk and the signal by a wide margin (at 400 it once finished first).
        var c = new RunCase(120, 6, 2, [16], "tanh", "momentum", 8, 1200, 1, 21);
        var args = c.TrainArguments(dir.Path);
        var whole = dir.File("whole");
        Assert.Equal(0, CliRun.Of([.. args, "--out", whole]).ExitCode);

        var stopped = dir.File("stopped");
        using (var child = ChildProcess.Start([.. args, "--out", stopped]))
        {
            var states = Path.Combine(stopped, "states");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !child.Process.HasExited && !(Directory.Exists(states) && Directory.GetFiles(states).Length >= 5)) Thread.Sleep(20);
            Assert.Equal(0, Kill(child.Id, signal));
            var finished = child.Finish(TimeSpan.FromSeconds(60));
            Assert.Equal(expectedExit, finished.ExitCode);
            Assert.Contains("interrupted: stopped after epoch", finished.Error);
        }
        var run = (RunDirectory)RunDirectory.Open(stopped);
        var last = run.List().Epochs[^1];
        Assert.InRange(last, 4, 1199);
        Assert.Equal(last, File.ReadAllLines(run.MetricsFile).Length - 1);

        Assert.Equal(0, CliRun.Of("train", "--resume", stopped).ExitCode);
        RunAssert.SameStates(whole, stopped);
    }
}
