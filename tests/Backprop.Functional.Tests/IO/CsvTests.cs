using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>CSV files that load (RFC 4180 quoting, a BOM) and every kind of malformed one, refused with the file, line and column named.</summary>
public sealed class CsvTests
{
    private const string Source = "data.csv";

    private static Fin<CsvTable> Parse(string text) => Csv.Parse(Source, Encoding.UTF8.GetBytes(text));

    private static Fin<(Dataset Data, DataSchema Schema)> Load(string text, string target = "y") =>
        Parse(text).Bind(t => TabularData.Load(t, [target], null));

    private static void Refused(string text, params string[] fragments) => ReaderRefusal.Expect(Parse(text), Source, fragments);

    private static void LoadRefused(string text, params string[] fragments) => ReaderRefusal.Expect(Load(text), Source, fragments);

    [Fact]
    public void Quoted_fields_load_with_commas_quotes_and_line_breaks_inside()
    {
        var table = (CsvTable)Parse("\"x\",\"label\"\r\n1,\"setosa\"\r\n2,\"a, b\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"two\nlines\"\r\n5,\"\"\r\n");
        Assert.Equal(["x", "label"], table.Header.ToArray());
        Assert.Equal(["setosa", "a, b", "say \"hi\"", "two\nlines", ""], table.Records.Map(r => r.Fields[1]).ToArray());
        Assert.Equal([2, 3, 4, 5, 7], table.Records.Map(r => r.Line).ToArray());
    }

    [Fact]
    public void A_quoted_class_label_loads_as_the_same_class_as_the_bare_one()
    {
        var (_, schema) = ((Dataset, DataSchema))Load("x,y\n1,\"setosa\"\n2,setosa\n3,\"virginica\"\n");
        Assert.Equal(["setosa", "virginica"], schema.Classes.ToArray());
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_stripped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("x,y\n1,2\n")).ToArray();
        Assert.Equal(["x", "y"], ((CsvTable)Csv.Parse(Source, bytes)).Header.ToArray());
    }

    [Fact]
    public void Blank_lines_at_the_end_are_tolerated_however_many()
    {
        // A blank line used to trigger a scan to the end of the file: 200,000 of them took 13 s.
        var table = (CsvTable)Parse("x,y\n1,2" + new string('\n', 200_000));
        Assert.Single(table.Records);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t\n")]
    public void An_empty_file_is_refused(string text) => Refused(text, "the file is empty");

    [Fact]
    public void A_header_without_rows_is_refused_when_loading() => LoadRefused("x,y\n", "a header but no data rows");

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "line 3 has 1 fields but the header has 2")]
    [InlineData("x,y\n1,2\n3,4,5\n", "line 3 has 3 fields but the header has 2")]
    public void A_ragged_row_is_refused(string text, string problem) => Refused(text, problem);

    [Fact]
    public void A_blank_line_between_rows_is_refused() => Refused("x,y\n1,2\n\n3,4\n", "line 3 is empty");

    [Fact]
    public void An_unterminated_quote_is_refused_at_the_line_it_opens() =>
        Refused("x,y\n1,2\n3,\"open\n4,5\n", "line 3, column 'y': a quoted field is never closed");

    [Fact]
    public void Text_after_a_closing_quote_is_refused() =>
        Refused("x,y\n1,\"setosa\"x\n", "line 2, column 'y': text after a closing quote");

    [Fact]
    public void Bad_quoting_after_a_line_break_inside_a_quoted_field_is_placed_on_the_line_it_is_on() =>
        Refused("x,y\n1,\"a\n\"c\n", "line 3, column 'y': text after a closing quote");

    [Fact]
    public void Text_starting_with_a_byte_order_mark_parses_as_the_text_after_it()
    {
        static string Loaded(string text)
        {
            var (data, _) = ((Dataset, DataSchema))Csv.Parse(Source, text).Bind(t => TabularData.Load(t, ["y"], null));
            return Fingerprint.Of(data);
        }
        Assert.Equal(["x", "y"], ((CsvTable)Csv.Parse(Source, "\uFEFFx,y\n1,2\n3,4\n")).Header.ToArray());
        Assert.Equal(Loaded("x,y\n1,2\n3,4\n"), Loaded("\uFEFFx,y\n1,2\n3,4\n"));
        ReaderRefusal.Expect(Csv.Parse(Source, ""), Source, "the file is empty");
    }

    [Fact]
    public void Rows_of_a_table_are_a_table_of_their_own_and_rows_past_its_end_are_refused()
    {
        var table = (CsvTable)Parse("x,y\n1,a\n2,b\n3,c\n");
        var middle = table.Rows(1, 2);
        Assert.Equal(2, middle.RowCount);
        Assert.Equal(["b", "c"], new[] { middle.Cell(0, 1), middle.Cell(1, 1) });
        Assert.Equal([3, 4], new[] { middle.Line(0), middle.Line(1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Rows(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Rows(1, 3));
        Assert.Equal(0, table.Rows(3, 0).RowCount);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_refused() =>
        Refused("x,y\n1,set\"osa\n", "line 2, column 'y': a quote inside an unquoted field");

    [Fact]
    public void Bad_quoting_in_a_field_past_the_header_is_placed_by_field_number() =>
        Refused("x,y\n1,2,\"3\"4\n", "line 2, field 3: text after a closing quote");

    [Fact]
    public void A_quoted_field_longer_than_the_reader_holds_is_refused_in_one_line()
    {
        // Each line is short (the line guard passes it); the record, one quoted field over many lines, is 16 M characters.
        var text = new StringBuilder("a,b\n1,\"");
        text.Insert(text.Length, "x\n", 8_400_000).Append("\"\n");
        Refused(text.ToString(), "cannot be read as delimited text (Buffer or row has reached maximum supported length");
    }

    [Fact]
    public void Bad_quoting_in_the_header_is_placed_by_field_number() => Refused("x,\"y\"z\n1,2\n", "line 1, field 2: text after a closing quote");

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_with_their_line_and_offset()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("x,y\n1,2\n3,")).Append((byte)0xFF).ToArray();
        ReaderRefusal.Expect(Csv.Parse(Source, bytes), Source, "line 3: not valid UTF-8 text (byte 13 of the file)");
    }

    [Fact]
    public void A_utf16_file_is_refused_as_such()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("x,y\n1,2\n")).ToArray();
        ReaderRefusal.Expect(Csv.Parse(Source, bytes), Source, "UTF-16 text; save it as UTF-8");
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e309")]
    [InlineData("-1e99999999999999999999")]
    [InlineData("10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public void A_number_too_large_for_a_double_is_refused(string number) =>
        LoadRefused($"x,y\n{number},1\n2,3\n", "line 2, column 'x':", "is not a finite number");

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("nan")]
    public void NaN_and_infinity_text_are_refused(string text) =>
        LoadRefused($"x,y\n1,1\n{text},2\n", $"line 3, column 'x': '{text}' is not a finite number");

    [Theory]
    [InlineData("abc", "'abc' is not a number")]
    [InlineData("1,5", "'1,5' is not a number")]
    [InlineData("0x10", "'0x10' is not a number")]
    [InlineData("∞", "'∞' is not a number")]
    [InlineData(" ", "the cell is empty")]
    public void A_cell_that_is_not_a_number_is_refused(string cell, string problem) =>
        LoadRefused($"x,z,y\n\"{cell}\",1,2\n", "line 2, column 'x'", problem);

    [Theory]
    [InlineData("x,x,y\n1,2,3\n", "column name 'x' appears twice in the header (columns 1 and 2)")]
    [InlineData("x, x ,y\n1,2,3\n", "column name 'x' appears twice")]
    [InlineData("x,\"x\",y\n1,2,3\n", "column name 'x' appears twice")]
    public void Duplicate_column_names_are_refused(string text, string problem) => Refused(text, problem);

    [Fact]
    public void An_empty_column_name_is_refused() => Refused("x,,y\n1,2,3\n", "column 2 of the header has no name");

    [Fact]
    public void Many_columns_are_checked_for_duplicates_in_linear_time()
    {
        // Checking every name against every other one took 10 s for 100,000 columns.
        var table = (CsvTable)Parse(string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"c{i}")) + "\n");
        Assert.Equal(100_000, table.Header.Count);
    }

    [Fact]
    public void A_value_with_line_breaks_and_control_characters_is_escaped_in_the_message() =>
        LoadRefused("x,y\n\"1\n2\u0007\u202e\",1\n", "line 2, column 'x': '1\\n2\\u0007\\u202E' is not a number");

    [Fact]
    public void A_long_value_is_shortened_in_the_message()
    {
        var message = ReaderRefusal.Expect(Load($"x,y\n{new string('9', 10_000)}z,1\n"), Source, "...' is not a number");
        Assert.True(message.Length < 120, message);
    }

    [Fact]
    public void A_missing_target_column_is_refused_with_the_columns_listed() =>
        LoadRefused("a,b\n1,2\n", "no column named 'y' (columns: 'a', 'b')");

    [Fact]
    public void A_column_list_too_long_to_read_is_cut() =>
        Assert.Contains("... (1000 in all)", ReaderRefusal.Expect(Load(string.Join(",", Enumerable.Range(0, 1000).Select(i => $"c{i}")) + "\n" + string.Join(",", Enumerable.Repeat("1", 1000)) + "\n"), Source));

    [Fact]
    public void An_empty_class_label_is_refused() => LoadRefused("x,y\n1,a\n2, \n", "line 3, column 'y': the label is empty");

    [Fact]
    public void A_single_class_is_refused() => LoadRefused("x,y\n1,a\n2,a\n", "column 'y' holds a single class ('a')");

    [Fact]
    public void A_label_column_of_unique_values_too_large_to_one_hot_encode_is_refused()
    {
        // 50,000 rows × 50,000 classes overflowed the one-hot array's int size (and would need 20 GB).
        var rows = string.Join("\n", Enumerable.Range(0, 50_000).Select(i => $"1,c{i}"));
        LoadRefused("x,y\n" + rows + "\n", "column 'y' holds 50000 classes in 50000 rows; one-hot targets would exceed");
    }

    [Fact]
    public void A_column_name_longer_than_the_limit_is_refused_with_its_place() =>
        Refused("x," + new string('n', 2000) + "\n1,2\n", "line 1, column 2 ('nnnn", "a column name of 2,000 characters is longer than the 1,024 a name may have");

    [Fact]
    public void A_class_label_longer_than_the_limit_is_refused_with_its_line_and_column() =>
        LoadRefused("x,y\n1,a\n2," + new string('b', 2000) + "\n", "line 3, column 'y': a class label of 2,000 characters is longer than the 1,024 a label may have");

    [Fact]
    public void Names_and_labels_as_long_as_the_limit_load()
    {
        var (name, label) = (new string('n', Csv.MaxNameLength), new string('b', Csv.MaxNameLength));
        var (_, schema) = ((Dataset, DataSchema))Load($"x,{name}\n1,a\n2,{label}\n", name);
        Assert.Equal(label, schema.Classes[1]);
    }

    [Fact]
    public void A_read_error_part_way_through_the_text_is_refused_with_the_error()
    {
        var rows = Encoding.UTF8.GetBytes("x,y\n" + string.Concat(Enumerable.Repeat("1,2\n", 100_000)));
        using var failing = new FailingStream(rows, failAt: rows.Length / 2);
        ReaderRefusal.Expect(CsvReader.Read(Source, failing, 16, CsvDialect.Default, null), Source,
            "cannot be read as delimited text (Input/output error)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n\n")]
    public void Text_without_a_line_that_is_not_empty_has_no_table(string text)
    {
        // The file readers refuse such a file when they scan it; the reader behind them refuses it too.
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        ReaderRefusal.Expect(CsvReader.Read(Source, stream, 4, CsvDialect.Default, null), Source, "the file is empty");
    }

    /// <summary>A disk that fails part way: its bytes up to <c>failAt</c>, then an I/O error.</summary>
    private sealed class FailingStream(byte[] bytes, int failAt) : MemoryStream(bytes, writable: false)
    {
        // A MemoryStream subclass's span reads come here too (through Stream's own span read).
        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAt ? throw new IOException("Input/output error") : base.Read(buffer, offset, (int)Math.Min(count, failAt - Position));
    }
}
