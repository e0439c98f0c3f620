using System.Globalization;
using System.Text;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// RFC 4180 CSV: comma-separated, a header line first, fields optionally in double quotes
/// (with "" for a quote inside), LF or CRLF line ends, a UTF-8 byte-order mark tolerated.
/// Anything else (bad UTF-8, ragged rows, stray quotes, duplicate or empty column names) is
/// refused with the source, line and column named.
/// </summary>
public static class Csv
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes bytes as strict UTF-8 and parses them.</summary>
    public static Fin<CsvTable> Parse(string source, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        string text;
        try { text = StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            var offset = e.Index >= 0 ? $" near byte {e.Index}" : "";
            return Error.New($"{source}: not valid UTF-8 text{offset}");
        }
        return Parse(source, text);
    }

    /// <summary>Parses CSV text.</summary>
    public static Fin<CsvTable> Parse(string source, string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        if (string.IsNullOrWhiteSpace(text)) return Error.New($"{source}: the file is empty");

        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, recordLine, i) = (1, 1, 0);
        var quoted = false;
        while (i <= text.Length)
        {
            if (i == text.Length || text[i] is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (!(fields.Count == 1 && fields[0].Length == 0)) records.Add(new CsvRecord(recordLine, fields.ToArray()));
                else if (i < text.Length && records.Count > 0 && HasMoreContent(text, i))
                    return Error.New($"{source}: line {line} is empty");
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
                if (field.Length > 0) return Error.New($"{source}: line {line}, field {fields.Count + 1}: a quote inside an unquoted field");
                i++;
                quoted = true;
                while (quoted)
                {
                    if (i >= text.Length) return Error.New($"{source}: line {recordLine}: a quoted field is never closed");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        quoted = false;
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i]);
                    i++;
                }
                if (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                    return Error.New($"{source}: line {line}, field {fields.Count + 1}: text after a closing quote");
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
        for (var h = 0; h < header.Length; h++)
        {
            if (header[h].Length == 0) return Error.New($"{source}: column {h + 1} of the header has no name");
            var first = Array.IndexOf(header, header[h]);
            if (first != h) return Error.New($"{source}: column name '{header[h]}' appears twice in the header (columns {first + 1} and {h + 1})");
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
        var where = $"{table.Source}: line {record.Line}, column '{table.Header[column]}'";
        if (text.Length == 0) return Error.New($"{where}: the cell is empty");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return Error.New($"{where}: '{Shorten(text)}' is not a number");
        if (!double.IsFinite(value)) return Error.New($"{where}: '{Shorten(text)}' is not a finite number");
        return value;
    }

    private static bool HasMoreContent(string text, int from)
    {
        for (var j = from; j < text.Length; j++)
            if (!char.IsWhiteSpace(text[j])) return true;
        return false;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
