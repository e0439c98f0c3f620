using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>The memory a table is planned to take and the rows it may hold, in figures, not through the formula itself.</summary>
public sealed class CsvLimitsTests
{
    [Theory]
    [InlineData(4, 2, 144)] // each row: 2 columns × 2 doubles + a 4-byte line number
    [InlineData(1, 1, 20)]
    [InlineData(1000, 784, 12_548_000)]
    public void A_table_takes_its_doubles_twice_and_a_line_number_per_row(long rows, int columns, long bytes) =>
        Assert.Equal(bytes, Csv.LoadingBytes(rows, columns));

    [Fact]
    public void The_usable_memory_is_a_part_of_what_the_process_may_use()
    {
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.InRange(Csv.UsableBytes, 1, total);
    }

    [Fact]
    public void A_table_may_hold_as_many_rows_as_an_array_and_not_one_more()
    {
        Assert.True(Csv.Fits("t.csv", Array.MaxLength, 1, long.MaxValue).IsSucc);
        ReaderRefusal.Expect(Csv.Fits("t.csv", Array.MaxLength + 1L, 1, long.MaxValue), "t.csv",
            $"about {Array.MaxLength + 1L:N0} lines, more than the {Array.MaxLength:N0} rows a table may hold");
    }
}
