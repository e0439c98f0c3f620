using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.Cli;

/// <summary>gradients reads data as the model was trained on it: features by name, standardized, targets one-hot by the stored classes.</summary>
public sealed class GradientsCommandTests(StandardizedRuns runs) : IClassFixture<StandardizedRuns>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private SafeTensorsFile Gradients(params string[] args)
    {
        var output = dir.File($"g{Guid.NewGuid():N}.safetensors");
        var run = CliRun.Of(["gradients", .. args, "--out", output]);
        Assert.True(run.ExitCode == 0, run.Error);
        return (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(output));
    }

    private static double[] Values(SafeTensorsFile file) => file.Tensors.SelectMany(t => t.Values).ToArray();

    /// <summary>A gradient's values in the order the file holds them (weights row-major).</summary>
    private static double[] Values(Gradients gradients) => NetworkTensors.ToTensors(gradients).SelectMany(t => t.Values).ToArray();

    /// <summary>Iris columns by name, read straight from the table.</summary>
    private static Matrix<double> Columns(IEnumerable<string> names)
    {
        var table = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        var columns = names.Select(n => table.Records.Map(r => double.Parse(r.Fields[table.Header.IndexOf(n)], System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return Dense.Matrix(table.Records.Count, columns.Length, columns.SelectMany(c => c).ToArray());
    }

    private static Matrix<double> Standardized(Matrix<double> x, Standardization s) =>
        Dense.Matrix(x.RowCount, x.ColumnCount, Enumerable.Range(0, x.ColumnCount)
            .SelectMany(c => Enumerable.Range(0, x.RowCount).Select(r => (x[r, c] - s.Means[c]) / s.Stds[c])).ToArray());

    [Fact]
    public void Gradients_of_a_standardized_state_are_taken_at_the_standardized_inputs_and_targets()
    {
        // The network's own space, as in training: features and (for this run, by default) targets standardized.
        var state = (Checkpoint)StateFile.Read(runs.LastState("regression"));
        var standardization = state.Schema.Standardization.IfNone(() => throw new InvalidOperationException("not standardized"));
        var targetScaling = state.Schema.TargetStandardization.IfNone(() => throw new InvalidOperationException("targets not standardized"));
        var raw = Columns(state.Schema.Features);
        var y = Columns(["petal_width"]);
        var expected = Training.Gradient(state.State.Network, state.Loss, new Dataset(Standardized(raw, standardization), Standardized(y, targetScaling)));
        var atRaw = Training.Gradient(state.State.Network, state.Loss, new Dataset(raw, y));
        var atRawTargets = Training.Gradient(state.State.Network, state.Loss, new Dataset(Standardized(raw, standardization), y));

        var written = Values(Gradients("--state", runs.LastState("regression"), "--dataset", "iris"));

        Assert.True(Bits.Same(Values(expected), written));
        Assert.False(Bits.Same(Values(atRaw), written));
        Assert.False(Bits.Same(Values(atRawTargets), written));
    }

    [Fact]
    public void Text_labels_are_one_hot_encoded_by_the_classes_the_state_stores()
    {
        var state = (Checkpoint)StateFile.Read(runs.LastState("classification"));
        var table = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        var species = table.Records.Map(r => r.Fields[table.Header.IndexOf("species")]).ToArray();
        var oneHot = Dense.Matrix(species.Length, 3, state.Schema.Classes.SelectMany(c => species.Select(s => s == c ? 1.0 : 0.0)).ToArray());
        var x = Standardized(Columns(state.Schema.Features), state.Schema.Standardization.IfNone(() => throw new InvalidOperationException()));
        var expected = Training.Gradient(state.State.Network, state.Loss, new Dataset(x, oneHot));

        var written = Gradients("--state", runs.LastState("classification"), "--dataset", "iris");

        Assert.True(Bits.Same(Values(expected), Values(written)));
        Assert.Equal("cross-entropy", written.Meta("loss").IfNone(""));
    }

    [Theory]
    [MemberData(nameof(StandardizedRuns.Names), MemberType = typeof(StandardizedRuns))]
    public void Columns_in_another_order_give_the_same_gradients_and_evaluation(string run)
    {
        // species, petal_width, sepal_width, petal_length, sepal_length: no feature stays in place.
        var shuffled = dir.Write("shuffled.csv", IrisCsv.Reordered([4, 3, 1, 2, 0]));
        var state = runs.LastState(run);
        Assert.True(Bits.Same(Values(Gradients("--state", state, "--dataset", "iris")), Values(Gradients("--state", state, "--data", shuffled))));
        Assert.Equal(CliRun.Of("evaluate", "--state", state, "--dataset", "iris").Out, CliRun.Of("evaluate", "--state", state, "--data", shuffled).Out);
    }

    [Fact]
    public void Target_names_the_target_column_when_the_data_calls_it_something_else()
    {
        var lines = IrisCsv.Lines();
        var renamed = dir.Write("renamed.csv", string.Join("\n", [lines[0].Replace("species", "label"), .. lines.Skip(1)]) + "\n");
        var final = runs.Final("classification");
        Assert.True(Bits.Same(Values(Gradients("--state", final, "--dataset", "iris")), Values(Gradients("--state", final, "--data", renamed, "--target", "label"))));
        CliRun.Of("gradients", "--state", final, "--data", renamed, "--out", dir.File("g.safetensors")).AssertRefused("renamed.csv", "no target column named 'species'");
    }

    [Fact]
    public void Activation_and_loss_flags_are_refused_for_a_file_that_names_its_own() =>
        CliRun.Of("gradients", "--state", runs.Final("regression"), "--dataset", "iris", "--loss", "mse", "--out", dir.File("g.safetensors"))
            .AssertRefused("only for a weights file without metadata", "final.safetensors names its own");

    [Fact]
    public void A_weights_file_without_metadata_takes_its_activations_and_loss_from_the_flags()
    {
        var c = new NetworkCase([2, 3, 1], ["relu", "identity"], 4, 9);
        var weights = dir.File("bare.safetensors");
        File.WriteAllBytes(weights, SafeTensors.Serialize(new SafeTensorsFile(NetworkTensors.ToTensors(c.Network).ToArr(), Map<OrdString, string, string>.Empty)));
        var x = Dense.ToRowMajor(c.Data.Inputs);
        var y = Dense.Data(c.Data.Targets);
        var rows = Enumerable.Range(0, 4).Select(r => FormattableString.Invariant($"{y[r]:R},{x[2 * r]:R},{x[2 * r + 1]:R}"));
        var data = dir.Write("d.csv", "y,a,b\n" + string.Join("\n", rows) + "\n");

        var written = Gradients("--state", weights, "--data", data, "--target", "y", "--activation", "relu", "--output-activation", "identity");

        Assert.True(Bits.Same(Values(Training.Gradient(c.Network, MeanSquaredError.Instance, c.Data)), Values(written)));
        CliRun.Of("gradients", "--state", weights, "--data", data, "--activation", "relu", "--output-activation", "identity", "--out", dir.File("g.safetensors"))
            .AssertRefused("d.csv", "has 3 non-target columns but the network reads 2");
    }
}
