using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// A data schema inside a safetensors file: names, task and classes as JSON, standardizations as
/// tensors that read back to the bit, and every way a file can hold them wrong refused by name.
/// </summary>
public sealed class SchemaMetadataTests
{
    private const string Source = "s.safetensors";

    private static readonly DataSchema Regression =
        new(Arr.create("a", "b"), Arr.create("y1", "y2"), TaskKind.Regression, Arr<string>.Empty,
            new Standardization(Arr.create(0.1, -2.5e-300), Arr.create(3.0, 1e-300)))
        {
            TargetStandardization = new Standardization(Arr.create(7.0, 0.1 + 0.2), Arr.create(0.5, 2.0 / 3)),
        };

    private static readonly DataSchema Classes =
        new(Arr.create("x"), Arr.create("species"), TaskKind.Classification, Arr.create("setosa", "virginica"), Option<Standardization>.None);

    private static SafeTensorsFile File(DataSchema schema, string? json = null) =>
        new(SchemaMetadata.Tensors(schema).ToArr(), Map<OrdString, string, string>.Empty.Add(SchemaMetadata.Key, json ?? SchemaMetadata.ToJson(schema)));

    private static SafeTensorsFile With(SafeTensorsFile file, Tensor tensor) =>
        file with { Tensors = file.Tensors.Filter(t => t.Name != tensor.Name).ToArr().Add(tensor) };

    private static SafeTensorsFile Without(SafeTensorsFile file, string name) =>
        file with { Tensors = file.Tensors.Filter(t => t.Name != name).ToArr() };

    [Fact]
    public void A_schema_reads_back_to_the_bit_through_a_file()
    {
        foreach (var schema in new[] { Regression, Classes })
        {
            var bytes = SafeTensors.Serialize(File(schema));
            var read = (DataSchema)SchemaMetadata.Read((SafeTensorsFile)SafeTensors.Parse(bytes), Source);
            Assert.Equal(schema.Features, read.Features);
            Assert.Equal(schema.Targets, read.Targets);
            Assert.Equal(schema.Task, read.Task);
            Assert.Equal(schema.Classes, read.Classes);
            Assert.Equal(Values(schema.Standardization), Values(read.Standardization));
            Assert.Equal(Values(schema.TargetStandardization), Values(read.TargetStandardization));
        }
        Assert.Equal("{\"features\":[\"x\"],\"targets\":[\"species\"],\"task\":\"classification\",\"classes\":[\"setosa\",\"virginica\"]}", SchemaMetadata.ToJson(Classes));
    }

    private static long[] Values(Option<Standardization> s) =>
        s.Match(v => v.Means.Concat(v.Stds).Select(BitConverter.DoubleToInt64Bits).ToArray(), () => []);

    [Fact]
    public void The_tensors_are_the_features_pair_then_the_targets_pair_and_their_shapes_are_measured_without_them()
    {
        Assert.Equal(SchemaMetadata.TensorNames, SchemaMetadata.Tensors(Regression).Select(t => t.Name));
        Assert.Equal(SchemaMetadata.Tensors(Regression).Select(t => (t.Name, t.ShapeText)), SchemaMetadata.Shapes(Regression).Select(s => (s.Name, $"[{string.Join(", ", s.Shape)}]")));
        Assert.Empty(SchemaMetadata.Tensors(Classes));
        Assert.Empty(SchemaMetadata.Shapes(Classes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"targets\":[\"y\"],\"task\":\"regression\",\"classes\":[]}")]
    [InlineData("{\"features\":[\"a\"],\"task\":\"regression\",\"classes\":[]}")]
    [InlineData("{\"features\":[\"a\"],\"targets\":[\"y\"],\"task\":\"regression\"}")]
    [InlineData("{\"features\":[\"a\"],\"targets\":[\"y\"],\"task\":\"ranking\",\"classes\":[]}")]
    [InlineData("{\"features\":[\"a\"],\"targets\":[\"y\"],\"classes\":[]}")]
    public void Metadata_that_is_not_a_whole_schema_is_refused(string json) =>
        ReaderRefusal.Expect(SchemaMetadata.Read(File(Classes, json), Source), Source, "metadata 'schema' is not a valid data schema");

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_standard_deviation_that_is_not_positive_and_finite_is_refused(double std)
    {
        ReaderRefusal.Expect(SchemaMetadata.Read(With(File(Regression), Tensor.Vector(SchemaMetadata.StdTensor, [1.0, std])), Source), Source,
            "standardization.mean/std must hold finite means and positive, finite standard deviations");
        ReaderRefusal.Expect(SchemaMetadata.Read(With(File(Regression), Tensor.Vector(SchemaMetadata.TargetStdTensor, [std, 1.0])), Source), Source,
            "target_standardization.mean/std must hold finite means and positive, finite standard deviations");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void A_mean_that_is_not_finite_is_refused(double mean) =>
        ReaderRefusal.Expect(SchemaMetadata.Read(With(File(Regression), Tensor.Vector(SchemaMetadata.MeanTensor, [mean, 0.0])), Source), Source,
            "standardization.mean/std must hold finite means and positive, finite standard deviations");

    [Fact]
    public void A_pair_must_be_whole_with_one_value_per_column()
    {
        ReaderRefusal.Expect(SchemaMetadata.Read(Without(File(Regression), SchemaMetadata.StdTensor), Source), Source, "standardization.mean/std must both hold 2 values, one per feature");
        ReaderRefusal.Expect(SchemaMetadata.Read(Without(File(Regression), SchemaMetadata.MeanTensor), Source), Source, "standardization.mean/std must both hold 2 values, one per feature");
        ReaderRefusal.Expect(SchemaMetadata.Read(With(File(Regression), Tensor.Vector(SchemaMetadata.MeanTensor, [0.0, 0.0, 0.0])), Source), Source, "standardization.mean/std must both hold 2 values");
        ReaderRefusal.Expect(SchemaMetadata.Read(With(File(Regression), Tensor.Vector(SchemaMetadata.TargetStdTensor, [1.0])), Source), Source,
            "target_standardization.mean/std must both hold 2 values, one per target column");
    }

    [Fact]
    public void Target_standardization_in_a_classification_schema_is_refused()
    {
        var file = File(Classes) with
        {
            Tensors = Arr.create(Tensor.Vector(SchemaMetadata.TargetMeanTensor, [0.0]), Tensor.Vector(SchemaMetadata.TargetStdTensor, [1.0])),
        };
        ReaderRefusal.Expect(SchemaMetadata.Read(file, Source), Source, "target_standardization.mean belongs to a regression model, but the schema says 'classification'");
    }
}
