using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// An exported ONNX graph, run by ONNX Runtime, returns what predict returns for the same raw
/// rows: every activation, classification and regression, with and without standardization.
/// </summary>
public sealed class OnnxExportTests
{
    private const int Features = 3;
    private const int Rows = 7;

    public static TheoryData<string, bool, bool> Cases()
    {
        var cases = new TheoryData<string, bool, bool>();
        foreach (var activation in new[] { "sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity" })
            foreach (var classifies in new[] { true, false })
                foreach (var standardized in new[] { true, false })
                    cases.Add(activation, classifies, standardized);
        return cases;
    }

    /// <summary>A 3-5-4-k network with <paramref name="hidden"/> on its hidden layers; a regression's output layer has it too.</summary>
    private static Model ModelOf(string hidden, bool classifies, bool standardized)
    {
        var outputs = classifies ? 3 : 2;
        var network = new NetworkCase([Features, 5, 4, outputs], [hidden, hidden, classifies ? "softmax" : hidden], 1, 17).Network;
        var features = Arr.create("a", "b", "c");
        var standardization = standardized
            ? Option<Standardization>.Some(new Standardization(Arr.create(50.0, -3.0, 0.25), Arr.create(10.0, 2.0, 0.5)))
            : Option<Standardization>.None;
        var schema = classifies
            ? new DataSchema(features, Arr.create("kind"), TaskKind.Classification, Arr.create("x", "y", "z"), standardization)
            : new DataSchema(features, Arr.create("p", "q"), TaskKind.Regression, Arr<string>.Empty, standardization)
            {
                TargetStandardization = standardized
                    ? Option<Standardization>.Some(new Standardization(Arr.create(1000.0, -2.0), Arr.create(250.0, 0.125)))
                    : Option<Standardization>.None,
            };
        return new Model(network, classifies ? CrossEntropy.Instance : MeanSquaredError.Instance, schema, ModelKind.ModelFile);
    }

    /// <summary>Raw rows around the standardization's means (or around 0), row-major.</summary>
    private static double[] RawRows(bool standardized)
    {
        var (normals, _) = Rng.FromSeed(5).Normals(Rows * Features, 0, 1);
        double[] means = standardized ? [50, -3, 0.25] : [0, 0, 0];
        double[] stds = standardized ? [10, 2, 0.5] : [1, 1, 1];
        return normals.Select((v, i) => means[i % Features] + 2 * stds[i % Features] * v).ToArray();
    }

    /// <summary>What predict computes: the stored standardization, the network, the target's own units.</summary>
    private static Matrix<double> Predicted(Model model, double[] rows)
    {
        var schema = (DataSchema)model.Schema;
        var inputs = Dense.FromRowMajor(Rows, Features, rows);
        return model.Predict(schema.Standardization.Match(s => s.Apply(inputs), () => inputs), schema);
    }

    private static byte[] Export(Model model, ExportPrecision precision) => (byte[])OnnxExport.Encode(model, precision);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_runtime_in_f64_agrees_with_predict_to_1e_12_relative(string activation, bool classifies, bool standardized)
    {
        var model = ModelOf(activation, classifies, standardized);
        var rows = RawRows(standardized);
        var outputs = OnnxRun.Outputs(Export(model, ExportPrecision.Float64), rows, Features, ExportPrecision.Float64);
        var expected = Dense.ToRowMajor(Predicted(model, rows));
        var actual = outputs[classifies ? OnnxExport.ProbabilitiesName : OnnxExport.PredictionsName];
        var error = OnnxRun.LargestRelativeError(actual, expected);
        Assert.True(error <= 1e-12, $"largest relative error {error}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_runtime_in_f32_agrees_with_predict_to_1e_5_relative(string activation, bool classifies, bool standardized)
    {
        var model = ModelOf(activation, classifies, standardized);
        var rows = RawRows(standardized);
        var outputs = OnnxRun.Outputs(Export(model, ExportPrecision.Float32), rows, Features, ExportPrecision.Float32);
        var expected = Dense.ToRowMajor(Predicted(model, rows));
        var actual = outputs[classifies ? OnnxExport.ProbabilitiesName : OnnxExport.PredictionsName];
        var error = OnnxRun.LargestRelativeError(actual, expected);
        Assert.True(error <= 1e-5, $"largest relative error {error}");
    }

    [Fact]
    public void A_classifier_also_returns_the_index_of_predicts_class()
    {
        var model = ModelOf("tanh", classifies: true, standardized: true);
        var rows = RawRows(standardized: true);
        var outputs = OnnxRun.Outputs(Export(model, ExportPrecision.Float64), rows, Features, ExportPrecision.Float64);
        var predicted = Predicted(model, rows);
        var best = Evaluation.ArgMaxByRow(Dense.Data(predicted), Rows, 3);
        Assert.Equal(best.Select(b => (double)b), outputs[OnnxExport.ClassIndexName]);
        Assert.Contains(outputs[OnnxExport.ClassIndexName], i => i != outputs[OnnxExport.ClassIndexName][0]); // not one class for every row
    }

    [Fact]
    public void Feature_target_and_class_names_are_in_the_metadata()
    {
        var metadata = OnnxRun.Metadata(Export(ModelOf("relu", classifies: true, standardized: true), ExportPrecision.Float32));
        Assert.Equal("""["a","b","c"]""", metadata[OnnxExport.FeatureNamesKey]);
        Assert.Equal("""["kind"]""", metadata[OnnxExport.TargetNamesKey]);
        Assert.Equal("""["x","y","z"]""", metadata[OnnxExport.ClassNamesKey]);
        Assert.Equal("classification", metadata["task"]);
        Assert.Equal("relu,relu,softmax", metadata["activations"]);
    }

    [Fact]
    public void The_batch_dimension_is_symbolic_and_the_opset_is_17()
    {
        var model = (Onnx.ModelProto)OnnxExport.Build(ModelOf("tanh", classifies: false, standardized: false), ExportPrecision.Float32);
        Assert.Equal(17, model.OpsetImport.Single().Version);
        var input = model.Graph.Input.Single();
        Assert.Equal("features", input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(Features, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal("predictions", model.Graph.Output.Single().Name);
    }

    /// <summary>An activation this library might grow that the exporter does not know.</summary>
    private sealed record Square : Activation
    {
        public override string Name => "square";
        public override Matrix<double> Apply(Matrix<double> z) => z.PointwiseMultiply(z);
        public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh) => 2 * z.PointwiseMultiply(dh);
    }

    [Fact]
    public void Every_activation_of_the_library_is_exportable_and_an_unknown_one_is_refused_by_name()
    {
        foreach (var activation in Activation.All)
        {
            var network = new NetworkCase([2, 2], [activation.Name], 1, 3).Network;
            var built = OnnxExport.Build(new Model(network, MeanSquaredError.Instance, Option<DataSchema>.None, ModelKind.Weights), ExportPrecision.Float64);
            Assert.True(built.IsSucc, $"{activation.Name}: {built}");
        }
        var layer = new NetworkCase([2, 2], ["tanh"], 1, 3).Network.Layers[0] with { Activation = new Square() };
        var refused = OnnxExport.Build(new Model(new Network(Arr.create(layer)), MeanSquaredError.Instance, Option<DataSchema>.None, ModelKind.Weights), ExportPrecision.Float64);
        Assert.True(refused.IsFail);
        Assert.Equal("activation 'square' has no ONNX form; the model cannot be exported", ((LanguageExt.Common.Error)refused).Message);
    }
}
