using System.Buffers;
using System.Globalization;
using System.Text;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.IO.Fuzzing;

/// <summary>How a reader took a file: the only acceptable outcomes are <see cref="Loaded"/> and <see cref="Refused"/>.</summary>
public enum ReadOutcome
{
    /// <summary>The reader and the stage after it succeeded.</summary>
    Loaded,

    /// <summary>A failure whose message is one printable line naming the file.</summary>
    Refused,

    /// <summary>A failure with an empty, multi-line, flooding or anonymous message.</summary>
    BadMessage,

    /// <summary>An exception escaped.</summary>
    Crashed,
}

/// <summary>An outcome and what it said (the message, or the exception and where it was thrown).</summary>
public sealed record Verdict(ReadOutcome Outcome, string Detail);

/// <summary>Runs each reader and the stage after it on a file's bytes and judges the outcome.</summary>
public static class ReaderOracle
{
    /// <summary>The name the files are read under; every refusal must start with it.</summary>
    public const string Source = "fuzz.input";

    /// <summary>Messages longer than this flood the terminal: a quoted value was not shortened.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>Parses safetensors and reads a network from it (activations default to sigmoid when the metadata has none).</summary>
    public static Verdict ReadSafeTensors(byte[] bytes) =>
        Judge(() => SafeTensors.Parse(Source, bytes).Bind(file => NetworkTensors.FromFile(file, Source, Sigmoid.Instance, Sigmoid.Instance)));

    /// <summary>Parses CSV and loads it as a data set with the seeds' target column.</summary>
    public static Verdict ReadCsv(byte[] bytes) =>
        Judge(() => Csv.Parse(Source, bytes).Bind(table => TabularData.Load(table, [FuzzSeeds.Target], null)));

    /// <summary>
    /// Non-empty, with no character that could break the line or hide text on a terminal: no
    /// control, line or paragraph separator, invisible formatting character or lone surrogate.
    /// </summary>
    public static bool IsOneLine(string message)
    {
        if (message.Trim().Length == 0) return false;
        for (var rest = message.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done) return false;
            if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return false;
            rest = rest[used..];
        }
        return true;
    }

    private static Verdict Judge<T>(Func<Fin<T>> read)
    {
        Fin<T> result;
        try { result = read(); }
        catch (Exception e)
        {
            var frame = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
            return new Verdict(ReadOutcome.Crashed, $"{e.GetType().Name}: {e.Message} {frame}");
        }
        if (result.IsSucc) return new Verdict(ReadOutcome.Loaded, "");
        var message = ((Error)result).Message;
        var clean = IsOneLine(message) && message.StartsWith(Source + ": ", StringComparison.Ordinal) && message.Length <= MaxMessageLength;
        return new Verdict(clean ? ReadOutcome.Refused : ReadOutcome.BadMessage, message);
    }
}
