using System.Text;
using LanguageExt;
using LanguageExt.Common;
using nietras.SeparatedValues;

namespace Backprop.Functional.IO;

/// <summary>
/// Streams delimited text through Sep straight into <see cref="CsvColumn"/>s, one row at a time.
/// Sep only splits rows and fields (it takes any quote anywhere); this reader checks each quoted
/// field is RFC 4180 (opens the field, closes it, doubles any quote inside) and unescapes it, and
/// that rows are as wide as the header.
/// </summary>
internal static class CsvReader
{
    public static Fin<CsvTable> Read(string source, Stream text, int capacity, CsvDialect dialect)
    {
        Sep sep;
        try { sep = new Sep(dialect.Delimiter); }
        catch (ArgumentException) { return Error.New($"{source}: {dialect.DelimiterName} cannot separate fields"); }
        try
        {
            using var reader = sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true, DisableFastFloat = true }).From(text);
            return Read(source, reader, capacity, dialect);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException or IOException or OutOfMemoryException)
        {
            return Error.New($"{source}: cannot be read as delimited text ({Quote.Escape(e.Message, 200)})");
        }
    }

    private static Fin<CsvTable> Read(string source, SepReader reader, int capacity, CsvDialect dialect)
    {
        string[]? header = null;
        CsvColumn[] columns = [];
        var lines = Array.Empty<int>();
        var (rows, blankLine) = (0, (int?)null);
        var unescaped = new StringBuilder();
        foreach (var row in reader)
        {
            var span = row.Span;
            // Sep numbers its first row's line after reading it: it starts the file.
            var line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            if (span.Length == 0)
            {
                // Blank lines are tolerated before the header and at the end, not between records.
                if (header is not null) blankLine ??= line;
                continue;
            }
            if (blankLine is int blank) return Error.New($"{source}: line {blank} is empty");
            var inHeader = header is null && dialect.HasHeader;
            if (header is null && !dialect.HasHeader)
            {
                header = Enumerable.Range(0, row.ColCount).Select(CsvDialect.ColumnName).ToArray();
                (columns, lines) = Start(header.Length, capacity);
            }
            var fields = inHeader ? new string[row.ColCount] : null;
            for (var i = 0; i < row.ColCount; i++)
            {
                var raw = row[i].Span;
                var cell = raw;
                if (raw.Contains('"'))
                {
                    if (Unescape(span, raw, unescaped) is { } problem)
                    {
                        var where = header is not null && i < header.Length ? $"column {Quote.Value(header[i])}" : $"field {i + 1}";
                        return Error.New($"{source}: line {line + NewLines(span, raw, problem.At)}, {where}: {problem.Message}");
                    }
                    cell = unescaped.ToString();
                }
                if (fields is not null) fields[i] = cell.ToString();
                else if (i < columns.Length) columns[i].Add(rows, cell);
            }
            if (fields is not null)
            {
                if (Header(source, line, fields).Failed(out var headerError, out header)) return headerError;
                (columns, lines) = Start(header.Length, capacity);
                continue;
            }
            if (row.ColCount != header!.Length)
                return Error.New($"{source}: line {line} has {row.ColCount} fields but the header has {header.Length}");
            if (rows == lines.Length) Array.Resize(ref lines, Math.Max(4, 2 * rows));
            lines[rows++] = line;
        }
        if (header is null) return Error.New($"{source}: the file is empty");
        return new CsvTable(source, header.ToArr(), columns, lines, rows);
    }

    private static (CsvColumn[] Columns, int[] Lines) Start(int width, int capacity) =>
        (Enumerable.Range(0, width).Select(_ => new CsvColumn(capacity)).ToArray(), new int[capacity]);

    private static Fin<string[]> Header(string source, int line, string[] fields)
    {
        var header = fields.Select(h => h.Trim()).ToArray();
        var columnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var h = 0; h < header.Length; h++)
        {
            if (header[h].Length == 0) return Error.New($"{source}: column {h + 1} of the header has no name");
            if (header[h].Length > Csv.MaxNameLength)
                return Error.New($"{source}: line {line}, column {h + 1} ({Quote.Value(header[h])}): a column name of {header[h].Length:N0} characters is longer than the {Csv.MaxNameLength:N0} a name may have");
            if (!columnOf.TryAdd(header[h], h))
                return Error.New($"{source}: column name {Quote.Value(header[h])} appears twice in the header (columns {columnOf[header[h]] + 1} and {h + 1})");
        }
        return header;
    }

    private sealed record QuoteProblem(int At, string Message);

    /// <summary>
    /// Unescapes a field holding a quote into <paramref name="into"/>, or says what is wrong with its
    /// quoting and where in the field (a quote opening a field must close it, quotes inside are doubled).
    /// </summary>
    private static QuoteProblem? Unescape(ReadOnlySpan<char> row, ReadOnlySpan<char> raw, StringBuilder into)
    {
        into.Clear();
        if (raw[0] != '"') return new QuoteProblem(raw.IndexOf('"'), "a quote inside an unquoted field");
        for (var i = 1; ; i++)
        {
            if (i >= raw.Length) return new QuoteProblem(0, "a quoted field is never closed");
            if (raw[i] != '"') { into.Append(raw[i]); continue; }
            if (i + 1 < raw.Length && raw[i + 1] == '"') { into.Append('"'); i++; continue; }
            return i + 1 < raw.Length ? new QuoteProblem(i + 1, "text after a closing quote") : null;
        }
    }

    /// <summary>Line breaks from the row's start to position <paramref name="at"/> of a field (only quoted fields hold any).</summary>
    private static int NewLines(ReadOnlySpan<char> row, ReadOnlySpan<char> field, int at)
    {
        row.Overlaps(field, out var offset);
        return row[..(offset + at)].Count('\n');
    }
}
