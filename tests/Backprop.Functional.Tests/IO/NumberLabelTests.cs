using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>Class labels that are numbers: one class per number however it is spelled, and no class per value of a quantity.</summary>
public sealed class NumberLabelTests
{
    private const string Source = "data.csv";

    private static Fin<(Dataset Data, DataSchema Schema)> Load(string text, TaskKind? task) =>
        Csv.Parse(Source, Encoding.UTF8.GetBytes(text)).Bind(t => TabularData.Load(t, ["y"], task));

    [Fact]
    public void Spellings_of_one_number_are_one_class_named_by_the_shortest()
    {
        var (data, schema) = ((Dataset, DataSchema))Load("x,y\n1,1\n2,1.0\n3,+1\n4,1e0\n5,01\n6,2\n7,2.00\n", TaskKind.Classification);
        Assert.Equal(["1", "2"], schema.Classes.ToArray());
        Assert.Equal([1.0, 1, 1, 1, 1, 0, 0], data.Targets.Column(0).ToArray());
    }

    [Fact]
    public void A_number_spelled_one_way_keeps_that_spelling() =>
        Assert.Equal(["0.50", "1.5"], ((DataSchema)Load("x,y\n1,0.50\n2,1.5\n", TaskKind.Classification).Map(d => d.Schema)).Classes.ToArray());

    [Fact]
    public void A_continuous_column_of_hundreds_of_values_is_refused_as_classes()
    {
        var rows = string.Concat(Enumerable.Range(0, 300).Select(i => $"{i},{i * 0.37}\n"));
        ReaderRefusal.Expect(Load("x,y\n" + rows, TaskKind.Classification), Source, "column 'y' holds 300 distinct numbers, more than the 100");
    }

    [Fact]
    public void Hundreds_of_text_labels_are_classes_when_asked_for()
    {
        var rows = string.Concat(Enumerable.Range(0, 300).Select(i => $"{i},c{i % 150}\n"));
        Assert.Equal(150, ((DataSchema)Load("x,y\n" + rows, TaskKind.Classification).Map(d => d.Schema)).Classes.Count);
    }
}
