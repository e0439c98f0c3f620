using System.Globalization;
using System.Text;

namespace Backprop.Functional;

/// <summary>
/// Text read from a file, made fit to appear inside a one-line error message: control and
/// invisible formatting characters are escaped, so a hostile file can neither break the line
/// nor rearrange the terminal's text, and long text is cut, so it cannot flood the message.
/// </summary>
public static class Quote
{
    /// <summary>How many characters of a quoted value a message shows.</summary>
    public const int MaxLength = 40;

    /// <summary>'value' in single quotes, escaped and cut to <see cref="MaxLength"/> characters.</summary>
    public static string Value(string? text) => $"'{Escape(text ?? "", MaxLength, quoted: true)}'";

    /// <summary>The first values of a list, each quoted: 'a', 'b', … (120 in all).</summary>
    public static string List(IReadOnlyCollection<string> values, int shown = 8) =>
        string.Join(", ", values.Take(shown).Select(Value)) + (values.Count > shown ? $", ... ({values.Count} in all)" : "");

    /// <summary>
    /// The text with control, formatting and separator characters written as escapes (\n, \u202E),
    /// cut to about <paramref name="maxLength"/> characters with "..." when longer.
    /// </summary>
    public static string Escape(string text, int maxLength) => Escape(text, maxLength, quoted: false);

    // Inside quotes the quote and the backslash are escaped too, so where a value ends is never in doubt.
    private static string Escape(string text, int maxLength, bool quoted)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (result.Length >= maxLength) return result.Append("...").ToString();
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
                continue;
            }
            result.Append(NeedsEscape(c) || (quoted && c is '\'' or '\\') ? EscapeOf(c) : c.ToString());
        }
        return result.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is
            UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string EscapeOf(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\'' or '\\' => $"\\{c}",
        _ => $"\\u{(int)c:X4}",
    };
}
