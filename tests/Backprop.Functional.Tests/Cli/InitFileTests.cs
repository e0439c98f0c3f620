using System.Text.Json.Nodes;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>A run started from --init records what it really trains with: the file's activations and the file's SHA-256.</summary>
public sealed class InitFileTests
{
    private static (TrainedRun Source, string Init) TanhWeights()
    {
        var source = new TrainedRun(TrainedRun.Small with { Activation = "tanh" });
        return (source, source.State(6));
    }

    [Fact]
    public void Without_activation_flags_a_run_takes_the_files_activations_and_replays_resumes_and_verifies()
    {
        var (source, init) = TanhWeights();
        using var _ = source;
        var run = source.Dir.File("from-init");
        var train = CliRun.Of("train", "--data", source.Dir.File("data.csv"), "--target", "y0,y1", "--init", init, "--epochs", "3", "--out", run);
        Assert.True(train.ExitCode == 0, train.Error);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!;
        Assert.Equal("tanh", spec["activation"]!.GetValue<string>());
        Assert.Equal("identity", spec["output-activation"]!.GetValue<string>());
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(init)), spec["init-sha256"]!.GetValue<string>());
        Assert.Equal(0, CliRun.Of("train", "--resume", run, "--epochs", "5").ExitCode);
        var verify = CliRun.Of("verify", run);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void Asking_for_other_activations_than_the_files_is_refused()
    {
        var (source, init) = TanhWeights();
        using var _ = source;
        CliRun.Of("train", "--data", source.Dir.File("data.csv"), "--target", "y0,y1", "--init", init, "--activation", "relu", "--epochs", "1")
            .AssertRefused(init, "'tanh'", "--activation asks for relu");
        CliRun.Of("train", "--data", source.Dir.File("data.csv"), "--target", "y0,y1", "--init", init, "--output-activation", "sigmoid", "--epochs", "1")
            .AssertRefused(init, "'identity'", "--output-activation asks for sigmoid");
    }

    [Fact]
    public void A_changed_init_file_is_refused_and_a_moved_one_can_be_named()
    {
        var (source, init) = TanhWeights();
        using var _ = source;
        var copy = source.Dir.File("init.safetensors");
        File.Copy(init, copy);
        var run = source.Dir.File("from-init");
        Assert.Equal(0, CliRun.Of("train", "--data", source.Dir.File("data.csv"), "--target", "y0,y1", "--init", copy, "--epochs", "2", "--out", run).ExitCode);

        var moved = source.Dir.File("moved.safetensors");
        File.Move(copy, moved);
        CliRun.Of("verify", run).AssertRefused("init.safetensors", "no such file");
        Assert.Equal(0, CliRun.Of("verify", run, "--init", moved).ExitCode);

        File.Copy(source.State(5), moved, overwrite: true);
        CliRun.Of("verify", run, "--init", moved).AssertRefused("moved.safetensors", "the file changed since");
    }
}
