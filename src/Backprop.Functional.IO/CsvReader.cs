using System.Text;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;
using nietras.SeparatedValues;

namespace Backprop.Functional.IO;

/// <summary>
/// Streams delimited text through Sep straight into <see cref="CsvColumn"/>s, one row at a time.
/// Sep only splits rows and fields (it takes any quote anywhere); this reader checks each quoted
/// field is RFC 4180 (opens the field, closes it, doubles any quote inside) and unescapes it, and
/// that rows are as wide as the header. A large file without quotes is read in two halves at once
/// (<see cref="ReadInHalves"/>), each on its own core.
/// </summary>
internal static class CsvReader
{
    /// <summary>Files smaller than this (8 MiB) are read by one thread: a second one would not pay for itself.</summary>
    public const long MinSplitBytes = 8L << 20;

    /// <summary>Reads the whole of <paramref name="text"/> on the calling thread; text cells may take what <paramref name="availableBytes"/> leaves beside the numbers.</summary>
    public static Fin<CsvTable> Read(string source, Stream text, int capacity, CsvDialect dialect, long? availableBytes) =>
        WithReader(source, text, dialect, reader =>
        {
            var rows = new RowSink(source, dialect, capacity, availableBytes);
            return rows.Take(reader, lineOffset: 0, untilHeader: false) is { } error ? error : rows.Table();
        });

    /// <summary>
    /// Reads a file without quotes (so every record is one line) whose scan found a line break at
    /// <paramref name="split"/>: the first half on the calling thread, the second on another, each
    /// row into its place in shared columns (the second half's first row is known from the line
    /// breaks before it, counted as Sep counts them). If the halves still do not meet exactly (a
    /// line break the two count differently), the file is read again on one thread, so the table is
    /// always the one <see cref="Read"/> gives.
    /// </summary>
    public static Fin<CsvTable> ReadInHalves(string source, SafeFileHandle file, TextScan scan, (long Offset, long Newlines) split, CsvDialect dialect, long? availableBytes)
    {
        var capacity = (int)Math.Min(scan.Lines, Array.MaxLength);
        Fin<CsvTable> Sequential()
        {
            using var whole = new FileRegionStream(file, scan.Bom, scan.Bom + scan.Bytes);
            return Read(source, whole, capacity, dialect, availableBytes);
        }
        using var firstHalf = new FileRegionStream(file, scan.Bom, split.Offset);
        return WithReader(source, firstHalf, dialect, reader =>
        {
            var first = new RowSink(source, dialect, capacity, availableBytes);
            if (first.Take(reader, lineOffset: 0, untilHeader: true) is { } headerError) return headerError;
            if (first.FirstDataLine is not int firstDataLine) return Sequential();
            // The second half starts at line split.Newlines + 1; record lines are contiguous from the first data line.
            var start = split.Newlines + 1 - firstDataLine;
            if (start < first.Rows || start > capacity) return Sequential();
            var second = first.Sibling((int)start);
            var secondHalf = SideThread<Fin<Unit>>.Run(() =>
            {
                using var stream = new FileRegionStream(file, split.Offset, scan.Bom + scan.Bytes);
                return WithReader(source, stream, dialect, r => second.Take(r, lineOffset: split.Newlines, untilHeader: false) is { } e ? e : Fin<Unit>.Succ(Unit.Default));
            }, "backprop csv reader");
            Error? firstError;
            try
            {
                firstError = first.Take(reader, lineOffset: 0, untilHeader: false);
            }
            catch
            {
                // Whatever stopped the first half (running out of memory), the second must be
                // finished before it is reported: a thread still allocating while the process
                // reports and exits can turn a refusal into the runtime's own fatal error.
                try { secondHalf.Join(); }
                catch (Exception) { } // The first half's exception is the one reported.
                throw;
            }
            var secondResult = secondHalf.Join();
            if (firstError is not null) return firstError;
            // Empty lines that end the first half come before anything the second half read or refused
            // (its refusals are all at a record or past one): one reader going through stops at them first.
            if (first.TrailingBlankLine is int blank && (second.Rows > second.StartRow || secondResult.IsFail)) return Error.New($"{source}: line {blank} is empty");
            if (secondResult.Failed(out var secondError, out _)) return secondError;
            // Halves that do not meet mean the line arithmetic does not hold for this file.
            if (first.Rows != start) return Sequential();
            return first.Table(second);
        });
    }

    private static Fin<T> WithReader<T>(string source, Stream text, CsvDialect dialect, Func<SepReader, Fin<T>> read)
    {
        Sep sep;
        try { sep = new Sep(dialect.Delimiter); }
        catch (ArgumentException) { return Error.New($"{source}: {dialect.DelimiterName} cannot separate fields"); }
        try
        {
            using var reader = sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true, DisableFastFloat = true }).From(text);
            return read(reader);
        }
        // Running out of memory is not a fault of the text: it goes to the shell's "not enough memory".
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException or IOException)
        {
            return Error.New($"{source}: cannot be read as delimited text ({Quote.Escape(e.Message, 200)})");
        }
    }

    /// <summary>
    /// Where the rows of one stretch of the file go: the header, the columns and each row's line.
    /// A sibling shares the header, the values and the lines and writes its own rows from another
    /// start; what each keeps of its own (text cells, spellings) is merged by <see cref="Table(RowSink?)"/>.
    /// </summary>
    private sealed class RowSink
    {
        private readonly string _source;
        private readonly CsvDialect _dialect;
        private readonly int _capacity;
        private readonly long? _availableBytes;
        private readonly StringBuilder _unescaped = new();
        private TextBudget _budget = TextBudget.Unlimited;
        private string[]? _header;
        private CsvColumn[] _columns = [];
        private int[] _lines = [];
        private int? _blankLine;

        /// <summary>A sink for up to <paramref name="capacity"/> rows whose text cells share what <paramref name="availableBytes"/> leaves (see <see cref="TextBudget.For"/>).</summary>
        public RowSink(string source, CsvDialect dialect, int capacity, long? availableBytes) =>
            (_source, _dialect, _capacity, _availableBytes) = (source, dialect, capacity, availableBytes);

        /// <summary>The row the next record is stored in.</summary>
        public int Rows { get; private set; }

        /// <summary>The row this sink's first record is stored in.</summary>
        public int StartRow { get; private init; }

        /// <summary>The line of the first record, once the header (or, without one, the first record) is read.</summary>
        public int? FirstDataLine { get; private set; }

        /// <summary>An empty line after the last record so far: refused if any record follows it.</summary>
        public int? TrailingBlankLine => _blankLine;

        public RowSink Sibling(int startRow) => new(_source, _dialect, _capacity, _availableBytes)
        {
            _header = _header,
            _budget = _budget,
            _columns = _columns.Select(c => c.Sibling()).ToArray(),
            _lines = _lines,
            FirstDataLine = FirstDataLine,
            Rows = startRow,
            StartRow = startRow,
        };

        /// <summary>
        /// Takes rows until the reader ends (or, with <paramref name="untilHeader"/>, until the header is read);
        /// line numbers are the reader's plus <paramref name="lineOffset"/>.
        /// </summary>
        public Error? Take(SepReader reader, long lineOffset, bool untilHeader)
        {
            if (untilHeader && _header is not null) return null;
            // MoveNext rather than foreach: a foreach would dispose the reader that the next call goes on with.
            while (reader.MoveNext())
            {
                var row = reader.Current;
                var span = row.Span;
                // Sep numbers its first row's line after reading it: it starts the stream.
                var line = (int)((row.RowIndex == 0 ? 1 : row.LineNumberFrom) + lineOffset);
                if (span.Length == 0)
                {
                    // Blank lines are tolerated before the header and at the end, not between records.
                    if (_header is not null) _blankLine ??= line;
                    continue;
                }
                if (_blankLine is int blank) return Error.New($"{_source}: line {blank} is empty");
                var inHeader = _header is null && _dialect.HasHeader;
                if (_header is null && !_dialect.HasHeader)
                {
                    _header = Enumerable.Range(0, row.ColCount).Select(CsvDialect.ColumnName).ToArray();
                    Start(line);
                }
                var fields = inHeader ? new string[row.ColCount] : null;
                if (!inHeader && Rows == _lines.Length) Array.Resize(ref _lines, Math.Max(4, 2 * Rows));
                for (var i = 0; i < row.ColCount; i++)
                {
                    var raw = row[i].Span;
                    var cell = raw;
                    if (raw.Contains('"'))
                    {
                        if (Unescape(raw, _unescaped) is { } problem)
                        {
                            var where = _header is not null && i < _header.Length ? $"column {Quote.Value(_header[i])}" : $"field {i + 1}";
                            return Error.New($"{_source}: line {line + NewLines(span, raw, problem.At)}, {where}: {problem.Message}");
                        }
                        cell = _unescaped.ToString();
                    }
                    if (fields is not null) fields[i] = cell.ToString();
                    else if (i < _columns.Length && !_columns[i].Add(Rows, cell)) return _budget.Refusal($"{_source}: line {line}, column {Quote.Value(_header![i])}");
                }
                if (fields is not null)
                {
                    if (Header(_source, line, fields).Failed(out var headerError, out _header)) return headerError;
                    Start(line + 1);
                    if (untilHeader) return null;
                    continue;
                }
                if (row.ColCount != _header!.Length)
                    return Error.New($"{_source}: line {line} has {row.ColCount} fields but the header has {_header.Length}");
                _lines[Rows++] = line;
                if (untilHeader) return null;
            }
            return null;
        }

        /// <summary>The table of this sink's rows, and of <paramref name="next"/>'s after them.</summary>
        public Fin<CsvTable> Table(RowSink? next = null)
        {
            if (_header is null) return Error.New($"{_source}: the file is empty");
            var rows = next?.Rows ?? Rows;
            var columns = next is null ? _columns : _columns.Zip(next._columns, (a, b) => a.Merge(b, next.StartRow, next.Rows)).ToArray();
            return new CsvTable(_source, _header.ToArr(), columns, _lines, rows);
        }

        private void Start(int firstDataLine)
        {
            FirstDataLine = firstDataLine;
            _budget = TextBudget.For(_capacity, _header!.Length, _availableBytes);
            (_columns, _lines) = (Enumerable.Range(0, _header.Length).Select(_ => new CsvColumn(_capacity, _budget)).ToArray(), new int[_capacity]);
        }
    }

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
    private static QuoteProblem? Unescape(ReadOnlySpan<char> raw, StringBuilder into)
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
