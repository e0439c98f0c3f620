using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>Files laid out otherwise than RFC 4180's commas and header: read when told how, and a likely delimiter named when not.</summary>
public sealed class CsvDialectTests
{
    private const string Source = "data.csv";

    private static Fin<CsvTable> Parse(string text, CsvDialect? dialect = null) => Csv.Parse(Source, Encoding.UTF8.GetBytes(text), dialect);

    private static (Dataset Data, DataSchema Schema) Load(string text, CsvDialect? dialect = null, string target = "y", TaskKind? task = null) =>
        ((Dataset, DataSchema))Parse(text, dialect).Bind(t => TabularData.Load(t, [target], task));

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Another_delimiter_loads_to_the_same_numbers_as_commas(char delimiter)
    {
        var commas = Load("x,\"a,b\",y\n1.5,2,3\n4,5,6\n");
        var other = Load($"x{delimiter}\"a,b\"{delimiter}y\n1.5{delimiter}2{delimiter}3\n4{delimiter}5{delimiter}6\n", new CsvDialect(delimiter));
        Assert.Equal(Fingerprint.Of(commas.Data), Fingerprint.Of(other.Data));
        Assert.Equal(["x", "a,b"], other.Schema.Features.ToArray());
    }

    [Fact]
    public void A_tsv_file_is_read_as_tab_separated_by_its_name()
    {
        using var dir = new TempDirectory();
        var table = (CsvTable)FileInput.ReadCsv(dir.Write("data.tsv", "x\ty\n1,5\t2\n"));
        Assert.Equal(["x", "y"], table.Header.ToArray());
        Assert.Equal("1,5", table.Cell(0, 0));
    }

    [Fact]
    public void Without_a_header_the_columns_are_c0_c1_and_the_first_line_is_data()
    {
        var table = (CsvTable)Parse("1,2,3\n4,5,6\n", new CsvDialect(HasHeader: false));
        Assert.Equal(["c0", "c1", "c2"], table.Header.ToArray());
        Assert.Equal([1, 2], Enumerable.Range(0, table.RowCount).Select(table.Line).ToArray());
        var (data, _) = ((Dataset, DataSchema))TabularData.Load(table, ["c2"], TaskKind.Regression);
        Assert.Equal([3.0, 6.0], data.Targets.Column(0).ToArray());
    }

    [Theory]
    [InlineData("sepal_length;species\n5.1;setosa\n", "holding ';': set delimiter ';'")]
    [InlineData("sepal_length\tspecies\n5.1\tsetosa\n", "holding tabs: set delimiter tab")]
    public void A_one_column_header_holding_a_likely_delimiter_names_it(string text, string hint) =>
        ReaderRefusal.Expect(Parse(text).Bind(t => TabularData.Load(t, ["species"], null)), Source, "no column named 'species'", hint);

    [Fact]
    public void A_quote_cannot_be_a_delimiter() => Assert.NotNull(CsvDialect.Refusal("\""));

    [Theory]
    [InlineData("ab", "'ab' is not one character")]
    [InlineData("", "'' is not one character")]
    [InlineData(".", "'.' cannot separate fields (it can be part of a field: a quote, a line break, a letter, a digit or a number's sign or point)")]
    [InlineData("-", "'-' cannot separate fields")]
    [InlineData("+", "'+' cannot separate fields")]
    [InlineData("x", "'x' cannot separate fields")]
    [InlineData("7", "'7' cannot separate fields")]
    [InlineData("#", "'#' cannot separate fields (the reader takes a tab or a printable ASCII character other than '#')")]
    [InlineData("§", "'§' cannot separate fields (the reader takes a tab")]
    [InlineData("\u007f", "cannot separate fields (the reader takes a tab")]
    [InlineData("\u001f", "cannot separate fields (the reader takes a tab")]
    public void A_delimiter_that_is_not_one_character_or_can_be_part_of_a_field_is_refused(string delimiter, string refusal) =>
        Assert.Contains(refusal, CsvDialect.Refusal(delimiter));

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    [InlineData(" ")]
    [InlineData("~")]
    public void A_delimiter_no_field_can_hold_is_taken(string delimiter) => Assert.Null(CsvDialect.Refusal(delimiter));

    [Fact]
    public void Delimiters_are_named_as_a_user_types_them_and_only_the_comma_with_a_header_is_the_default()
    {
        Assert.Equal(["tab", "space", "';'", "','"], new[] { '\t', ' ', ';', ',' }.Select(d => new CsvDialect(d).DelimiterName));
        Assert.True(new CsvDialect().IsDefault);
        Assert.False(CsvDialect.Tabs.IsDefault);
        Assert.False(new CsvDialect(',', HasHeader: false).IsDefault);
    }

    [Theory]
    [InlineData('#', "'#' cannot separate fields")]
    [InlineData('§', "'§' cannot separate fields")]
    public void A_dialect_built_around_the_refusal_is_refused_when_a_file_is_read(char delimiter, string refusal) =>
        ReaderRefusal.Expect(Parse("x,y\n1,2\n", new CsvDialect(delimiter)), Source, refusal);

    [Fact]
    public void A_ragged_row_is_refused_in_any_dialect() =>
        ReaderRefusal.Expect(Parse("x;y\n1;2\n3\n", new CsvDialect(';')), Source, "line 3 has 1 fields but the header has 2");
}
