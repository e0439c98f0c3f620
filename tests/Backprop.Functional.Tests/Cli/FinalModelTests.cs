using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// final.safetensors is a self-contained model: every command that uses a model gives the same
/// output for it as for the last state it was made from (same weights, same schema, same
/// standardization), and a plain safetensors reader still loads its weights.
/// </summary>
public sealed class FinalModelTests(StandardizedRuns runs) : IClassFixture<StandardizedRuns>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Runs => StandardizedRuns.Names;

    /// <summary>Runs the command with <c>--state</c> on the final model, then on the last state; both must succeed.</summary>
    private (CliRun Final, CliRun State) Both(string run, params string[] args)
    {
        var final = CliRun.Of([.. args, "--state", runs.Final(run)]);
        var state = CliRun.Of([.. args, "--state", runs.LastState(run)]);
        Assert.True(final.ExitCode == 0, final.Error);
        Assert.True(state.ExitCode == 0, state.Error);
        return (final, state);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Evaluate_prints_the_same_text_and_json_for_the_final_model_as_for_the_last_state(string run)
    {
        var text = Both(run, "evaluate", "--dataset", "iris");
        Assert.Equal(text.State.Out, text.Final.Out);
        var json = Both(run, "evaluate", "--dataset", "iris", "--json");
        Assert.Equal(json.State.Out, json.Final.Out);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Predict_writes_the_same_file_for_the_final_model_as_for_the_last_state(string run)
    {
        var (final, state) = (dir.File("final.csv"), dir.File("state.csv"));
        Assert.Equal(0, CliRun.Of("predict", "--state", runs.Final(run), "--dataset", "iris", "--out", final).ExitCode);
        Assert.Equal(0, CliRun.Of("predict", "--state", runs.LastState(run), "--dataset", "iris", "--out", state).ExitCode);
        Assert.Equal(File.ReadAllText(state), File.ReadAllText(final));
        Assert.StartsWith(run == "classification" ? "class,p_setosa,p_versicolor,p_virginica\n" : "petal_width\n", File.ReadAllText(final));
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Gradients_writes_the_same_bytes_for_the_final_model_as_for_the_last_state(string run)
    {
        var (final, state) = (dir.File("final.safetensors"), dir.File("state.safetensors"));
        Assert.Equal(0, CliRun.Of("gradients", "--state", runs.Final(run), "--dataset", "iris", "--out", final).ExitCode);
        Assert.Equal(0, CliRun.Of("gradients", "--state", runs.LastState(run), "--dataset", "iris", "--out", state).ExitCode);
        Assert.Equal(File.ReadAllBytes(state), File.ReadAllBytes(final));
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Explain_shows_the_same_forward_loss_and_backward_pass_and_says_a_model_has_no_update(string run)
    {
        var text = Both(run, "explain", "--dataset", "iris", "--row", "77");
        static string UpToUpdate(string output) => output[..output.IndexOf("\nUpdate:", StringComparison.Ordinal)];
        Assert.Equal(UpToUpdate(text.State.Out), UpToUpdate(text.Final.Out));
        Assert.Contains("\nUpdate: none. A model file carries no optimizer state", text.Final.Out);
        Assert.Contains("\nUpdate: step ", text.State.Out);
        Assert.Contains(": θ ← θ + u", text.State.Out);

        var json = Both(run, "explain", "--dataset", "iris", "--row", "77", "--json");
        using var final = JsonDocument.Parse(json.Final.Out);
        using var state = JsonDocument.Parse(json.State.Out);
        foreach (var part in new[] { "network", "input", "forward", "loss", "backward" })
            Assert.Equal(state.RootElement.GetProperty(part).GetRawText(), final.RootElement.GetProperty(part).GetRawText());
        Assert.Equal(JsonValueKind.Null, final.RootElement.GetProperty("update").ValueKind);
        Assert.Equal(JsonValueKind.Array, state.RootElement.GetProperty("update").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_final_model_holds_the_last_states_weights_under_plain_safetensors_names(string run)
    {
        var final = (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(runs.Final(run)));
        var state = (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(runs.LastState(run)));
        var names = final.Tensors.Map(t => t.Name).ToArray();
        // The regression run trains on standardized targets (the default for data with an identity output and mse).
        string[] targets = run == "regression" ? ["target_standardization.mean", "target_standardization.std"] : [];
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "standardization.mean", "standardization.std", .. targets], names);
        foreach (var name in names)
            Assert.True(Bits.Same(state.Find(name).Map(t => t.Values).IfNone([]), final.Find(name).Map(t => t.Values).IfNone([])), name);
        Assert.Equal(ModelFile.Format, final.Meta("format").IfNone(""));
        Assert.Equal(state.Meta("schema"), final.Meta("schema"));
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(runs.LastState(run))), final.Meta("state.sha256").IfNone(""));
    }

    [Fact]
    public void Show_prints_a_models_columns_classes_and_standardization_like_a_states()
    {
        var (final, state) = (CliRun.Of("show", runs.Final("classification")), CliRun.Of("show", runs.LastState("classification")));
        Assert.True(final.ExitCode == 0, final.Error);
        static string[] Schema(CliRun run) => [.. run.Lines.Where(l => l.StartsWith("  data  ", StringComparison.Ordinal) || l.StartsWith("  columns ", StringComparison.Ordinal))];
        Assert.Equal(
            ["  data               classification, 4 features, classes setosa, versicolor, virginica, standardized",
             "  columns            features 'sepal_length', 'sepal_width', 'petal_length', 'petal_width'; target 'species'"],
            Schema(final));
        Assert.Equal(Schema(state), Schema(final));
        Assert.Contains($"  model file         of epoch {StandardizedRuns.Epochs}'s state", final.Out);
    }

    [Fact]
    public void Evaluate_reads_text_labels_of_a_separate_test_file_through_the_final_model()
    {
        var iris = IrisCsv.Lines();
        var test = dir.Write("test.csv", string.Join("\n", iris.Take(1).Concat(iris.Skip(1).Where((_, i) => i % 5 == 0))) + "\n");
        var final = CliRun.Of("evaluate", "--state", runs.Final("classification"), "--data", test, "--target", "species");
        var state = CliRun.Of("evaluate", "--state", runs.LastState("classification"), "--data", test, "--target", "species");
        Assert.True(final.ExitCode == 0, final.Error);
        Assert.Equal(state.Out, final.Out);
        Assert.Contains("rows      30", final.Out);
    }

    [Fact]
    public void Resuming_a_finished_run_writes_the_same_final_model_from_the_state_on_disk()
    {
        // No epoch runs, so the writer has written no state: the model comes from the last kept one.
        var copy = dir.CopyOf(runs.Run("regression"), "copy");
        File.Delete(Path.Combine(copy, "final.safetensors"));
        var resume = CliRun.Of("train", "--resume", copy, "--plain");
        Assert.True(resume.ExitCode == 0, resume.Error);
        Assert.Equal(File.ReadAllBytes(runs.Final("regression")), File.ReadAllBytes(Path.Combine(copy, "final.safetensors")));
    }
}
