using System.Globalization;
using System.Text;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// RFC 4180 CSV: comma-separated (or another <see cref="CsvDialect"/>), a header line first,
/// fields optionally in double quotes (with "" for a quote inside), LF or CRLF line ends, a UTF-8
/// byte-order mark tolerated. The fields are split by Sep (<see cref="CsvReader"/>); what is valid
/// is decided here: bad UTF-8, ragged rows, stray quotes, duplicate, empty or overlong column
/// names are refused with the source, line and column named.
/// </summary>
public static class Csv
{
    /// <summary>
    /// The longest column name, and the longest class label <see cref="TabularData"/> accepts
    /// (1,024 characters). Both are saved in every state's header, which a reader caps at
    /// 100 MB: without a cap one long label could make a state that no reader can open.
    /// </summary>
    public const int MaxNameLength = 1024;

    /// <summary>
    /// Checks the bytes are UTF-8 and parses them; every refusal names <paramref name="source"/>.
    /// <paramref name="availableBytes"/> is the memory the table may take (default: what this
    /// process may use, see <see cref="UsableBytes"/>).
    /// </summary>
    public static Fin<CsvTable> Parse(string source, byte[] bytes, CsvDialect? dialect = null, long? availableBytes = null)
    {
        var chosen = dialect ?? CsvDialect.Default;
        using var scanned = new MemoryStream(bytes, writable: false);
        if (TextScan.Of(source, scanned, bytes.Length, chosen, Fits(source, availableBytes)).Failed(out var error, out var scan)) return error;
        using var stream = new MemoryStream(bytes, scan.Bom, bytes.Length - scan.Bom, writable: false);
        return CsvReader.Read(source, stream, Capacity(scan), chosen, availableBytes);
    }

    /// <summary>
    /// Parses the open regular file <paramref name="file"/> of <paramref name="length"/> bytes, read
    /// twice in chunks and never held whole: a scan (<see cref="TextScan"/>) checks its text and
    /// memory, then Sep streams it into the columns.
    /// </summary>
    internal static Fin<CsvTable> Parse(string source, SafeFileHandle file, long length, CsvDialect dialect, long? availableBytes = null)
    {
        using var scanned = new FileRegionStream(file, 0, length);
        if (TextScan.Of(source, scanned, length, dialect, Fits(source, availableBytes)).Failed(out var error, out var scan)) return error;
        if (!scan.HasQuotes && scan.Bytes >= CsvReader.MinSplitBytes && scan.Middle is { } middle && middle.Offset < scan.Bom + scan.Bytes)
            return CsvReader.ReadInHalves(source, file, scan, middle, dialect, availableBytes);
        using var stream = new FileRegionStream(file, scan.Bom, scan.Bom + scan.Bytes);
        return CsvReader.Read(source, stream, Capacity(scan), dialect, availableBytes);
    }

    /// <summary>
    /// The memory a table of <paramref name="rows"/> rows and <paramref name="columns"/> number
    /// columns takes while it loads: its doubles twice (the columns as read, and the data set's
    /// matrices they become) and each row's line number.
    /// </summary>
    public static long LoadingBytes(long rows, int columns) => rows * (2L * sizeof(double) * columns + sizeof(int));

    /// <summary>The memory a table may take: the share of this process's memory that training may plan to use.</summary>
    public static long UsableBytes => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * Limits.UsableMemoryFraction);

    /// <summary>Whether a table of the given lines and columns can be loaded, or a refusal naming both figures.</summary>
    private static Func<long, int, Fin<Unit>> Fits(string source, long? availableBytes) => (lines, columns) => Fits(source, lines, columns, availableBytes);

    /// <summary>Whether a table of <paramref name="lines"/> rows and <paramref name="columns"/> columns can be loaded, or a refusal naming both figures.</summary>
    internal static Fin<Unit> Fits(string source, long lines, int columns, long? availableBytes)
    {
        var usable = availableBytes ?? UsableBytes;
        var needed = LoadingBytes(lines, columns);
        if (lines > Array.MaxLength)
            return Error.New($"{source}: about {lines:N0} lines, more than the {Array.MaxLength:N0} rows a table may hold");
        if (needed > usable)
            return Error.New($"{source}: about {lines:N0} rows × {columns:N0} columns need {ByteSize.Text(needed)} to load, more than the {ByteSize.Text(usable)} this process may use");
        return Unit.Default;
    }

    // Lines bound the rows from above: the columns are sized once instead of grown.
    private static int Capacity(TextScan scan) => (int)Math.Min(scan.Lines, Array.MaxLength);

    /// <summary>
    /// Parses CSV text; every refusal names <paramref name="source"/> and, where it can, the line and
    /// column. (A leading U+FEFF becomes the UTF-8 byte order mark, which the byte parser skips.)
    /// </summary>
    public static Fin<CsvTable> Parse(string source, string text, CsvDialect? dialect = null) =>
        Parse(source, Encoding.UTF8.GetBytes(text), dialect);

    /// <summary>
    /// A finite number in invariant culture ("1.5", "-2e-3"). NaN, infinities, values that
    /// overflow a double and empty cells are refused: they would poison training silently.
    /// </summary>
    public static Fin<double> ParseNumber(CsvTable table, int row, int column)
    {
        var text = table.Cell(row, column).Trim();
        var where = $"{table.Source}: line {table.Line(row)}, column {Quote.Value(table.Header[column])}";
        if (text.Length == 0) return Error.New($"{where}: the cell is empty");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return Error.New($"{where}: {Quote.Value(text)} is not a number");
        if (!double.IsFinite(value)) return Error.New($"{where}: {Quote.Value(text)} is not a finite number");
        return value;
    }
}
