using System.Globalization;
using System.Text;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// RFC 4180 CSV: comma-separated, a header line first, fields optionally in double quotes
/// (with "" for a quote inside), LF or CRLF line ends, a UTF-8 byte-order mark tolerated.
/// Anything else (bad UTF-8, ragged rows, stray quotes, duplicate, empty or overlong column
/// names) is refused with the source, line and column named.
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

    /// <summary>Decodes bytes as strict UTF-8 and parses them; every refusal names <paramref name="source"/>.</summary>
    public static Fin<CsvTable> Parse(string source, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxFileBytes) return Error.New($"{source}: {bytes.Length:N0} bytes is larger than the {MaxFileBytes:N0}-byte limit for CSV files");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Error.New($"{source}: the file is UTF-16 text; save it as UTF-8");
        var bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var body = bytes[bom..];
        string text;
        try { text = StrictUtf8.GetString(body); }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, body.Length);
            return Error.New($"{source}: line {body[..at].Count((byte)'\n') + 1}: not valid UTF-8 text (byte {bom + at} of the file)");
        }
        return Parse(source, text);
    }

    /// <summary>Parses CSV text; every refusal names <paramref name="source"/> and, where it can, the line and column.</summary>
    public static Fin<CsvTable> Parse(string source, string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        if (string.IsNullOrWhiteSpace(text)) return Error.New($"{source}: the file is empty");

        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, recordLine, i) = (1, 1, 0);
        int? blankLine = null;
        // Where the current field is: by column name once the header has been read.
        string Where(int at) =>
            records.Count > 0 && fields.Count < records[0].Fields.Length
                ? $"{source}: line {at}, column {Quote.Value(records[0].Fields[fields.Count].Trim())}"
                : $"{source}: line {at}, field {fields.Count + 1}";

        while (i <= text.Length)
        {
            if (i == text.Length || text[i] is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count == 1 && fields[0].Length == 0)
                {
                    // Blank lines are tolerated before the header and at the end, not between records.
                    if (records.Count > 0) blankLine ??= line;
                }
                else if (blankLine is int blank) return Error.New($"{source}: line {blank} is empty");
                else records.Add(new CsvRecord(recordLine, fields.ToArray()));
                fields.Clear();
                if (i < text.Length && text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                line++;
                recordLine = line;
                continue;
            }
            var c = text[i];
            if (c == '"')
            {
                if (field.Length > 0) return Error.New($"{Where(line)}: a quote inside an unquoted field");
                var quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length) return Error.New($"{Where(quoteLine)}: a quoted field is never closed");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i]);
                    i++;
                }
                if (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                    return Error.New($"{Where(line)}: text after a closing quote");
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
                continue;
            }
            field.Append(c);
            i++;
        }

        if (records.Count == 0) return Error.New($"{source}: the file is empty");
        var header = records[0].Fields.Select(h => h.Trim()).ToArray();
        var columnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var h = 0; h < header.Length; h++)
        {
            if (header[h].Length == 0) return Error.New($"{source}: column {h + 1} of the header has no name");
            if (header[h].Length > MaxNameLength)
                return Error.New($"{source}: line {records[0].Line}, column {h + 1} ({Quote.Value(header[h])}): a column name of {header[h].Length:N0} characters is longer than the {MaxNameLength:N0} a name may have");
            if (!columnOf.TryAdd(header[h], h))
                return Error.New($"{source}: column name {Quote.Value(header[h])} appears twice in the header (columns {columnOf[header[h]] + 1} and {h + 1})");
        }
        foreach (var record in records.Skip(1))
            if (record.Fields.Length != header.Length)
                return Error.New($"{source}: line {record.Line} has {record.Fields.Length} fields but the header has {header.Length}");
        return new CsvTable(source, header.ToArr(), records.Skip(1).ToArr());
    }

    /// <summary>
    /// A finite number in invariant culture ("1.5", "-2e-3"). NaN, infinities, values that
    /// overflow a double and empty cells are refused: they would poison training silently.
    /// </summary>
    public static Fin<double> ParseNumber(CsvTable table, CsvRecord record, int column)
    {
        var text = record.Fields[column].Trim();
        var where = $"{table.Source}: line {record.Line}, column {Quote.Value(table.Header[column])}";
        if (text.Length == 0) return Error.New($"{where}: the cell is empty");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return Error.New($"{where}: {Quote.Value(text)} is not a number");
        if (!double.IsFinite(value)) return Error.New($"{where}: {Quote.Value(text)} is not a finite number");
        return value;
    }
}
