using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lanes8 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector512<double>, Backprop.Functional.Numerics.Widths>;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>The fast kernel gives the reference chain's bits for every shape, layout, vector width and thread count.</summary>
public sealed class GemmKernelTests
{
    /// <summary>A product computed some way into a fresh column-major array.</summary>
    public delegate void Kernel(MatrixView a, MatrixView b, Span<double> c);

    private static double[] Run(Kernel kernel, ProductCase c)
    {
        var (a, b) = (c.A, c.B);
        // NaN-filled so that an output the kernel forgets to write cannot pass for a zero.
        var output = new double[c.M * c.N];
        Array.Fill(output, double.NaN);
        kernel(a, b, output);
        return output;
    }

    private static Property SameBitsAsReference(Kernel kernel, ProductCase c) =>
        Dense.BitEqual(Run(kernel, c), Run(ReferenceGemm.Compute, c)).Label($"differs from the reference chain for {c}");

    // One set of workers per thread count for each test (xunit makes an instance per test), reused
    // from case to case as a context reuses them: buffers left from another shape must not show.
    private readonly GemmWorkers[] workers = [new(1), new(2), new(3)];

    // A threshold of 0 sends every product that can be split through the parallel path.
    private Kernel Wide(int threads) => (a, b, c) => GemmKernel.Compute<Lanes<Vector512<double>, Widths>>(a, b, c, workers[threads - 1], parallelThreshold: 0);

    private Kernel Narrow(int threads) => (a, b, c) => GemmKernel.Compute<Lanes<Vector256<double>, Widths>>(a, b, c, workers[threads - 1], parallelThreshold: 0);

    [Property(MaxTest = 150, Arbitrary = [typeof(ProductCase)])]
    public Property Avx512_lanes_give_the_reference_bits_on_one_two_and_three_threads(ProductCase c) =>
        SameBitsAsReference(Wide(1), c).And(SameBitsAsReference(Wide(2), c)).And(SameBitsAsReference(Wide(3), c));

    [Property(MaxTest = 150, Arbitrary = [typeof(ProductCase)])]
    public Property Avx2_lanes_give_the_reference_bits_on_one_two_and_three_threads(ProductCase c) =>
        SameBitsAsReference(Narrow(1), c).And(SameBitsAsReference(Narrow(2), c)).And(SameBitsAsReference(Narrow(3), c));

    [Property(MaxTest = 100, Arbitrary = [typeof(ProductCase)])]
    public Property The_public_entry_point_gives_the_reference_bits_with_and_without_a_context(ProductCase c)
    {
        using var one = new ComputeContext(1);
        using var three = new ComputeContext(3);
        return SameBitsAsReference((a, b, output) => MatrixProduct.Compute(a, b, output), c)
            .And(SameBitsAsReference((a, b, output) => MatrixProduct.Compute(a, b, output, one), c))
            .And(SameBitsAsReference((a, b, output) => MatrixProduct.Compute(a, b, output, three), c));
    }

    [Fact]
    public void Products_deeper_than_one_k_block_continue_each_chain_in_order()
    {
        // k > 256 splits the chain into k blocks; 3 threads split the output into strips.
        foreach (var (m, n, k) in new[] { (33, 20, 700), (1, 9, 600), (17, 1, 513), (70, 70, 300) })
        {
            var c = new ProductCase(m, n, k, Layout.ColumnMajor, Layout.Transposed, 1, 42);
            Assert.True(Dense.BitEqual(Run(Wide(3), c), Run(ReferenceGemm.Compute, c)), c.ToString());
            Assert.True(Dense.BitEqual(Run(Narrow(1), c), Run(ReferenceGemm.Compute, c)), c.ToString());
        }
    }

    [Fact]
    public void Single_row_single_column_and_depth_one_products_match_in_every_layout()
    {
        // The batch-of-one paths read the operands in place, one way per layout.
        var layouts = new[] { Layout.ColumnMajor, Layout.Transposed, Layout.Strided };
        foreach (var (m, n, k) in new[] { (1, 37, 35), (1, 16, 3), (35, 1, 37), (33, 37, 1), (1, 1, 9) })
            foreach (var layoutA in layouts)
                foreach (var layoutB in layouts)
                {
                    var c = new ProductCase(m, n, k, layoutA, layoutB, 2, 5);
                    Assert.True(Dense.BitEqual(Run(Wide(1), c), Run(ReferenceGemm.Compute, c)), c.ToString());
                    Assert.True(Dense.BitEqual(Run(Narrow(1), c), Run(ReferenceGemm.Compute, c)), c.ToString());
                }
    }

    [Fact]
    public void An_empty_inner_dimension_gives_positive_zeros()
    {
        var a = new MatrixView([], 0, 3, 0, 1, 3);
        var b = new MatrixView([], 0, 0, 2, 1, 0);
        var c = new double[6];
        Array.Fill(c, double.NaN);
        GemmKernel.Compute(a, b, c, new GemmWorkers(1));
        Assert.All(c, x => Assert.Equal(0UL, BitConverter.DoubleToUInt64Bits(x)));
    }

    /// <summary>The refusal of a·b into <paramref name="c"/>, from the kernel on eight lanes.</summary>
    private static string Refusal(MatrixView a, MatrixView b, double[] c) =>
        Assert.Throws<ArgumentException>(() => GemmKernel.Compute<Lanes8>(a, b, c, new GemmWorkers(1), GemmKernel.ParallelThreshold)).Message;

    [Fact]
    public void An_output_sharing_either_operands_array_is_refused()
    {
        var data = new double[8];
        var (inData, other) = (MatrixView.ColumnMajor(data, 2, 2), MatrixView.ColumnMajor(new double[4], 2, 2));
        const string refusal = "the output must not share storage with an operand";
        Assert.Equal(refusal, Refusal(inData, other, data));
        Assert.Equal(refusal, Refusal(other, inData, data));
    }

    [Fact]
    public void A_view_reaching_outside_its_array_is_refused_whichever_operand_it_is()
    {
        var (outside, inside) = (new MatrixView(new double[4], 1, 2, 2, 1, 2), MatrixView.ColumnMajor(new double[4], 2, 2));
        const string refusal = "a view reaches outside its array";
        Assert.Equal(refusal, Refusal(outside, inside, new double[4]));
        Assert.Equal(refusal, Refusal(inside, outside, new double[4]));
    }

    [Fact]
    public void Operands_whose_inner_dimensions_differ_are_refused()
    {
        var (a, b) = (MatrixView.ColumnMajor(new double[6], 2, 3), MatrixView.ColumnMajor(new double[6], 2, 3));
        Assert.Equal("inner dimensions differ: 2x3 · 2x3", Refusal(a, b, new double[9]));
        Assert.Equal("inner dimensions differ: 2x3 · 2x3",
            Assert.Throws<ArgumentException>(() => MatrixProduct.Multiply(Dense.Matrix(2, 3, new double[6]), Dense.Matrix(2, 3, new double[6]))).Message);
    }

    [Fact]
    public void An_output_of_more_elements_than_an_int_counts_is_refused_not_wrapped()
    {
        // 65536 × 0 times 0 × 65536 is 2³² zeros: the count must not wrap to 0 and return nothing.
        var (a, b) = (new MatrixView([], 0, 65536, 0, 1, 65536), new MatrixView([], 0, 0, 65536, 1, 0));
        Assert.Throws<OverflowException>(() => GemmKernel.Compute<Lanes8>(a, b, new double[4], new GemmWorkers(1), GemmKernel.ParallelThreshold));
    }

    [Fact]
    public void An_output_shorter_than_the_product_is_refused_and_a_longer_one_keeps_its_tail()
    {
        var (a, b) = (MatrixView.ColumnMajor([1, 2, 3, 4], 2, 2), MatrixView.ColumnMajor([5, 6, 7, 8], 2, 2));
        Assert.Equal("output is too small", Assert.Throws<ArgumentException>(() => MatrixProduct.Compute(a, b, new double[3])).Message);
        var c = new double[] { double.NaN, double.NaN, double.NaN, double.NaN, 42.0 };
        MatrixProduct.Compute(a, b, c);
        Assert.Equal([23.0, 34.0, 31.0, 46.0, 42.0], c);
    }

    [Fact]
    public void Products_read_nothing_past_their_inner_dimension()
    {
        // Each operand is the first k columns (A) or rows (B) of an array whose next ones hold NaN: a
        // k block that ran past k (the last of uneven blocks, e.g. 700 = 234 + 234 + 232) would read them.
        foreach (var (m, n, k) in new[] { (33, 20, 700), (20, 13, 257), (17, 9, 513), (9, 12, 300) })
        {
            foreach (var (a, b) in new[] { (ColumnMajorWithNaNsBeyond(m, k), RowMajorWithNaNsBeyond(k, n)), (RowMajorWithNaNsBeyond(m, k), ColumnMajorWithNaNsBeyond(k, n)) })
            {
                var expected = new double[m * n];
                ReferenceGemm.Compute(a, b, expected);
                foreach (var kernel in new[] { Wide(1), Wide(3), Narrow(1) })
                {
                    var output = new double[m * n];
                    kernel(a, b, output);
                    Assert.True(Dense.BitEqual(expected, output), $"{m}x{k} · {k}x{n}");
                }
            }
        }
    }

    /// <summary>Rows × columns of ordinary numbers, column-major, followed by 8 columns of NaN.</summary>
    private static MatrixView ColumnMajorWithNaNsBeyond(int rows, int columns)
    {
        var data = new double[rows * (columns + 8)];
        Array.Fill(data, double.NaN);
        for (var i = 0; i < rows * columns; i++) data[i] = Math.Sin(i + 1);
        return MatrixView.ColumnMajor(data, rows, columns);
    }

    /// <summary>Rows × columns of ordinary numbers, row-major, followed by 8 rows of NaN.</summary>
    private static MatrixView RowMajorWithNaNsBeyond(int rows, int columns) => ColumnMajorWithNaNsBeyond(columns, rows).Transposed;

    [Fact]
    public void Single_row_and_depth_one_products_keep_the_tail_of_a_longer_output()
    {
        // A batch of one (one row of output) and a depth of one (an outer product) have paths of their
        // own, each with a scalar tail; none may write past the product.
        var layouts = new[] { Layout.ColumnMajor, Layout.Transposed, Layout.Strided };
        for (var size = 1; size <= 19; size++)
            foreach (var (m, n, k) in new[] { (1, size, 5), (1, size, 1), (size, 3, 1), (size, 1, 4) })
                foreach (var layoutA in layouts)
                    foreach (var layoutB in layouts)
                    {
                        var c = new ProductCase(m, n, k, layoutA, layoutB, 1, (ulong)size);
                        var expected = Run(ReferenceGemm.Compute, c);
                        foreach (var kernel in new[] { Wide(1), Narrow(1) })
                        {
                            var output = new double[m * n + 4];
                            Array.Fill(output, 42.0);
                            kernel(c.A, c.B, output);
                            Assert.True(Dense.BitEqual(expected, output[..(m * n)]), c.ToString());
                            Assert.All(output[(m * n)..], x => Assert.Equal(42.0, x));
                        }
                    }
    }

    /// <summary>Kernels that are wrong only in the order or rounding of each element's sum.</summary>
    public static TheoryData<string> WrongKernels => ["reversed", "split", "unfused"];

    [Theory]
    [MemberData(nameof(WrongKernels))]
    public void The_property_catches_a_kernel_that_sums_in_another_order(string name)
    {
        // If a kernel that reorders or rounds differently passed, the properties above would prove nothing.
        Kernel wrong = name switch
        {
            "reversed" => (a, b, c) => Chain(a, b, c, Reversed),
            "split" => (a, b, c) => Chain(a, b, c, TwoHalves),
            _ => (a, b, c) => Chain(a, b, c, Unfused),
        };
        var cases = Gen.Sample(ProductCase.Arbitrary().Generator, 100);
        Assert.Contains(cases, c => !Dense.BitEqual(Run(wrong, c), Run(ReferenceGemm.Compute, c)));
    }

    private static void Chain(MatrixView a, MatrixView b, Span<double> c, Func<MatrixView, MatrixView, int, int, double> element)
    {
        for (var j = 0; j < b.Columns; j++)
            for (var i = 0; i < a.Rows; i++)
                c[j * a.Rows + i] = element(a, b, i, j);
    }

    private static double Reversed(MatrixView a, MatrixView b, int i, int j)
    {
        var acc = 0.0;
        for (var k = a.Columns - 1; k >= 0; k--) acc = Math.FusedMultiplyAdd(a[i, k], b[k, j], acc);
        return acc;
    }

    private static double TwoHalves(MatrixView a, MatrixView b, int i, int j)
    {
        var (low, high, half) = (0.0, 0.0, a.Columns / 2);
        for (var k = 0; k < half; k++) low = Math.FusedMultiplyAdd(a[i, k], b[k, j], low);
        for (var k = half; k < a.Columns; k++) high = Math.FusedMultiplyAdd(a[i, k], b[k, j], high);
        return low + high;
    }

    private static double Unfused(MatrixView a, MatrixView b, int i, int j)
    {
        var acc = 0.0;
        for (var k = 0; k < a.Columns; k++) acc += a[i, k] * b[k, j];
        return acc;
    }
}
