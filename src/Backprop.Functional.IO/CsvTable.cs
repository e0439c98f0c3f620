using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>
/// A parsed CSV file, column by column: its header, and for each data row the line it starts on
/// and its cells (numbers as doubles, other cells as text; see <see cref="CsvColumn"/>).
/// </summary>
public sealed class CsvTable
{
    private readonly CsvColumn[] _columns;
    private readonly int[] _lines;

    internal CsvTable(string source, Arr<string> header, CsvColumn[] columns, int[] lines, int rowCount)
    {
        (Source, Header, _columns, _lines, RowCount) = (source, header, columns, lines, rowCount);
    }

    /// <summary>Where the table was read from, as refusals name it.</summary>
    public string Source { get; }

    /// <summary>The column names, in file order.</summary>
    public Arr<string> Header { get; }

    /// <summary>The data rows (the header not counted).</summary>
    public int RowCount { get; }

    /// <summary>The line of the file a data row starts on.</summary>
    public int Line(int row) => _lines[row];

    /// <summary>A cell's text (a number cell spelled as <see cref="CsvColumn.Text"/> says).</summary>
    public string Cell(int row, int column) => _columns[column].Text(row);

    /// <summary>The index of a column by exact name.</summary>
    public Option<int> ColumnIndex(string name)
    {
        var index = Header.IndexOf(name);
        return index < 0 ? Option<int>.None : index;
    }

    /// <summary>Data rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as a table of their own.</summary>
    public CsvTable Rows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, RowCount - start);
        return new(Source, Header, _columns.Select(c => c.Slice(start, count)).ToArray(), _lines.AsSpan(start, count).ToArray(), count);
    }

    /// <summary>Every data row with its cells as text: for small tables and tests, as it copies everything.</summary>
    public Arr<CsvRecord> Records =>
        Enumerable.Range(0, RowCount).Select(r => new CsvRecord(_lines[r], _columns.Select(c => c.Text(r)).ToArray())).ToArr();

    internal CsvColumn Column(int index) => _columns[index];
}

/// <summary>One record of a CSV file, as text.</summary>
public sealed record CsvRecord(int Line, string[] Fields);
