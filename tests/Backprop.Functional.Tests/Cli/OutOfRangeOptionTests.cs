using Backprop.Cli;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// Every out-of-range option value is a usage error like a value that does not parse: exit 2 and
/// one line naming the flag and what it allows, never a stack trace. The same value read from a
/// --config file is bad input (exit 1) naming the file and its key.
/// </summary>
public sealed class OutOfRangeOptionTests : IClassFixture<OutOfRangeOptionTests.SmallRun>
{
    private readonly SmallRun run;

    public OutOfRangeOptionTests(SmallRun run) => this.run = run;

    /// <summary>A two-epoch run directory for the commands that read one.</summary>
    public sealed class SmallRun : IDisposable
    {
        private readonly TempDirectory dir = new();

        public SmallRun()
        {
            Path = dir.File("run");
            var trained = CliRun.Of("train", "--dataset", "iris", "--layers", "4,3", "--epochs", "2", "--out", Path, "--plain");
            Assert.Equal(0, trained.ExitCode);
        }

        public string Path { get; }

        public void Dispose() => dir.Dispose();
    }

    /// <summary>Command line (space-separated, RUN for the run directory), the flag, and the words of its range.</summary>
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "train --lr -1", "--lr", "-1 is out of range (must be > 0 and finite)" },
        { "train --lr 0", "--lr", "0 is out of range (must be > 0 and finite)" },
        { "train --lr Infinity", "--lr", "Infinity is out of range (must be > 0 and finite)" },
        { "train --epochs -1", "--epochs", "-1 is out of range (must be ≥ 0)" },
        { "train --batch-size -2", "--batch-size", "-2 is out of range (must be ≥ 1, or 0 for every row in one batch)" },
        { "train --momentum 1", "--momentum", "1 is out of range (must be in [0, 1))" },
        { "train --beta1 1", "--beta1", "1 is out of range (must be in [0, 1))" },
        { "train --beta2 -0.1", "--beta2", "-0.1 is out of range (must be in [0, 1))" },
        { "train --eps 0", "--eps", "0 is out of range (must be > 0 and finite)" },
        { "train --weight-decay -1", "--weight-decay", "-1 is out of range (must be ≥ 0 and finite)" },
        { "train --clip-norm 0", "--clip-norm", "0 is out of range (must be > 0 and finite)" },
        { "train --schedule step --decay-steps 0", "--schedule step needs --decay-steps ≥ 1", "(got 0)" },
        { "train --schedule cosine --decay-steps -3", "--schedule cosine needs --decay-steps ≥ 1", "(got -3)" },
        { "train --schedule step --decay-steps 10 --decay-rate 2", "--decay-rate", "2 is out of range (must be in (0, 1] for the step schedule)" },
        { "train --schedule cosine --decay-rate -0.5", "--decay-rate", "-0.5 is out of range (must be in [0, 1] for the cosine schedule)" },
        { "train --validation-split 1", "--validation-split", "1 is out of range (must be in [0, 1))" },
        { "train --test-split -0.1", "--test-split", "-0.1 is out of range (must be in [0, 1))" },
        { "train --dataset iris --validation-split 0.5 --test-split 0.5", "--validation-split 0.5 plus --test-split 0.5", "must be below 1" },
        { "train --keep-every 0", "--keep-every", "0 is out of range (must be ≥ 1)" },
        { "train --keep-last 0", "--keep-last", "0 is out of range (must be ≥ 1)" },
        { "bench --product 0", "--product", "0 is out of range (must be from 1 to 8192)" },
        { "train --dataset iris --validation-split 0.2 --patience 0", "--patience", "0 is out of range (must be ≥ 1)" },
        { "train --dataset iris --validation-split 0.2 --patience 2 --monitor val_acc", "--monitor", "unknown name 'val_acc'" },
        { "train --max-skips -1", "--max-skips", "-1 is out of range (must be ≥ 0)" },
        { "train --threads 0", "--threads", "0 is out of range (must be ≥ 1)" },
        { "train --layers 4,0,3", "--layers", "'0' is not a positive whole number" },
        { "train --layers 4", "--layers", "needs at least two widths" },
        { "train --activation swish", "--activation", "unknown name 'swish' (expected sigmoid|tanh|" },
        { "train --activation softmax", "--activation softmax is only allowed as --output-activation", "" },
        { "train --output-activation swish", "--output-activation", "unknown name 'swish'" },
        { "train --loss hinge", "--loss", "unknown name 'hinge' (expected mse|cross-entropy|binary-cross-entropy)" },
        { "train --loss cross-entropy --output-activation sigmoid", "--loss cross-entropy needs --output-activation softmax, not sigmoid", "" },
        { "train --optimizer rmsprop", "--optimizer", "unknown name 'rmsprop' (expected sgd|momentum|nesterov|adam|adamw|amsgrad)" },
        { "train --schedule linear", "--schedule", "unknown name 'linear' (expected constant|step|cosine)" },
        { "train --init-scheme orthogonal", "--init-scheme", "unknown name 'orthogonal' (expected normal|" },
        { "train --on-nonfinite ignore", "--on-nonfinite", "unknown name 'ignore' (expected stop|skip)" },
        { "train --dataset wine", "--dataset", "unknown name 'wine' (expected iris|digits)" },
        { "train --dataset iris --task clustering", "--task", "unknown name 'clustering' (expected regression|classification)" },
        { "train --resume RUN --epochs 1", "--epochs", "1 is out of range (must be ≥ 2, the epochs already trained in" },
        { "bench --layers 4,3 --batch-size 0 --rows 8 --epochs 1", "--batch-size", "0 is out of range (must be ≥ 1)" },
        { "bench --layers 4,3 --batch-size 1 --rows 0 --epochs 1", "--rows", "0 is out of range (must be ≥ 1)" },
        { "bench --layers 4,3 --batch-size 1 --rows 8 --epochs 0", "--epochs", "0 is out of range (must be ≥ 1)" },
        { "bench --layers 4,3 --batch-size 1 --rows 8 --epochs 1 --threads -1", "--threads", "-1 is out of range (must be ≥ 1)" },
        { "bench --layers 4,3 --batch-size 1 --rows 8 --epochs 1 --activation swish", "--activation", "unknown name 'swish'" },
        { "explain --row -1", "--row", "-1 is out of range (must be ≥ 0)" },
        { "explain --state RUN/final.safetensors --dataset iris --row 150", "--row", "150 is out of range (must be < 150, the data rows of iris" },
        { "replay RUN --from -1", "--from", "-1 is out of range (must be ≥ 0)" },
        { "replay RUN --from 3", "--from", "3 is out of range (must be ≤ 2, the last epoch of" },
        { "replay RUN --from 0 --to 5", "--to", "5 is out of range (must be ≤ 2, the last epoch of" },
        { "replay RUN --from 2 --to 1", "--to 1 is before --from 2", "" },
        { "replay RUN --from 0 --threads 0", "--threads", "0 is out of range (must be ≥ 1)" },
        { "verify RUN --threads 0", "--threads", "0 is out of range (must be ≥ 1)" },
        { "show RUN --epoch -1", "--epoch", "-1 is out of range (must be ≥ 0)" },
        { "show RUN --epoch 9", "--epoch", "9 is out of range (must be ≤ 2, the last epoch of" },
        { "plot RUN --weights --epoch 9", "--epoch", "9 is out of range (must be ≤ 2, the last epoch of" },
        { "evaluate --state RUN/final.safetensors --dataset iris --target species,species", "--target", "the model classifies by one target column, but 2 were named in --target" },
        { "gradients --state RUN/final.safetensors --dataset iris --loss hinge --out RUN/g.safetensors", "--loss", "unknown name 'hinge'" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void An_out_of_range_option_value_is_a_usage_error_naming_the_flag_and_its_range(string args, string flag, string range)
    {
        var result = CliRun.Of([.. args.Split(' ').Select(a => a.Replace("RUN", run.Path, StringComparison.Ordinal))]);
        Assert.True(result.ExitCode == ExitCodes.Usage, $"exit {result.ExitCode}, expected {ExitCodes.Usage}; stderr: {result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(flag, lines[0]);
        Assert.Contains(range, lines[0]);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }

    [Theory]
    [InlineData("{\"lr\": -1}", "'lr': -1 is out of range (must be > 0 and finite)")]
    [InlineData("{\"momentum\": 1.5}", "'momentum': 1.5 is out of range (must be in [0, 1))")]
    [InlineData("{\"batch-size\": -4}", "'batch-size': -4 is out of range (must be ≥ 1, or 0 for every row in one batch)")]
    [InlineData("{\"optimizer\": \"rmsprop\"}", "'optimizer': unknown name 'rmsprop'")]
    [InlineData("{\"schedule\": \"step\", \"decay-steps\": 0}", "'schedule' step needs 'decay-steps' ≥ 1")]
    public void An_out_of_range_value_in_a_config_file_is_bad_input_naming_the_file_and_key(string json, string message)
    {
        using var dir = new TempDirectory();
        var config = dir.Write("cfg.json", json);
        CliRun.Of("train", "--config", config, "--epochs", "1").AssertRefused($"{config}: {message}");
        Assert.Equal(ExitCodes.BadInput, CliRun.Of("train", "--config", config, "--epochs", "1").ExitCode);
    }

    [Fact]
    public void A_flag_that_overrides_a_config_file_is_the_one_refused_and_the_refusal_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("cfg.json", "{\"lr\": 0.1}");
        var result = CliRun.Of("train", "--config", config, "--lr", "-2", "--epochs", "1");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        result.AssertRefused("--lr: -2 is out of range");
        Assert.Equal(ExitCodes.Success, CliRun.Of("train", "--config", dir.Write("bad.json", "{\"lr\": -1}"), "--lr", "0.1", "--epochs", "1").ExitCode);
    }

    [Fact]
    public void A_refused_value_in_a_run_json_is_bad_input_naming_run_json_and_the_key()
    {
        using var dir = new TempDirectory();
        var copy = dir.File("run");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--layers", "4,3", "--epochs", "1", "--out", copy, "--plain").ExitCode);
        var runJson = Path.Combine(copy, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"momentum\": 0.9", "\"momentum\": 7", StringComparison.Ordinal));
        var result = CliRun.Of("replay", copy, "--from", "0");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"{runJson}: 'momentum': 7 is out of range (must be in [0, 1))", result.Error);
    }
}
