namespace Backprop.Functional.IO;

/// <summary>
/// Line breaks counted as Sep counts them, so that the scan's line numbers, the halves' split and
/// the memory estimate agree with the reader's: <c>\n</c>, <c>\r\n</c> and a lone <c>\r</c> (classic
/// Mac OS) each end one line. Text comes in chunks, so a <c>\r</c> that ends one chunk and a
/// <c>\n</c> that starts the next are one break: the caller says whether the text before ended in <c>\r</c>.
/// </summary>
internal static class LineBreaks
{
    /// <summary>The line breaks in <paramref name="text"/>; a <c>\r</c> at its end counts (a <c>\n</c> after it, in the next chunk, will not).</summary>
    public static long Count(ReadOnlySpan<byte> text, bool afterCarriageReturn)
    {
        long breaks = text.Count((byte)'\n');
        // Vectorized counts; pairs are counted only where a carriage return occurs at all.
        var returns = text.Count((byte)'\r');
        if (returns > 0) breaks += returns - text.Count("\r\n"u8);
        if (afterCarriageReturn && StartsWithNewline(text)) breaks--;
        return breaks;
    }

    /// <summary>
    /// The index just past the first line break that ends at or after <paramref name="from"/>, or -1
    /// when there is none yet: also when the break is a <c>\r</c> ending text that continues
    /// (<paramref name="final"/> false), since a <c>\n</c> may follow in the next chunk. From 0, a
    /// <c>\r</c> that ended the text before is that break: 0, or 1 past the <c>\n</c> that completes it.
    /// </summary>
    public static int EndOfFirst(ReadOnlySpan<byte> text, int from, bool afterCarriageReturn, bool final)
    {
        if (from == 0 && afterCarriageReturn) return StartsWithNewline(text) ? 1 : 0;
        var found = text[from..].IndexOfAny((byte)'\r', (byte)'\n');
        if (found < 0) return -1;
        var at = from + found;
        if (text[at] == '\n') return at + 1;
        if (at + 1 < text.Length) return text[at + 1] == '\n' ? at + 2 : at + 1;
        return final ? at + 1 : -1;
    }

    /// <summary>The index of the last byte of a line break in <paramref name="text"/>, or -1.</summary>
    public static int LastEnd(ReadOnlySpan<byte> text) => text.LastIndexOfAny((byte)'\r', (byte)'\n');

    private static bool StartsWithNewline(ReadOnlySpan<byte> text) => text.Length > 0 && text[0] == '\n';
}
