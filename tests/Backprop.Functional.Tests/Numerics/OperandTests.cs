using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// The one check that makes the kernels' unchecked reads safe: every element a view names lies in
/// its array, whatever the signs of its strides, and a view of negative size names nothing valid.
/// </summary>
public sealed class OperandTests
{
    private static readonly double[] Ten = new double[10];

    public static TheoryData<MatrixView, bool> Views => new()
    {
        // 3 × 2 with rows 4 apart: the last element is at 0 + 2·4 + 1 = 9, the array's last.
        { new MatrixView(Ten, 0, 3, 2, 4, 1), true },
        { new MatrixView(Ten, 0, 3, 2, 5, 1), false },
        { new MatrixView(Ten, 1, 3, 2, 4, 1), false },
        // Walking backwards from the last element: the lowest is 9 − 2·4 − 1 = 0.
        { new MatrixView(Ten, 9, 3, 2, -4, -1), true },
        { new MatrixView(Ten, 8, 3, 2, -4, -1), false },
        // One stride forwards and one backwards: the lowest takes the negative reach, the highest the positive one.
        { new MatrixView(Ten, 1, 3, 2, 4, -1), true },
        { new MatrixView(Ten, 0, 3, 2, 4, -1), false },
        { new MatrixView(Ten, 8, 2, 3, -4, 1), false },
        { new MatrixView(Ten, 7, 2, 3, -4, 1), true },
        // Empty views name nothing; negative sizes are not views at all.
        { new MatrixView(Ten, 50, 0, 3, 1, 1), true },
        { new MatrixView(Ten, 0, -1, 3, 1, 1), false },
        { new MatrixView(Ten, 0, 3, -1, 1, 1), false },
        { new MatrixView(Ten, 0, -2, -2, 1, 1), false },
        // A negative size whose reach would land inside the array is still refused.
        { new MatrixView(Ten, 0, -1, 2, -1, 1), false },
    };

    [Fact]
    public void A_view_describes_its_shape_and_layout_in_one_line() =>
        // The record's own ToString printed the transpose's, whose own printed its transpose: a stack overflow.
        Assert.Equal("3×2 view at 1, strides (4, -1), of 10 doubles", new MatrixView(Ten, 1, 3, 2, 4, -1).ToString());

    [Theory]
    [MemberData(nameof(Views))]
    public void A_view_fits_its_array_exactly_when_every_element_it_names_is_inside(MatrixView view, bool fits)
    {
        Assert.Equal(fits, view.FitsItsData());
        if (view.Rows > 0 && view.Columns > 0)
        {
            // The same answer as visiting every element.
            var visited = Enumerable.Range(0, view.Rows).SelectMany(i => Enumerable.Range(0, view.Columns).Select(j => (long)view.Offset + (long)i * view.RowStride + (long)j * view.ColumnStride));
            Assert.Equal(fits, visited.All(at => at >= 0 && at < view.Data.Length));
        }
    }
}
