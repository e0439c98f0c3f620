using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// What the scan before parsing reports, figure by figure: the byte-order mark, the bytes, lines
/// and columns, whether there are quotes, where the middle line starts, the first chunk's estimate,
/// and where a chunk's end cuts a character.
/// </summary>
public sealed class TextScanTests
{
    private const int Chunk = 1 << 20;

    private static TextScan Scan(byte[] bytes, CsvDialect? dialect = null)
    {
        using var stream = new MemoryStream(bytes);
        return TextScan.Of("t.csv", stream, bytes.Length, dialect ?? CsvDialect.Default, (_, _) => Unit.Default).ThrowIfFail();
    }

    [Fact]
    public void A_text_shorter_than_a_chunk_is_scanned_in_a_buffer_of_its_own_size()
    {
        // A whole chunk's buffer for every small file made each parse of a few lines cost 0.1 ms (the fuzzer's CSV cases ran ten times slower).
        var bytes = Encoding.UTF8.GetBytes("a,b,y\n1,2,3\n4,5,6\n");
        Scan(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var scan = Scan(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((4L, 3), (scan.Lines, scan.Columns));
        Assert.True(allocated < Chunk / 16, $"scanning {bytes.Length} bytes allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_text_as_long_as_the_largest_length_is_still_read_in_whole_chunks()
    {
        // length + 1 would wrap there and leave a buffer of nothing, read forever: an endless text of
        // NULs said to be long.MaxValue bytes must be refused at its first line, as a sparse file is.
        using var zeros = new EndlessZeros();
        var scan = TextScan.Of("t.csv", zeros, long.MaxValue, CsvDialect.Default, (_, _) => Unit.Default);
        ReaderRefusal.Expect(scan, "t.csv", "line 1 is longer than 16 MiB");
    }

    /// <summary>A stream of NUL bytes without end.</summary>
    private sealed class EndlessZeros : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            buffer.Clear();
            return buffer.Length;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>What the scan of <paramref name="bytes"/> asks, in order, about the lines and columns it must hold.</summary>
    private static List<(long Lines, int Columns)> Asked(byte[] bytes)
    {
        var asked = new List<(long Lines, int Columns)>();
        using var stream = new MemoryStream(bytes);
        TextScan.Of("t.csv", stream, bytes.Length, CsvDialect.Default, (lines, columns) =>
        {
            asked.Add((lines, columns));
            return Unit.Default;
        }).ThrowIfFail();
        return asked;
    }

    [Fact]
    public void A_small_file_is_reported_figure_by_figure()
    {
        var text = "\n\r\na,b;c,d\n1,2,3\n4,5,6\n";
        var scan = Scan(Encoding.UTF8.GetBytes(text));
        Assert.Equal(0, scan.Bom);
        Assert.Equal(text.Length, scan.Bytes);
        Assert.Equal(6, scan.Lines);
        Assert.Equal(3, scan.Columns);
        Assert.False(scan.HasQuotes);
        // Half of 23 bytes is 11; the first line break from there is byte 16, so the second half starts at 17, after 4 breaks.
        Assert.Equal((17L, 4L), scan.Middle);
        Assert.Equal(2, Scan(Encoding.UTF8.GetBytes(text), new CsvDialect(';', true)).Columns);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped_and_counted_apart()
    {
        var body = Encoding.UTF8.GetBytes("x,\"y\"\n1,2\n");
        var scan = Scan([0xEF, 0xBB, 0xBF, .. body]);
        Assert.Equal(3, scan.Bom);
        Assert.Equal(body.Length, scan.Bytes);
        Assert.True(scan.HasQuotes);
        Assert.Equal(2, scan.Columns);
    }

    [Fact]
    public void Quotes_past_the_first_chunk_are_seen()
    {
        // A quote in the first chunk and one past it: each chunk's quotes add to what is known, not toggle it.
        var text = new StringBuilder("a,\"b\"\n");
        while (text.Length < 2 * Chunk) text.Append("1,2\n");
        text.Append("\"3\",4\n");
        for (var i = 0; i < 10; i++) text.Append("5,6\n");
        Assert.True(Scan(Encoding.UTF8.GetBytes(text.ToString())).HasQuotes);
    }

    [Fact]
    public void The_middle_of_a_large_file_is_the_first_line_start_past_half_its_length()
    {
        var text = new StringBuilder("a,b\n");
        for (var r = 0; text.Length < 3 * Chunk; r++) text.Append(r).Append(',').Append(r % 7).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var half = bytes.Length / 2;
        var expected = Array.IndexOf(bytes, (byte)'\n', half) + 1;
        var scan = Scan(bytes);
        Assert.Equal(expected, scan.Middle!.Value.Offset);
        Assert.Equal(bytes.AsSpan(0, expected).Count((byte)'\n'), scan.Middle.Value.Newlines);
        Assert.Equal(bytes.AsSpan().Count((byte)'\n') + 1, scan.Lines);
    }

    [Fact]
    public void A_file_of_exactly_one_chunk_is_asked_about_once_with_its_count()
    {
        // The first chunk is the whole file: there is nothing to estimate, only the count.
        var text = new StringBuilder("a,b\n");
        while (text.Length + 4 <= Chunk - 4) text.Append("1,2\n");
        var padding = Chunk - text.Length - 3;
        text.Append("1,").Append('5', padding).Append('\n');
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        Assert.Equal(Chunk, bytes.Length);
        var asked = Asked(bytes);
        Assert.Equal([(bytes.AsSpan().Count((byte)'\n') + 1L, 2)], asked);
    }

    [Fact]
    public void A_first_chunk_of_blank_lines_does_not_decide_the_columns()
    {
        // A first chunk of lines holding only a tab (white space); the next chunk starts with the header.
        var text = new StringBuilder();
        while (text.Length < Chunk) text.Append("\t\n");
        text.Append("a,b,c\n1,2,3\n");
        Assert.Equal(3, Scan(Encoding.ASCII.GetBytes(text.ToString())).Columns);
    }

    [Theory]
    [InlineData("\r\n", 2)]
    [InlineData("\r", 1)]
    public void A_line_end_at_the_first_chunks_end_past_the_middle_is_where_the_second_half_starts(string lineEnd, int pastChunk)
    {
        // "a,b", then one long line whose end's \r is the first chunk's last byte, then enough rows
        // that half the file falls inside the long line: its end is the first break past the middle.
        var start = "a,b" + lineEnd + "1,";
        var text = new StringBuilder(start).Append('2', Chunk - 1 - start.Length).Append(lineEnd);
        while (text.Length < 2 * Chunk - 100) text.Append("3,4").Append(lineEnd);
        var scan = Scan(Encoding.ASCII.GetBytes(text.ToString()));
        Assert.Equal((Chunk - 1L + pastChunk, 2L), scan.Middle);
        Assert.Equal(text.ToString().Split(lineEnd).Length, scan.Lines);
    }

    [Fact]
    public void The_first_chunk_estimate_scales_its_lines_to_the_file()
    {
        var text = new StringBuilder("a,b\n");
        for (var r = 0; text.Length < 5 * Chunk; r++) text.Append(r % 10).Append(",1\n");
        // With a byte-order mark, which is not text: the first chunk holds Chunk − 3 bytes of it, the file length − 3.
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text.ToString())];
        var firstChunkLines = bytes.AsSpan(0, Chunk).Count((byte)'\n');
        var estimate = (long)Math.Ceiling((double)firstChunkLines * (bytes.Length - 3) / (Chunk - 3));
        var asked = Asked(bytes);
        // Asked twice: after the first chunk with the estimate, at the end with the count.
        Assert.Equal([(estimate, 2), (bytes.AsSpan().Count((byte)'\n') + 1L, 2)], asked);
    }

    [Theory]
    [InlineData("é", 1)]
    [InlineData("€", 1)]
    [InlineData("€", 2)]
    [InlineData("\u0800", 1)]
    [InlineData("\u0800", 2)]
    [InlineData("😀", 1)]
    [InlineData("😀", 2)]
    [InlineData("😀", 3)]
    public void A_character_cut_by_the_first_chunks_end_is_kept_whole(string character, int bytesInFirstChunk)
    {
        // The character starts bytesInFirstChunk bytes before the chunk's end; a cut there must not read as bad UTF-8.
        var head = "name,x\n";
        var padding = new string('a', Chunk - head.Length - bytesInFirstChunk);
        var text = head + padding + character + ",1\n" + "b,2\n";
        var scan = Scan(Encoding.UTF8.GetBytes(text));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), scan.Bytes);
        Assert.Equal(4, scan.Lines);
        var table = (CsvTable)Csv.Parse("t.csv", Encoding.UTF8.GetBytes(text));
        Assert.Equal(padding + character, table.Cell(0, 0));
    }

    [Fact]
    public void A_line_may_be_16_MiB_and_not_a_byte_more()
    {
        var guard = new LineGuard("t.csv");
        Assert.Null(guard.Take("a,b\nxy"u8));
        // "xy" and these bytes make one line of exactly the longest length.
        Assert.Null(guard.Take(new byte[TextScan.MaxLineBytes - 2]));
        Assert.Equal(1, guard.Newlines);
        var refusal = guard.Take("z"u8);
        Assert.NotNull(refusal);
        Assert.Equal("t.csv: line 2 is longer than 16 MiB: not a table of rows", refusal!.Message);

        var fresh = new LineGuard("t.csv");
        Assert.Null(fresh.Take("a\nbc\nd"u8));
        Assert.Null(fresh.Take(new byte[TextScan.MaxLineBytes - 1]));
        Assert.NotNull(fresh.Take("e"u8));
    }
}
