using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="Limits.FitsOneTensor"/>, the line every "too many numbers for one tensor" refusal draws:
/// checked against exact arithmetic, at and around the line, where a tensor would take gigabytes.
/// </summary>
public sealed class LimitsTests
{
    /// <summary>Shapes whose size lies within a few rows of the limit, or far past it (where rows × columns overflows a long).</summary>
    public static class ShapesNearTheLimit
    {
        public static Arbitrary<(long Rows, long Columns)> Shapes() => Arb.From(
            Gen.OneOf(
                from columns in Gen.Choose(1, 1 << 20)
                from step in Gen.Choose(-2, 2)
                select (Limits.MaxTensorElements / columns + step, (long)columns),
                from rows in Gen.Choose(0, int.MaxValue)
                from columns in Gen.Choose(0, int.MaxValue)
                select ((long)rows << 31, (long)columns << 2)));
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(ShapesNearTheLimit)])]
    public bool A_shape_fits_exactly_when_its_size_is_at_most_the_limit((long Rows, long Columns) shape) =>
        Limits.FitsOneTensor(shape.Rows, shape.Columns)
            == (shape.Rows >= 0 && new BigInteger(shape.Rows) * shape.Columns <= Limits.MaxTensorElements);

    [Theory]
    [InlineData(1L << 20, 256L, true)] // exactly 2^28: allowed
    [InlineData(1L << 20, 257L, false)]
    [InlineData((1L << 28) + 1, 1L, false)]
    [InlineData(1L << 28, 1L, true)]
    [InlineData(long.MaxValue, 0L, true)] // no elements at all
    [InlineData(0L, long.MaxValue, true)]
    [InlineData(long.MaxValue, 2L, false)] // the product would overflow a long
    [InlineData(-1L, 1L, false)]
    [InlineData(1L, -1L, false)]
    public void The_limit_itself_fits_and_one_more_element_does_not(long rows, long columns, bool fits) =>
        Assert.Equal(fits, Limits.FitsOneTensor(rows, columns));
}
