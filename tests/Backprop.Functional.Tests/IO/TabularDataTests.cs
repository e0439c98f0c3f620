using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.IO;

/// <summary>Which numeric target columns are taken for class labels when no task is given.</summary>
public sealed class TabularDataTests
{
    private static CsvTable Table(string csv) => (CsvTable)Csv.Parse("t.csv", System.Text.Encoding.UTF8.GetBytes(csv));

    private static string Column(IEnumerable<string> values) => "x,y\n" + string.Concat(values.Select((v, i) => $"{i},{v}\n"));

    [Theory]
    [InlineData("0,1,2,0,1,2", true)] // a few whole numbers, each on two rows
    [InlineData("1,2,1,2,-3,-3,4.0,4", true)] // negative and 4.0 are whole numbers too
    [InlineData("0.5,1,0.5,1", false)] // a fraction makes it a quantity
    [InlineData("1,2,3,4", false)] // as many values as rows: counts, not labels
    [InlineData("7,7,7,7", false)] // one value is no classification
    [InlineData("7,8,7,8", true)] // two values are the fewest classes
    [InlineData("2147483647,0,2147483647,0", true)] // int.MaxValue is still within an int's range
    [InlineData("1e300,1e300,2,2", false)] // whole, but far beyond any label
    public void A_column_is_labels_when_it_holds_a_few_whole_numbers_each_on_two_rows_or_more(string values, bool labels)
    {
        var table = Table(Column(values.Split(',')));
        Assert.Equal(labels, TabularData.LooksLikeLabels(table, 1));
        var (_, schema) = ((Dataset, DataSchema))TabularData.Load(table, ["y"], null);
        Assert.Equal(labels ? TaskKind.Classification : TaskKind.Regression, schema.Task);
    }

    [Fact]
    public void Twenty_distinct_whole_numbers_are_labels_and_twenty_one_are_not()
    {
        Assert.True(TabularData.LooksLikeLabels(Table(Column(Enumerable.Range(0, 40).Select(i => $"{i % 20}"))), 1));
        Assert.False(TabularData.LooksLikeLabels(Table(Column(Enumerable.Range(0, 42).Select(i => $"{i % 21}"))), 1));
    }

    [Fact]
    public void The_shipped_digits_are_labels_and_iris_petal_widths_are_not()
    {
        var digits = (CsvTable)BuiltInDatasets.Load("digits").Map(d => d.Table);
        var iris = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        Assert.True(TabularData.LooksLikeLabels(digits, digits.Header.IndexOf("digit")));
        Assert.False(TabularData.LooksLikeLabels(iris, iris.Header.IndexOf("petal_width")));
    }
}
