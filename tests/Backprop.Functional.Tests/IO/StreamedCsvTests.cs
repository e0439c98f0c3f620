using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// A regular file is scanned and parsed in 1 MiB chunks, never held whole: the chunks' seams must
/// not show (a character cut in two, a line number, a byte offset), and a table too big for the
/// memory is refused with its figures before it is parsed.
/// </summary>
public sealed class StreamedCsvTests
{
    private const int Chunk = 1 << 20;

    [Fact]
    public void A_file_streamed_from_disk_is_the_table_its_bytes_parse_to()
    {
        using var dir = new TempDirectory();
        var text = Rows(3 * Chunk);
        var path = dir.Write("rows.csv", text);
        var streamed = (CsvTable)FileInput.ReadCsv(path);
        var inMemory = (CsvTable)Csv.Parse(path, Encoding.UTF8.GetBytes(text));
        Assert.Equal(inMemory.RowCount, streamed.RowCount);
        Assert.True(streamed.RowCount > 100_000);
        foreach (var row in new[] { 0, 1, streamed.RowCount / 2, streamed.RowCount - 1 })
        {
            Assert.Equal(inMemory.Line(row), streamed.Line(row));
            Assert.Equal(inMemory.Cell(row, 0), streamed.Cell(row, 0));
            Assert.Equal(inMemory.Cell(row, 1), streamed.Cell(row, 1));
        }
    }

    [Fact]
    public void A_character_cut_by_a_chunks_end_is_read_whole()
    {
        using var dir = new TempDirectory();
        // "é" is two bytes; the header and padding put its first byte at the last position of the first chunk.
        var head = "name,x\n";
        var padding = new string('a', Chunk - Encoding.UTF8.GetByteCount(head) - 1);
        var path = dir.Write("cut.csv", head + padding + "é,1\nb,2\n");
        var table = (CsvTable)FileInput.ReadCsv(path);
        Assert.Equal(padding + "é", table.Cell(0, 0));
        Assert.Equal("b", table.Cell(1, 0));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void A_bad_byte_past_the_first_chunk_is_named_by_its_line_and_offset(string lineEnd)
    {
        using var dir = new TempDirectory();
        var text = Rows(Chunk + 5_000, lineEnd);
        var bytes = Encoding.UTF8.GetBytes(text + "9,\xFF" + lineEnd).ToList();
        var at = Encoding.UTF8.GetByteCount(text) + 2;
        bytes[at] = 0xFF;
        var path = dir.File("bad.csv");
        File.WriteAllBytes(path, [.. bytes]);
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, $"line {Lines(text, lineEnd)}: not valid UTF-8 text (byte {at} of the file)");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void A_table_bigger_than_the_memory_it_may_use_is_refused_with_both_figures(string lineEnd)
    {
        var text = Rows(10_000, lineEnd);
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = Lines(text, lineEnd);
        var needed = Csv.LoadingBytes(lines, 2);
        ReaderRefusal.Expect(Csv.Parse("rows.csv", bytes, availableBytes: needed - 1), "rows.csv",
            $"about {lines:N0} rows × 2 columns need {ByteSize.Text(needed)} to load, more than the {ByteSize.Text(needed - 1)} this process may use");
        Assert.True(Csv.Parse("rows.csv", bytes, availableBytes: needed).IsSucc);
    }

    [Fact]
    public void Text_cells_past_the_memory_the_numbers_leave_are_refused_at_the_first_that_does_not_fit()
    {
        // 100 rows of distinct 4-character labels: each new string costs 24 + 2 x 4 bytes, and the
        // column's text slots 8 bytes a line. Room for 60 labels refuses the 61st, on line 62.
        var text = new StringBuilder("label,x\n");
        for (var r = 0; r < 100; r++) text.Append($"r{r:D3},{r}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        const int lines = 102;
        var numbers = Csv.LoadingBytes(lines, 2);
        var room = numbers + 8 * lines + 60 * 32;
        ReaderRefusal.Expect(Csv.Parse("labels.csv", bytes, availableBytes: room), "labels.csv",
            $"line 62, column 'label': not enough memory for the text cells: the table's text needs more than the {ByteSize.Text(room - numbers)} left of what this process may use");
        Assert.True(Csv.Parse("labels.csv", bytes, availableBytes: room + 40 * 32).IsSucc);
        // Without room for the column's text slots, its first text cell is refused.
        ReaderRefusal.Expect(Csv.Parse("labels.csv", bytes, availableBytes: numbers + 8 * lines - 1), "labels.csv", "line 2, column 'label': not enough memory");
        Assert.True(Csv.Parse("labels.csv", bytes, availableBytes: room + 40 * 32 - 1).IsFail);
    }

    [Fact]
    public void A_repeated_label_takes_its_memory_once()
    {
        var text = new StringBuilder("label,x\n");
        for (var r = 0; r < 1_000; r++) text.Append($"same,{r}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var room = Csv.LoadingBytes(1_002, 2) + 8 * 1_002 + 32;
        Assert.Equal(1_000, ((CsvTable)Csv.Parse("labels.csv", bytes, availableBytes: room)).RowCount);
    }

    [Fact]
    public void A_file_far_too_big_is_refused_from_its_first_chunk_estimate()
    {
        using var dir = new TempDirectory();
        var text = Rows(4 * Chunk);
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = text.Count(c => c == '\n') + 1;
        // Room for the first chunk's rows but not a tenth of the file's: the estimate, not the count, refuses it.
        var refusal = ReaderRefusal.Expect(Csv.Parse("rows.csv", bytes, availableBytes: Csv.LoadingBytes(lines / 10, 2)), "rows.csv", "rows × 2 columns need");
        Assert.DoesNotContain($"about {lines:N0} rows", refusal);
    }

    private static string Rows(int atLeastBytes, string lineEnd = "\n")
    {
        var text = new StringBuilder("id,value").Append(lineEnd);
        for (var r = 0; text.Length < atLeastBytes; r++) text.Append(r).Append(',').Append((r * 0.37).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(lineEnd);
        return text.ToString();
    }

    /// <summary>Lines of <paramref name="text"/>: its line ends plus one.</summary>
    private static int Lines(string text, string lineEnd) => text.Split(lineEnd).Length;
}
