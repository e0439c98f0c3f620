using System.Globalization;
using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// A large file without quotes is read in two halves at once: the table, its line numbers, its
/// spellings and text cells, and its refusals must be exactly those of one reader going through it.
/// </summary>
public sealed class CsvHalvesTests
{
    [Fact]
    public void Two_halves_read_the_table_one_reader_reads()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 10 << 20);
        var path = dir.Write("big.csv", text);
        var halves = (CsvTable)FileInput.ReadCsv(path);
        var whole = (CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text));
        Assert.Equal(whole.Header, halves.Header);
        Assert.Equal(whole.RowCount, halves.RowCount);
        for (var r = 0; r < whole.RowCount; r++)
        {
            Assert.Equal(whole.Line(r), halves.Line(r));
            for (var c = 0; c < whole.Header.Count; c++) Assert.Equal(whole.Cell(r, c), halves.Cell(r, c));
        }
        // Number labels are named by their shortest spelling in the whole file, wherever it occurs.
        var (wholeData, wholeSchema) = TabularData.Load(whole, ["label"], TaskKind.Classification, ["x", "z"]).ThrowIfFail();
        var (halvesData, halvesSchema) = TabularData.Load(halves, ["label"], TaskKind.Classification, ["x", "z"]).ThrowIfFail();
        Assert.Equal(wholeSchema.Classes, halvesSchema.Classes);
        Assert.Equal(Bits(wholeData.Inputs), Bits(halvesData.Inputs));
        Assert.Equal(Bits(wholeData.Targets), Bits(halvesData.Targets));
        Assert.Equal(["1", "2", "3"], halvesSchema.Classes.ToArray());
    }

    [Fact]
    public void A_ragged_row_in_the_second_half_is_refused_as_one_reader_refuses_it()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20);
        var lines = text.Split('\n');
        var bad = lines.Length * 3 / 4;
        lines[bad] += ",extra";
        var path = dir.Write("ragged.csv", string.Join('\n', lines));
        var expected = $"line {bad + 1} has 5 fields but the header has 4";
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, expected);
        ReaderRefusal.Expect(Csv.Parse(path, File.ReadAllBytes(path)), path, expected);
    }

    [Fact]
    public void An_empty_line_at_the_end_of_the_first_half_is_refused_when_records_follow()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20);
        var middle = Encoding.UTF8.GetByteCount(text) / 2;
        // Empty lines just before the middle: the first half ends with them, the second half starts with records.
        var at = text.IndexOf('\n', middle - 200) + 1;
        var blankLine = text[..at].Count(c => c == '\n') + 1;
        var path = dir.Write("gap.csv", text[..at] + "\n\n\n\n" + text[at..]);
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, $"line {blankLine} is empty");
    }

    [Fact]
    public void Empty_lines_across_the_middle_are_refused_at_the_first_of_them()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20);
        // 200 empty lines from the last record boundary before the middle: the middle of the new
        // file falls among them, so each half holds some and the second half's records follow its own.
        var at = text.LastIndexOf('\n', Encoding.UTF8.GetByteCount(text) / 2) + 1;
        var blankLine = text[..at].Count(c => c == '\n') + 1;
        var path = dir.Write("gap.csv", text[..at] + new string('\n', 200) + text[at..]);
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, $"line {blankLine} is empty");
        ReaderRefusal.Expect(Csv.Parse(path, File.ReadAllBytes(path)), path, $"line {blankLine} is empty");
    }

    [Fact]
    public void Lines_ended_every_way_are_split_and_numbered_as_one_reader_numbers_them()
    {
        using var dir = new TempDirectory();
        // Each line ends in \n, \r\n or a lone \r: the halves meet only if the scan counts breaks as Sep does.
        var random = new Random(7);
        string[] ends = ["\n", "\r\n", "\r"];
        var lines = Table(rows => rows.Length < 9 << 20).Split('\n')[..^1];
        var bad = lines.Length * 3 / 4;
        lines[bad] += ",extra";
        var text = string.Concat(lines.Select(line => line + ends[random.Next(3)]));
        var path = dir.Write("mixed.csv", text);
        Assert.NotNull(Scan(path).Middle);
        var expected = $"line {bad + 1} has 5 fields but the header has 4";
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, expected);
        ReaderRefusal.Expect(Csv.Parse(path, File.ReadAllBytes(path)), path, expected);
        lines[bad] = lines[bad][..^",extra".Length];
        var ended = lines.Select(line => line + ends[random.Next(3)]).ToArray();
        text = string.Concat(ended);
        path = dir.Write("mixed.csv", text);
        // The split falls at the start of a line, with exactly the lines before it counted.
        var split = Scan(path).Middle!.Value;
        var starts = ended.Select(line => (long)line.Length).Prepend(0L).ToArray();
        for (var i = 1; i < starts.Length; i++) starts[i] += starts[i - 1];
        Assert.Equal(Array.IndexOf(starts, split.Offset), split.Newlines);
        AssertSameRows((CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text)), (CsvTable)FileInput.ReadCsv(path));
    }

    [Fact]
    public void Halves_whose_line_counts_do_not_meet_are_read_again_as_one()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20);
        var path = dir.Write("big.csv", text);
        var scan = Scan(path);
        var middle = scan.Middle!.Value;
        using var file = File.OpenHandle(path);
        // A split whose count of breaks before it is one short: the second half would start a row early.
        var read = (CsvTable)CsvReader.ReadInHalves(path, file, scan, (middle.Offset, middle.Newlines - 1), CsvDialect.Default, availableBytes: null);
        AssertSameRows((CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text)), read);
    }

    [Fact]
    public void Empty_lines_at_the_end_are_tolerated_by_both_halves()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20);
        var path = dir.Write("tail.csv", text + "\n\n\r\n");
        Assert.Equal(((CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text))).RowCount, ((CsvTable)FileInput.ReadCsv(path)).RowCount);
    }

    [Fact]
    public void Empty_lines_at_the_end_that_reach_past_the_middle_are_tolerated()
    {
        // The second half holds nothing but empty lines: it reads no record, and nothing follows the first half's.
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 4 << 20);
        var path = dir.File("tail.csv");
        File.WriteAllText(path, text + string.Concat(Enumerable.Repeat("\r\n", (5 << 20) / 2)));
        Assert.NotNull(Scan(path).Middle);
        Assert.Equal(text.Count(c => c == '\n') - 1, ((CsvTable)FileInput.ReadCsv(path)).RowCount);
    }

    [Fact]
    public void A_file_of_lone_carriage_returns_is_read_whole_and_right()
    {
        using var dir = new TempDirectory();
        var text = Table(rows => rows.Length < 9 << 20).Replace('\n', '\r');
        var path = dir.Write("cr.csv", text);
        var read = (CsvTable)FileInput.ReadCsv(path);
        var whole = (CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text));
        Assert.Equal(whole.RowCount, read.RowCount);
        Assert.Equal(whole.Cell(whole.RowCount - 1, 2), read.Cell(read.RowCount - 1, 2));
    }

    private static TextScan Scan(string path)
    {
        using var stream = File.OpenRead(path);
        return TextScan.Of(path, stream, stream.Length, CsvDialect.Default, (_, _) => LanguageExt.Unit.Default).ThrowIfFail();
    }

    private static void AssertSameRows(CsvTable whole, CsvTable read)
    {
        Assert.Equal(whole.RowCount, read.RowCount);
        for (var r = 0; r < whole.RowCount; r += 997)
        {
            Assert.Equal(whole.Line(r), read.Line(r));
            Assert.Equal(whole.Cell(r, 2), read.Cell(r, 2));
        }
        Assert.Equal(whole.Line(whole.RowCount - 1), read.Line(read.RowCount - 1));
    }

    private static ulong[] Bits(MathNet.Numerics.LinearAlgebra.Matrix<double> m) =>
        m.Enumerate().Select(v => (ulong)BitConverter.DoubleToInt64Bits(v)).ToArray();

    /// <summary>Rows of a number, a name, a number label spelled many ways (its shortest spelling only late in the file) and an exponent.</summary>
    private static string Table(Func<StringBuilder, bool> more)
    {
        var text = new StringBuilder("x,name,label,z\n");
        string[] spellings = ["01.0", "2.00", "+3", "1.0", "02", "3.000"];
        for (var r = 0; more(text); r++)
        {
            var label = r > 200_000 && r % 1000 == 0 ? (1 + r % 3).ToString(CultureInfo.InvariantCulture) : spellings[r % spellings.Length];
            text.Append((r * 0.731).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append("n").Append(r % 97).Append(',')
                .Append(label).Append(',')
                .Append((r * 1.5e-7).ToString("E3", CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }
}
