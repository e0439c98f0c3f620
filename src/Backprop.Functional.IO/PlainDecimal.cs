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
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        // A sign, 15 digits and a point at most: longer text cannot qualify (and its digits cannot overflow).
        if ((uint)(text.Length - 1) > 16) return false;
        var (i, negative) = text[0] is '-' or '+' ? (1, text[0] == '-') : (0, false);
        var start = i;
        var (mantissa, point) = (0UL, -1);
        // The loop only adds digits; where the point was is worked out once at the end (measured ~20% faster per cell).
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit <= 9) { mantissa = mantissa * 10 + digit; continue; }
            if (text[i] != '.' || point >= 0) return false;
            point = i;
        }
        var digits = text.Length - start - (point >= 0 ? 1 : 0);
        if ((uint)(digits - 1) > 14) return false;
        value = (long)mantissa / PowersOfTen[point < 0 ? 0 : text.Length - point - 1];
        if (negative) value = -value;
        return true;
    }
}
