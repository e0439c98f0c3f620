using System.Text;
using Backprop.Functional.IO;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// The scan counts line breaks as Sep does (<c>\n</c>, <c>\r\n</c>, a lone <c>\r</c>), whatever the
/// chunks the text comes in: its line numbers, split and memory estimate rest on that.
/// </summary>
public sealed class LineBreaksTests
{
    private static readonly Gen<string> Text =
        Gen.Elements('1', ',', '\r', '\n').ArrayOf().Select(c => new string(c));

    [Property(MaxTest = 1000)]
    public Property Counting_chunk_by_chunk_gives_the_count_of_the_whole_text()
    {
        var cases = from text in Text
                    from cuts in Gen.Choose(0, 60).ArrayOf()
                    select (text, cuts);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var bytes = Encoding.ASCII.GetBytes(c.text);
            var ends = c.cuts.Select(cut => Math.Min(cut, bytes.Length)).Append(bytes.Length).Order().ToArray();
            var (sum, start, afterReturn) = (0L, 0, false);
            foreach (var end in ends)
            {
                sum += LineBreaks.Count(bytes.AsSpan(start, end - start), afterReturn);
                if (end > start) afterReturn = bytes[end - 1] == '\r';
                start = end;
            }
            return sum == ByDefinition(c.text) && LineBreaks.Count(bytes, false) == sum;
        });
    }

    [Property(MaxTest = 300)]
    public Property A_rows_line_number_is_the_breaks_before_it_plus_one_as_the_reader_numbers_it()
    {
        var ends = Gen.Elements("\n", "\r\n", "\r");
        var cases = from count in Gen.Choose(1, 12)
                    from lineEnds in ends.ArrayOf(count + 1)
                    select lineEnds;
        return Prop.ForAll(cases.ToArbitrary(), lineEnds =>
        {
            var text = new StringBuilder("a").Append(lineEnds[0]);
            var starts = new List<int>();
            for (var r = 1; r < lineEnds.Length; r++)
            {
                starts.Add(text.Length);
                text.Append(r).Append(lineEnds[r]);
            }
            var table = (CsvTable)Csv.Parse("t.csv", Encoding.ASCII.GetBytes(text.ToString()));
            var all = text.ToString();
            return table.RowCount == starts.Count
                && starts.Select((start, r) => table.Line(r) == LineBreaks.Count(Encoding.ASCII.GetBytes(all[..start]), false) + 1).All(x => x);
        });
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("\n", 1)]
    [InlineData("\r", 1)]
    [InlineData("\r\n", 1)]
    [InlineData("\n\r", 2)]
    [InlineData("\r\r\n", 2)]
    [InlineData("a\rb\r\nc\nd", 3)]
    public void Each_kind_of_line_end_is_one_break(string text, long breaks) =>
        Assert.Equal(breaks, LineBreaks.Count(Encoding.ASCII.GetBytes(text), afterCarriageReturn: false));

    [Fact]
    public void A_newline_after_a_chunk_that_ended_in_a_carriage_return_is_not_a_break_of_its_own()
    {
        Assert.Equal(0, LineBreaks.Count("\n"u8, afterCarriageReturn: true));
        Assert.Equal(1, LineBreaks.Count("\n\n"u8, afterCarriageReturn: true));
        Assert.Equal(1, LineBreaks.Count("\r"u8, afterCarriageReturn: true));
        Assert.Equal(0, LineBreaks.Count(""u8, afterCarriageReturn: true));
    }

    [Theory]
    [InlineData("ab\ncd", 0, false, true, 3)]
    [InlineData("ab\r\ncd", 0, false, true, 4)]
    [InlineData("ab\rcd", 0, false, true, 3)]
    [InlineData("ab\r\ncd", 3, false, true, 4)]
    [InlineData("ab\ncd\n", 3, false, true, 6)]
    [InlineData("abcd", 0, false, true, -1)]
    [InlineData("ab\r", 0, false, false, -1)]
    [InlineData("ab\r", 0, false, true, 3)]
    [InlineData("\nab", 0, false, false, 1)]
    [InlineData("\nab\n", 0, true, false, 1)]
    [InlineData("ab\n", 0, true, false, 0)]
    [InlineData("ab\ncd\n", 1, true, false, 3)]
    public void The_first_break_ends_after_its_last_byte(string text, int from, bool afterCarriageReturn, bool final, int end) =>
        Assert.Equal(end, LineBreaks.EndOfFirst(Encoding.ASCII.GetBytes(text), from, afterCarriageReturn, final));

    [Fact]
    public void A_line_cut_by_the_chunks_is_measured_from_its_last_break()
    {
        // 16 MiB of text after a lone carriage return is one line exactly at the limit; one byte more is refused.
        var guard = new LineGuard("t.csv");
        Assert.Null(guard.Take("x\r"u8));
        Assert.True(guard.AfterCarriageReturn);
        Assert.Null(guard.Take(new byte[TextScan.MaxLineBytes]));
        Assert.False(guard.AfterCarriageReturn);
        Assert.Equal("t.csv: line 2 is longer than 16 MiB: not a table of rows", guard.Take("y"u8)?.Message);
    }

    private static long ByDefinition(string text) =>
        text.Select((c, i) => c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) ? 1L : 0L).Sum();
}
