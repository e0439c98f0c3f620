namespace Backprop.Cli;

/// <summary>Plain left-aligned columns for terminal output that also reads well when redirected.</summary>
public static class TextTable
{
    /// <summary>Writes rows (the first is the header) with columns padded to their widest cell.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string[]> rows, string indent = "  ")
    {
        if (rows.Count == 0) return;
        var widths = Enumerable.Range(0, rows.Max(r => r.Length)).Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        foreach (var row in rows)
            output.WriteLine(indent + string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}
