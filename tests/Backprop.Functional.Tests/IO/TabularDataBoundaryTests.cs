using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// Where <see cref="TabularData"/>'s rules switch: a bad label or cell on the first data row, the
/// largest count of number classes, bad cells on one row in two columns, the features named or not.
/// </summary>
public sealed class TabularDataBoundaryTests
{
    private const string Source = "t.csv";

    private static CsvTable Table(string csv) => (CsvTable)Csv.Parse(Source, System.Text.Encoding.UTF8.GetBytes(csv));

    private static Fin<(Dataset Data, DataSchema Schema)> Load(string csv, TaskKind? task = null, string[]? targets = null, string[]? features = null) =>
        TabularData.Load(Table(csv), targets ?? ["y"], task, features);

    [Fact]
    public void An_empty_label_on_the_first_data_row_is_refused_at_line_2() =>
        ReaderRefusal.Expect(Load("x,y\n1,\"\"\n2,b\n3,a\n", TaskKind.Classification), Source, "line 2, column 'y': the label is empty");

    [Fact]
    public void A_label_too_long_on_the_first_data_row_is_refused_at_line_2() =>
        ReaderRefusal.Expect(Load($"x,y\n1,{new string('a', global::Backprop.Functional.IO.Csv.MaxNameLength + 1)}\n2,b\n", TaskKind.Classification), Source,
            "line 2, column 'y': a class label of 1,025 characters");

    [Fact]
    public void A_hundred_distinct_numbers_may_be_classes_and_a_hundred_and_one_may_not()
    {
        static string Numbers(int distinct) => "x,y\n" + string.Concat(Enumerable.Range(0, 2 * distinct).Select(r => $"{r},{r % distinct}\n"));
        var hundred = Load(Numbers(TabularData.MaxNumberClasses), TaskKind.Classification);
        Assert.True(hundred.IsSucc, hundred.Match(_ => "", e => e.Message));
        Assert.Equal(100, ((DataSchema)hundred.Map(l => l.Schema)).Classes.Count);
        ReaderRefusal.Expect(Load(Numbers(TabularData.MaxNumberClasses + 1), TaskKind.Classification), Source, "holds 101 distinct numbers, more than the 100");
    }

    [Fact]
    public void Number_labels_are_sorted_as_numbers() =>
        Assert.Equal(["9", "10"], ((DataSchema)Load("x,y\n1,10\n2,9\n3,10\n4,9\n", TaskKind.Classification).Map(l => l.Schema)).Classes.ToArray());

    [Fact]
    public void Bad_cells_in_two_columns_of_one_row_are_refused_in_the_column_named_first() =>
        ReaderRefusal.Expect(Load("a,b,y\n1,2,3\nx,z,4\n"), Source, "line 3, column 'a': 'x' is not a number");

    [Fact]
    public void A_feature_the_model_reads_but_the_table_lacks_is_named_with_its_place()
    {
        var (_, schema) = ((Dataset, DataSchema))Load("a,b,y\n1,2,3\n4,5,6\n");
        ReaderRefusal.Expect(TabularData.Features(Table("a,y\n1,3\n"), schema), Source, "no column named 'b', which the model reads as feature 2");
    }

    [Fact]
    public void A_new_table_without_data_rows_or_without_the_target_is_refused_as_such()
    {
        var (_, schema) = ((Dataset, DataSchema))Load("a,b,y\n1,2,3\n4,5,6\n");
        ReaderRefusal.Expect(TabularData.Features(Table("a,b,y\n"), schema), Source, "the file has a header but no data rows");
        ReaderRefusal.Expect(TabularData.Targets(Table("a,b\n1,2\n"), schema), Source, "no target column named 'y'");
    }

    [Fact]
    public void An_empty_list_of_features_takes_every_column_that_is_not_a_target()
    {
        const string csv = "a,b,y\n1,2,3\n4,5,6\n";
        var (named, namedSchema) = ((Dataset, DataSchema))Load(csv, features: []);
        var (all, allSchema) = ((Dataset, DataSchema))Load(csv);
        Assert.Equal(Fingerprint.Of(all), Fingerprint.Of(named));
        Assert.Equal(allSchema.Features.ToArray(), namedSchema.Features.ToArray());
    }

    [Theory]
    [InlineData(new string[0], null, "target columns names no column")]
    [InlineData(new[] { "y", "y" }, null, "target columns names 'y' twice")]
    [InlineData(new[] { "y" }, new[] { "a", "y" }, "'y' is both in target columns and in feature columns")]
    [InlineData(new[] { "y" }, new[] { "a", "a" }, "feature columns names 'a' twice")]
    [InlineData(new[] { "a", "b", "y" }, null, "t.csv: every column is a target; no feature columns are left")]
    public void Targets_and_features_that_contradict_each_other_are_refused_naming_both_settings(string[] targets, string[]? features, string refusal)
    {
        var result = Load("a,b,y\n1,2,3\n4,5,6\n", TaskKind.Regression, targets, features);
        Assert.Equal(refusal, result.Match(_ => "loaded", e => e.Message));
    }

    [Fact]
    public void Classification_of_two_target_columns_is_refused_naming_the_count() =>
        Assert.Equal("classification takes exactly one column in target columns, not 2 (its labels become one output per class)",
            Load("a,y,z\n1,2,3\n4,5,6\n", TaskKind.Classification, ["y", "z"]).Match(_ => "loaded", e => e.Message));

    [Fact]
    public void A_number_target_with_more_distinct_values_than_spellings_are_kept_for_says_so() =>
        ReaderRefusal.Expect(Load("x,y\n" + string.Concat(Enumerable.Range(0, 1100).Select(r => $"{r},{r}\n")), TaskKind.Classification), Source,
            "column 'y' holds more than 1024 distinct numbers, more than the 100 a classification target may");

    [Fact]
    public void Regression_takes_several_target_columns_and_classification_one()
    {
        const string csv = "a,y,z\n1,2,3\n4,5,6\n7,8,9\n";
        var (data, _) = ((Dataset, DataSchema))Load(csv, TaskKind.Regression, ["y", "z"]);
        Assert.Equal(2, data.Targets.ColumnCount);
        Assert.True(Load(csv, TaskKind.Classification, ["y", "z"]).IsFail);
    }
}
