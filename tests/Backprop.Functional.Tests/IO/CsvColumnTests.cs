using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// One column as it is read: the shortest spelling kept for each number, the text cells found
/// below a row, a slice of rows, and a second reader's column merged in.
/// </summary>
public sealed class CsvColumnTests
{
    private static CsvColumn Column(params string[] cells)
    {
        var column = new CsvColumn(cells.Length, TextBudget.Unlimited);
        for (var r = 0; r < cells.Length; r++) Assert.True(column.Add(r, cells[r]));
        return column;
    }

    [Theory]
    [InlineData("1.0", "1", "1")] // shorter wins, whichever comes first
    [InlineData("1", "1.0", "1")]
    [InlineData("1.0", "1e0", "1.0")] // of equal length, the first in ordinal order
    [InlineData("1e0", "1.0", "1.0")]
    public void A_number_is_named_by_its_shortest_spelling_then_the_first_in_ordinal_order(string first, string second, string name)
    {
        var column = Column(first, second);
        Assert.Equal(name, column.Text(0));
        Assert.Equal(name, column.Text(1));
    }

    [Fact]
    public void Spellings_are_kept_for_1024_distinct_numbers_and_given_up_past_them()
    {
        var cells = Enumerable.Range(0, CsvColumn.MaxSpellings).Select(i => $"{i}.0").ToArray();
        Assert.Equal(CsvColumn.MaxSpellings, Column(cells).DistinctNumbers);
        Assert.Equal("7.0", Column(cells).Text(7));
        var more = Column([.. cells, "1024.0"]);
        Assert.Null(more.DistinctNumbers);
        Assert.Equal("7", more.Text(7)); // the round-trip form once spellings are given up
    }

    [Fact]
    public void The_first_text_cell_is_looked_for_only_below_the_row_count_asked_for()
    {
        var column = Column("1", "2", "abc");
        Assert.Equal(-1, column.FirstText(2));
        Assert.Equal(2, column.FirstText(3));
        Assert.Equal(-1, Column("1", "2").FirstText(2));
    }

    [Fact]
    public void A_slice_holds_its_rows_values_texts_and_spellings()
    {
        var column = Column("1.0", "abc", "2.50", "3");
        var slice = column.Slice(1, 2);
        Assert.Equal("abc", slice.Text(0));
        Assert.Equal("2.50", slice.Text(1));
        Assert.Equal(0, slice.FirstText(2));
        Assert.Equal(2.5, slice.Value(1));
        var numbers = column.Slice(2, 2);
        Assert.True(numbers.AllNumbers);
        Assert.Equal(-1, numbers.FirstText(2));
        Assert.Equal(["2.50", "3"], new[] { numbers.Text(0), numbers.Text(1) });
    }

    [Fact]
    public void A_slice_of_a_column_that_gave_its_spellings_up_has_none_either()
    {
        var column = Column([.. Enumerable.Range(0, CsvColumn.MaxSpellings + 1).Select(i => $"{i}.0")]);
        var slice = column.Slice(5, 2);
        Assert.Null(slice.DistinctNumbers);
        Assert.Equal("5", slice.Text(0));
    }

    [Fact]
    public void A_sibling_s_spellings_merged_into_a_column_that_gave_its_own_up_leave_it_without_any()
    {
        // The second half of a file may hold few numbers while the first held too many to remember.
        var rows = CsvColumn.MaxSpellings + 3;
        var first = new CsvColumn(rows, TextBudget.Unlimited);
        var second = first.Sibling();
        for (var r = 0; r < rows - 2; r++) first.Add(r, $"{r}");
        second.Add(rows - 2, "5.0");
        second.Add(rows - 1, "x");
        var merged = first.Merge(second, rows - 2, rows);
        Assert.Null(merged.DistinctNumbers);
        Assert.Equal("x", merged.Text(rows - 1));
        Assert.Equal(rows - 1, merged.FirstText(rows));
    }

    [Theory]
    [InlineData(58, true)]
    [InlineData(57, false)]
    public void A_column_read_past_its_capacity_charges_only_the_text_slots_it_adds(long budgetBytes, bool fits)
    {
        // Sized for one row: the text cell of row 0 takes a slot (8 bytes) and its string (24 + 2).
        // Rows 1 to 3 grow the values to 4; the text cell of row 3 grows the slots from 1 to 4
        // (3 more: 24 bytes) and shares row 0's string. 58 bytes in all.
        var column = new CsvColumn(1, new TextBudget(budgetBytes));
        Assert.True(column.Add(0, "a"));
        Assert.True(column.Add(1, "1"));
        Assert.True(column.Add(2, "2"));
        Assert.Equal(fits, column.Add(3, "a"));
        if (fits) Assert.Equal(["a", "1", "2", "a"], Enumerable.Range(0, 4).Select(column.Text));
    }
}
