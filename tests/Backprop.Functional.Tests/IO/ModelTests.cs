using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>A model reads a table by its schema: features by name in any order, standardized; classes one-hot in stored order.</summary>
public sealed class ModelTests
{
    private static readonly Network Network = new NetworkCase([2, 3, 2], ["tanh", "softmax"], 1, 3).Network;

    private static readonly DataSchema Schema = new(
        Arr.create("a", "b"), Arr.create("kind"), TaskKind.Classification, Arr.create("dog", "cat"),
        new Standardization(Arr.create(1.0, 10.0), Arr.create(2.0, 5.0)));

    private static readonly Model Model = new(Network, CrossEntropy.Instance, Schema, ModelKind.State);

    private static CsvTable Table(string text) => (CsvTable)Csv.Parse("t.csv", System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Features_are_taken_by_name_and_standardized_with_the_stored_means_and_stds()
    {
        var data = (Dataset)Model.Data(Table("kind,b,extra,a\ncat,20,x,3\ndog,0,y,-1\n"), Schema);
        Assert.Equal([1.0, 2.0, -1.0, -2.0], Dense.ToRowMajor(data.Inputs)); // (3−1)/2, (20−10)/5; (−1−1)/2, (0−10)/5
        Assert.Equal([0.0, 1.0, 1.0, 0.0], Dense.ToRowMajor(data.Targets)); // classes in stored order: dog, cat
    }

    [Fact]
    public void Columns_in_another_order_give_the_same_data()
    {
        var one = (Dataset)Model.Data(Table("a,b,kind\n3,20,cat\n-1,0,dog\n"), Schema);
        var other = (Dataset)Model.Data(Table("kind,b,a\ncat,20,3\ndog,0,-1\n"), Schema);
        Assert.True(Bits.Same(Bits.Of(one.Inputs), Bits.Of(other.Inputs)));
        Assert.True(Bits.Same(Bits.Of(one.Targets), Bits.Of(other.Targets)));
    }

    [Fact]
    public void A_missing_feature_or_an_unknown_class_is_refused()
    {
        ReaderRefusal.Expect(Model.Data(Table("a,kind\n1,cat\n"), Schema), "t.csv", "no column named 'b'");
        ReaderRefusal.Expect(Model.Data(Table("a,b,kind\n1,2,cow\n"), Schema), "t.csv", "class 'cow' is unknown to the model");
    }

    [Fact]
    public void A_named_target_replaces_the_stored_one_but_a_classifier_reads_only_one()
    {
        var table = Table("a,b,label\n3,20,cat\n");
        Assert.Equal(["label"], ((DataSchema)Model.SchemaFor(table, ["label"])).Targets.ToArray());
        Assert.True(Model.SchemaFor(table, ["label", "a"]).IsFail);
    }

    [Fact]
    public void A_weights_file_reads_every_non_target_column_in_file_order_without_standardizing()
    {
        var weights = Model with { Loss = MeanSquaredError.Instance, Schema = Option<DataSchema>.None, Kind = ModelKind.Weights };
        var table = Table("y1,a,b,y2\n0,3,20,1\n");
        var schema = (DataSchema)weights.SchemaFor(table, ["y1", "y2"]);
        Assert.Equal(["a", "b"], schema.Features.ToArray());
        var data = (Dataset)weights.Data(table, schema);
        Assert.Equal([3.0, 20.0], Dense.ToRowMajor(data.Inputs));
        Assert.Equal([0.0, 1.0], Dense.ToRowMajor(data.Targets));
        Assert.Contains("no target column is named", ((LanguageExt.Common.Error)weights.Data(Table("a,b\n1,2\n"), (DataSchema)weights.SchemaFor(Table("a,b\n1,2\n"), null))).Message);
    }
}
