using System.Text.Json.Nodes;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// The data defaults change nothing for a run that does not use them: the seed demo, and data runs
/// with every option given, write the very bytes they wrote before the defaults existed (SHA-256s
/// computed on the commit before them, 993a574), and run directories made then still verify.
/// </summary>
public sealed class UnchangedRunsTests
{
    /// <summary>The runs, the options that make the defaults step aside, and the SHA-256s of state 0, the last state and final.safetensors before them.</summary>
    public static TheoryData<string, string, string, string, string> Runs => new()
    {
        {
            "the seed demo", "", "",
            "16f1e9ee767c0ceaa0bea7d25ecd7a690ed5f714e07aecd68a4caea27363e1a7 f43f69147f26a7c40c723d4be9fcdd4d960805ae60ac83cd8ec261805bae3f27",
            "ef1755a0d17319a38b8181b0fdfa7fc4e50f941eb935e5fcb5be7192786ed831"
        },
        {
            // The README's iris recipe: the init scheme was the seed's normal then, the only option it did not give.
            "iris classification", "--dataset iris --layers 4,16,3 --activation tanh --optimizer adam --lr 0.01 --batch-size 16 --epochs 60 --standardize --test-split 0.2 --seed 1",
            "--init-scheme normal",
            "6a7e47ef9911e0daac672bb7ef4b45c2aca26d09d63ea9c43a8c1d11997aa8db cc71314776bea352e9ee38f003f1c6f7410c035dc9f1943605d35e211956c414",
            "09f9b4cf0ba1b5486f323d66c6972faae56c7f6041510a9dd879c368a623fc20"
        },
        {
            "iris regression", "--dataset iris --target petal_width --features sepal_length,sepal_width,petal_length --layers 3,16,1 --activation tanh " +
                               "--output-activation identity --optimizer adam --lr 0.01 --batch-size 16 --epochs 100 --standardize --test-split 0.2 --seed 3",
            "--init-scheme normal --no-standardize-target",
            "cbe75ef928d30418f98d28d598de287b9c0cfa2c580d85caa7b03223553d5693 1c1188759638a6207c9b0b43ac2c53ff0bfced6cb88759989943f5df4b9448ec",
            "ad242d2157bf8ed292fdfc243385bb761427ee8e968b1fb7b2cc3a406e5958fd"
        },
        {
            "full-batch sgd", "--dataset iris --layers 4,8,3 --activation sigmoid --epochs 20 --seed 2",
            "--optimizer sgd --batch-size all --init-scheme normal --no-standardize",
            "4554a6509bac8a09af62da485a5fbc968d4c78775d4d1ad26a70e2c5c2b682b9 021b527d8910cc0f9f88c1a9122d5943586ae0fcf0365f69d889c7cbf6c63151",
            "363ca3b7c59b22e03ad760373461afc40886d16781e1fc3e5cd92a488e82a402"
        },
    };

    private static string[] Split(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_run_with_every_option_given_writes_the_states_it_wrote_before_the_defaults(string name, string then, string now, string states, string final)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of(["train", .. Split(then), .. Split(now), "--out", dir.File("run")]);
        Assert.True(run.ExitCode == 0, run.Error);
        var directory = (RunDirectory)RunDirectory.Open(dir.File("run"));
        var last = directory.List().Epochs[^1];
        Assert.Equal(states, $"{Fingerprint.Of(File.ReadAllBytes(directory.StatePath(0)))} {Fingerprint.Of(File.ReadAllBytes(directory.StatePath(last)))}");
        Assert.True(final == Fingerprint.Of(File.ReadAllBytes(directory.FinalFile)), name);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_run_json_written_before_the_defaults_still_verifies_replays_and_resumes(string name, string then, string now, string states, string final)
    {
        // Such a run.json left out batch-size when every row made one batch and had no standardize-target;
        // its states are the ones pinned above, so removing the two keys gives the run as it was written then.
        using var dir = new TempDirectory();
        var run = CliRun.Of(["train", .. Split(then), .. Split(now), "--out", dir.File("run")]);
        Assert.True(run.ExitCode == 0, run.Error + name + states + final);
        var runJson = dir.File("run/run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        if (node["batch-size"]?.GetValue<int>() == 0) node.Remove("batch-size");
        node.Remove("standardize-target");
        File.WriteAllText(runJson, node.ToJsonString());

        var verify = CliRun.Of("verify", dir.File("run"));
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        var epochs = node["epochs"]!.GetValue<int>();
        var resume = CliRun.Of("train", "--resume", dir.File("run"), "--epochs", $"{epochs + 2}");
        Assert.True(resume.ExitCode == 0, resume.Error);
        Assert.Equal(0, CliRun.Of("verify", dir.File("run")).ExitCode);
    }
}
