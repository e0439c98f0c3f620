using System.Text;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// What one pass over a delimited text file learns before anything is parsed: the encoding is
/// UTF-8 (a BOM skipped, UTF-16 refused), every byte is valid UTF-8, no line is absurdly long,
/// and how many lines and columns there are, so that the table's memory can be checked and its
/// columns sized once. The file is read in chunks: a file of any size is scanned in constant memory.
/// </summary>
/// <param name="Bom">Bytes of the UTF-8 byte-order mark at the start (0 or 3).</param>
/// <param name="Bytes">Bytes after the byte-order mark.</param>
/// <param name="Lines">Lines (line breaks + 1): at least the data rows plus the header.</param>
/// <param name="Columns">Fields of the first line that is not empty, split on the delimiter without regard to quotes: an estimate.</param>
/// <param name="HasQuotes">Whether a double quote occurs anywhere (a quoted field may hold a line break).</param>
/// <param name="Middle">The start of the line after the first line break at or past the middle of the file (a <c>\r\n</c> is one break), and the line breaks before it: where a second reader may start.</param>
internal sealed record TextScan(int Bom, long Bytes, long Lines, int Columns, bool HasQuotes, (long Offset, long Newlines)? Middle)
{
    /// <summary>
    /// The longest line read (16 MiB, about a million numbers): a file with one endless line (a sparse
    /// file, a binary file without line breaks) is refused after 16 MiB rather than read to its end.
    /// </summary>
    public const int MaxLineBytes = 16 << 20;

    private const int ChunkBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Scans <paramref name="text"/> to its end in chunks; <paramref name="fits"/> is asked, after
    /// the first chunk, whether a file of the estimated lines and columns can be held at all, so that
    /// a file far too big is refused before the rest of it is read. <paramref name="length"/> is the
    /// exact number of bytes <paramref name="text"/> yields (a file's size, a buffer's length): it
    /// sizes the estimate, the middle line and, for a short text, the buffer.
    /// </summary>
    public static Fin<TextScan> Of(string source, Stream text, long length, CsvDialect dialect, Func<long, int, Fin<Unit>> fits)
    {
        // A text shorter than a chunk is read into a buffer of its own length and a byte to spare (so that
        // the first read already ends short): a whole chunk's buffer, 1 MiB zeroed for each small
        // file, took about 0.1 ms, most of what parsing a file of a few lines costs.
        var chunk = length < ChunkBytes ? (int)Math.Max(length, 0) + 1 : ChunkBytes;
        var buffer = new byte[chunk + 4];
        // position: the file offset of buffer[0]; carried: bytes of a cut character moved to its start.
        var (position, carried, bom, first) = (0L, 0, 0, true);
        var lines = new LineGuard(source);
        var (nonBlank, quotes, columns) = (false, false, 0);
        (long Offset, long Newlines)? middle = null;
        while (true)
        {
            var read = Fill(text, buffer.AsSpan(carried, chunk));
            var filled = carried + read;
            var final = read < chunk; // Fill stops short only at the end of the stream
            var span = buffer.AsSpan(0, filled);
            var skip = 0;
            if (first)
            {
                if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
                    return Error.New($"{source}: the file is UTF-16 text; save it as UTF-8");
                skip = bom = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            }
            // A character cut by the chunk's end waits for the next chunk.
            var complete = final ? filled : CompleteLength(span);
            var body = span[skip..complete];
            var bodyStart = position + skip;
            if (!System.Text.Unicode.Utf8.IsValid(body)) return NotUtf8(source, body, lines, bodyStart);
            nonBlank |= body.IndexOfAnyExcept(" \t\r\n\v\f"u8) >= 0;
            quotes |= body.Contains((byte)'"');
            if (columns == 0 && nonBlank) columns = FirstLineColumns(body, dialect);
            if (middle is null && bodyStart + body.Length > length / 2)
            {
                var from = (int)Math.Max(0, length / 2 - bodyStart);
                var end = LineBreaks.EndOfFirst(body, from, lines.AfterCarriageReturn, final);
                if (end >= 0) middle = (bodyStart + end, lines.Newlines + LineBreaks.Count(body[..end], lines.AfterCarriageReturn));
            }
            if (lines.Take(body) is { } tooLong) return tooLong;
            position += complete;
            if (first && !final && lines.Newlines > 0 && length > position)
            {
                // The lines of the first chunk, scaled to the file's length, say roughly how many there are.
                var estimated = (long)Math.Ceiling((double)lines.Newlines * (length - bom) / (position - bom));
                if (fits(estimated, Math.Max(columns, 1)).Failed(out var tooBig, out _)) return tooBig;
            }
            first = false;
            if (final) break;
            carried = filled - complete;
            span[complete..].CopyTo(buffer);
        }
        if (!nonBlank) return Error.New($"{source}: the file is empty");
        var scan = new TextScan(bom, position - bom, lines.Newlines + 1, Math.Max(columns, 1), quotes, middle);
        return fits(scan.Lines, scan.Columns).Map(_ => scan);
    }

    /// <summary>Reads until the span is full or the stream ends.</summary>
    private static int Fill(Stream text, Span<byte> into)
    {
        var total = 0;
        for (int read; total < into.Length && (read = text.Read(into[total..])) > 0;) total += read;
        return total;
    }

    /// <summary>The length of <paramref name="span"/> without a multi-byte character its end cuts short.</summary>
    private static int CompleteLength(ReadOnlySpan<byte> span)
    {
        for (var i = span.Length - 1; i >= Math.Max(0, span.Length - 3); i--)
        {
            var b = span[i];
            if ((b & 0xC0) == 0x80) continue;
            var need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return span.Length - i < need ? i : span.Length;
        }
        return span.Length;
    }

    /// <summary>Fields of the first line that is not empty in <paramref name="body"/>, split on the delimiter alone.</summary>
    private static int FirstLineColumns(ReadOnlySpan<byte> body, CsvDialect dialect)
    {
        var start = body.IndexOfAnyExcept("\r\n"u8);
        if (start < 0) return 0;
        var line = body[start..];
        var end = line.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0) line = line[..end];
        return Encoding.UTF8.GetString(line).Count(c => c == dialect.Delimiter) + 1;
    }

    /// <summary>Where the first byte that is not UTF-8 is: decoded again on this rare path, to name its line.</summary>
    private static Error NotUtf8(string source, ReadOnlySpan<byte> body, LineGuard lines, long fileOffset)
    {
        try { StrictUtf8.GetCharCount(body); }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, body.Length);
            return Error.New($"{source}: line {lines.Newlines + LineBreaks.Count(body[..at], lines.AfterCarriageReturn) + 1}: not valid UTF-8 text (byte {fileOffset + at} of the file)");
        }
        return Error.New($"{source}: not valid UTF-8 text");
    }
}

/// <summary>
/// Counts line breaks in text that comes chunk by chunk and refuses a line longer than
/// <see cref="TextScan.MaxLineBytes"/> as soon as it is seen, whether the text is a file being
/// scanned or a pipe being read into memory.
/// </summary>
internal sealed class LineGuard(string source)
{
    private long _position;
    private long _lineStart;

    /// <summary>Line breaks so far (see <see cref="LineBreaks"/>).</summary>
    public long Newlines { get; private set; }

    /// <summary>Whether the text so far ends in <c>\r</c>: a <c>\n</c> next is part of the same break.</summary>
    public bool AfterCarriageReturn { get; private set; }

    /// <summary>Takes the next chunk; a refusal when the line it ends in has grown too long.</summary>
    public Error? Take(ReadOnlySpan<byte> chunk)
    {
        Newlines += LineBreaks.Count(chunk, AfterCarriageReturn);
        if (LineBreaks.LastEnd(chunk) is var last and >= 0) _lineStart = _position + last + 1;
        if (chunk.Length > 0) AfterCarriageReturn = chunk[^1] == '\r';
        _position += chunk.Length;
        if (_position - _lineStart <= TextScan.MaxLineBytes) return null;
        return Error.New($"{source}: line {Newlines + 1} is longer than {ByteSize.Text(TextScan.MaxLineBytes)}: not a table of rows");
    }
}
