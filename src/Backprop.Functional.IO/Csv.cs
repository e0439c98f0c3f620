using System.Globalization;
using System.Text;
using LanguageExt;
using LanguageExt.Common;

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
    /// The largest CSV file read (256 MiB): decoded to UTF-16 and split into one string per cell,
    /// a table takes many times its file size in memory, far more than a weights file does.
    /// </summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// The longest column name, and the longest class label <see cref="TabularData"/> accepts
    /// (1,024 characters). Both are saved in every state's header, which a reader caps at
    /// 100 MB: without a cap one long label could make a state that no reader can open.
    /// </summary>
    public const int MaxNameLength = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the bytes are UTF-8 and parses them; every refusal names <paramref name="source"/>.</summary>
    public static Fin<CsvTable> Parse(string source, byte[] bytes, CsvDialect? dialect = null)
    {
        if (bytes.Length > MaxFileBytes) return Error.New($"{source}: {bytes.Length:N0} bytes is larger than the {MaxFileBytes:N0}-byte limit for CSV files");
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Error.New($"{source}: the file is UTF-16 text; save it as UTF-8");
        var bom = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var body = span[bom..];
        if (!System.Text.Unicode.Utf8.IsValid(body)) return NotUtf8(source, body, bom);
        if (body.IndexOfAnyExcept(" \t\r\n\v\f"u8) < 0) return Error.New($"{source}: the file is empty");
        // Lines bound the rows from above: the columns are sized once instead of grown.
        var lines = (int)Math.Min(body.Count((byte)'\n') + 1L, Array.MaxLength);
        using var stream = new MemoryStream(bytes, bom, body.Length, writable: false);
        return CsvReader.Read(source, stream, lines, dialect ?? CsvDialect.Default);
    }

    /// <summary>Parses CSV text; every refusal names <paramref name="source"/> and, where it can, the line and column.</summary>
    public static Fin<CsvTable> Parse(string source, string text, CsvDialect? dialect = null) =>
        Parse(source, Encoding.UTF8.GetBytes(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text), dialect);

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

    /// <summary>Where the first byte that is not UTF-8 is: only decoded again on this rare path, to name its line.</summary>
    private static Error NotUtf8(string source, ReadOnlySpan<byte> body, int bom)
    {
        try { StrictUtf8.GetCharCount(body); }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, body.Length);
            return Error.New($"{source}: line {body[..at].Count((byte)'\n') + 1}: not valid UTF-8 text (byte {bom + at} of the file)");
        }
        return Error.New($"{source}: not valid UTF-8 text");
    }
}
