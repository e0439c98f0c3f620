namespace Backprop.Functional.Tests;

/// <summary>Values from files inside messages: escaped so they cannot break or disguise the line, cut so they cannot flood it.</summary>
public sealed class QuoteTests
{
    [Theory]
    [InlineData("setosa", "'setosa'")]
    [InlineData("a\nb\r\tc", "'a\\nb\\r\\tc'")]
    [InlineData("\u001b[2J\u0000", "'\\u001B[2J\\u0000'")]
    [InlineData("abc\u202edef\u2028", "'abc\\u202Edef\\u2028'")]
    [InlineData("it's a\\b", "'it\\'s a\\\\b'")]
    [InlineData("🌸é", "'🌸é'")]
    public void A_value_is_quoted_with_everything_unprintable_escaped(string value, string quoted) =>
        Assert.Equal(quoted, Quote.Value(value));

    [Fact]
    public void A_lone_surrogate_is_escaped()
    {
        // Not in InlineData: attributes cannot hold one. A high surrogate without its low half, at the
        // end or before another character, and a low one without its high half, are each escaped.
        Assert.Equal("'\\uD800x'", Quote.Value("\ud800x"));
        Assert.Equal("'x\\uD800'", Quote.Value("x\ud800"));
        Assert.Equal("'a\\uDC00'", Quote.Value("a\udc00"));
        Assert.Equal("''", Quote.Value(null));
    }

    [Fact]
    public void A_list_of_exactly_the_shown_length_is_shown_whole()
    {
        var eight = Enumerable.Range(1, 8).Select(i => $"v{i}").ToArray();
        Assert.Equal(string.Join(", ", eight.Select(v => $"'{v}'")), Quote.List(eight));
        Assert.EndsWith("'v8', ... (9 in all)", Quote.List([.. eight, "v9"]));
    }

    [Fact]
    public void A_long_value_is_cut_without_splitting_a_surrogate_pair()
    {
        Assert.Equal("'" + new string('x', Quote.MaxLength) + "...'", Quote.Value(new string('x', 1_000_000)));
        var cut = Quote.Value(new string('x', Quote.MaxLength - 1) + "🌸🌸");
        Assert.Equal("'" + new string('x', Quote.MaxLength - 1) + "🌸...'", cut);
    }

    [Fact]
    public void A_long_list_shows_its_first_values_and_its_length() =>
        Assert.Equal("'a', 'b', ... (3 in all)", Quote.List(["a", "b", "c"], shown: 2));

    [Fact]
    public void Unquoted_text_keeps_its_quotes_but_not_its_line_breaks() =>
        Assert.Equal("'0x01' is invalid\\n", Quote.Escape("'0x01' is invalid\n", 200));
}
