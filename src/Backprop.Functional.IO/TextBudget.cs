using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// The memory a table's text cells may take, shared by every column and by both halves of a file
/// read in two. The numbers' memory is checked before reading (<see cref="Csv.LoadingBytes"/>); text
/// can only be counted as it comes, and is refused here, with the cell named, before it fills the
/// heap: a process whose heap is full can fail in the runtime's own threads, where nothing can
/// catch it and print one line.
/// </summary>
internal sealed class TextBudget(long bytes)
{
    private long _left = bytes;

    /// <summary>No limit (the caller checks memory its own way).</summary>
    public static TextBudget Unlimited => new(long.MaxValue);

    /// <summary>The bytes this budget started with.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Takes the memory of a string of <paramref name="chars"/> characters: false when it does not fit.</summary>
    public bool TakeString(int chars) => Take(StringBytes(chars));

    /// <summary>Takes <paramref name="bytes"/> bytes: false when they do not fit.</summary>
    public bool Take(long bytes) => Interlocked.Add(ref _left, -bytes) >= 0;

    /// <summary>Whether something was refused: the budget is spent.</summary>
    public bool Spent => Volatile.Read(ref _left) < 0;

    /// <summary>
    /// The memory left for text once <paramref name="rows"/> × <paramref name="columns"/> numbers are
    /// counted (<see cref="Csv.LoadingBytes"/>) out of <paramref name="availableBytes"/> (default: what this process may use).
    /// </summary>
    public static TextBudget For(long rows, int columns, long? availableBytes) =>
        new(Math.Max(0, (availableBytes ?? Csv.UsableBytes) - Csv.LoadingBytes(rows, columns)));

    /// <summary>The refusal of a cell at <paramref name="where"/> (the source, line and column) that did not fit.</summary>
    public Error Refusal(string where) =>
        Error.New($"{where}: not enough memory for the text cells: the table's text needs more than the {ByteSize.Text(Bytes)} left of what this process may use");

    /// <summary>A string's size on a 64-bit runtime: its object header, length and terminator, rounded up (24 + 2 per character).</summary>
    public static long StringBytes(int chars) => 24L + 2L * chars;
}
