namespace Backprop.Functional.IO;

/// <summary>
/// The common case of a number cell, parsed without the general parser: an optional sign, digits
/// and an optional point and digits ("-12.375"), at most 15 digits and no exponent. Clinger's fast
/// path makes this exact: the digits as an integer below 2^53 and 10^k for k ≤ 22 are both exact
/// doubles, so their quotient is the correctly rounded value, the very bits double.Parse gives.
/// Anything else returns false and goes to double.TryParse.
/// </summary>
internal static class PlainDecimal
{
    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] is '-' or '+') { negative = text[0] == '-'; i = 1; }
        long mantissa = 0;
        var (digits, fraction, point) = (0, 0, false);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && !point) { point = true; continue; }
            if ((uint)(c - '0') > 9) return false;
            if (++digits > 15) return false;
            mantissa = mantissa * 10 + (c - '0');
            if (point) fraction++;
        }
        if (digits == 0) return false;
        value = mantissa / PowersOfTen[fraction];
        if (negative) value = -value;
        return true;
    }
}
