using System.Globalization;
using Backprop.Functional.IO;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.IO;

/// <summary>The CSV reader's fast path for plain decimals gives double.Parse's bits, or leaves the text to it.</summary>
public sealed class PlainDecimalTests
{
    [Property(MaxTest = 2000)]
    public Property A_plain_decimal_parses_to_the_bits_double_parse_gives()
    {
        var text = from sign in Gen.Elements("", "-", "+")
                   from whole in Gen.Choose(0, 9).ArrayOf().Select(d => string.Concat(d.Take(12)))
                   from point in Gen.Elements(true, false)
                   from part in Gen.Choose(0, 9).ArrayOf().Select(d => string.Concat(d.Take(10)))
                   select sign + whole + (point ? "." + part : "");
        return Prop.ForAll(text.ToArbitrary(), s =>
        {
            var parsed = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
            return !PlainDecimal.TryParse(s, out var value) || (parsed && BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(expected));
        });
    }

    [Theory]
    [InlineData("0.1", true)]
    [InlineData("-0", true)]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", false)]
    [InlineData("1e5", false)]
    [InlineData("1.2.3", false)]
    [InlineData(".", false)]
    [InlineData("-", false)]
    [InlineData("", false)]
    [InlineData("+.", false)]
    [InlineData("1.", true)]
    [InlineData("+.5", true)]
    [InlineData("-12345678901234.5", true)]
    [InlineData("-12345678901234.56", false)]
    [InlineData("0000000000000001", false)]
    [InlineData("1-2", false)]
    [InlineData(".5.", false)]
    public void Only_plain_decimals_of_at_most_15_digits_take_the_fast_path(string text, bool fast) =>
        Assert.Equal(fast, PlainDecimal.TryParse(text, out _));
}
