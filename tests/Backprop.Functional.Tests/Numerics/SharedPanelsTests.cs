using System.Reflection;
using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lanes4 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector256<double>, Backprop.Functional.Numerics.Widths>;
using Lanes8 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector512<double>, Backprop.Functional.Numerics.Widths>;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// A split pass's parts (each A times its own columns of B) reading A's panels packed once and
/// shared give the reference chain's bits, whoever packs which block: one thread running every
/// part, or several threads racing for the blocks.
/// </summary>
public sealed class SharedPanelsTests
{
    /// <summary>a·b as <paramref name="parts"/> column parts on <paramref name="workers"/>' threads, all reading A's panels from one <see cref="SharedPanels"/>.</summary>
    private static double[] InParts<TLanes>(MatrixView a, MatrixView b, int parts, GemmWorkers workers, SharedPanels shared)
        where TLanes : struct, ILanes<TLanes>
    {
        var output = new double[a.Rows * b.Columns];
        Array.Fill(output, double.NaN);
        shared.Prepare<TLanes>(a);
        ForkJoin.Run(parts, workers, (p, member) =>
        {
            var (first, count) = ForkJoin.Slice(b.Columns, parts, p);
            if (count == 0) return;
            // The threshold keeps each part on its own thread, as a split layer's parts are.
            GemmKernel.Compute<TLanes>(a, b.ColumnRange(first, count), output.AsSpan(first * a.Rows, count * a.Rows), member, long.MaxValue, shared);
        });
        return output;
    }

    private static double[] Reference(MatrixView a, MatrixView b)
    {
        var expected = new double[a.Rows * b.Columns];
        ReferenceGemm.Compute(a, b, expected);
        return expected;
    }

    // Reused from case to case, as a step's workspace reuses them: panels left from another shape must not show.
    private readonly SharedPanels shared = new();
    private readonly GemmWorkers one = new(1);
    private readonly GemmWorkers two = new(2);

    [Property(MaxTest = 150, Arbitrary = [typeof(ProductCase)])]
    public Property Parts_reading_shared_panels_give_the_reference_bits_on_either_vector_width(ProductCase c)
    {
        var expected = Reference(c.A, c.B);
        return Dense.BitEqual(InParts<Lanes8>(c.A, c.B, 2, one, shared), expected).Label($"eight lanes, one thread: {c}")
            .And(Dense.BitEqual(InParts<Lanes4>(c.A, c.B, 3, one, shared), expected).Label($"four lanes, one thread: {c}"))
            .And(Dense.BitEqual(InParts<Lanes8>(c.A, c.B, 2, two, shared), expected).Label($"eight lanes, two threads: {c}"));
    }

    [Fact]
    public void Operands_of_several_row_and_k_blocks_are_shared_whole()
    {
        // 300 rows are three row blocks (the last partial), k = 700 three k blocks; as a layer's X
        // (column-major, too large to read in place) and as its δᵀ (rows contiguous).
        foreach (var layoutA in new[] { Layout.ColumnMajor, Layout.Transposed })
        {
            var c = new ProductCase(300, 40, 700, layoutA, Layout.Transposed, 1, 7);
            var expected = Reference(c.A, c.B);
            for (var round = 0; round < 5; round++)
                Assert.True(Dense.BitEqual(InParts<Lanes8>(c.A, c.B, 2, two, shared), expected), $"{c}, round {round}");
            Assert.True(Dense.BitEqual(InParts<Lanes4>(c.A, c.B, 2, one, shared), expected), c.ToString());
        }
    }

    [Fact]
    public void A_part_waits_for_a_block_another_thread_claimed_until_it_is_packed()
    {
        // Every block claimed and all but one packed: the state a part meets while another thread is
        // still packing the last block (too brief to meet reliably by racing two real threads).
        var large = MatrixView.ColumnMajor(new double[300 * 700], 300, 700);
        Assert.True(shared.Prepare<Lanes8>(large));
        var blocks = Field("blocks");
        Assert.Equal(9, blocks);
        SetField("claimed", blocks);
        SetField("finished", blocks - 1);
        var completing = new Thread(shared.Complete<Lanes8>) { IsBackground = true };
        completing.Start();
        Assert.False(completing.Join(TimeSpan.FromMilliseconds(200)), "returned while a block was still being packed");
        SetField("finished", blocks);
        Assert.True(completing.Join(TimeSpan.FromSeconds(10)), "still waiting after the last block was packed");
    }

    private int Field(string name) => (int)typeof(SharedPanels).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(shared)!;

    private void SetField(string name, int value) => typeof(SharedPanels).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(shared, value);

    [Fact]
    public void An_operand_read_in_place_is_not_shared_and_the_panels_hold_only_what_they_were_readied_for()
    {
        var inPlace = MatrixView.ColumnMajor(new double[64 * 64], 64, 64);
        Assert.False(shared.Prepare<Lanes8>(inPlace));
        Assert.False(shared.Hold<Lanes8>(inPlace));

        var large = MatrixView.ColumnMajor(new double[200 * 100], 200, 100);
        Assert.True(shared.Prepare<Lanes8>(large));
        Assert.True(shared.Hold<Lanes8>(large));
        Assert.False(shared.Hold<Lanes4>(large));
        Assert.False(shared.Hold<Lanes8>(large.ColumnRange(0, 99)));
        Assert.False(shared.Hold<Lanes8>(MatrixView.ColumnMajor(new double[200 * 100], 200, 100)));

        // Readied for an operand read in place, or let go, the panels no longer hold the last one.
        shared.Prepare<Lanes8>(inPlace);
        Assert.False(shared.Hold<Lanes8>(large));
        Assert.True(shared.Prepare<Lanes8>(large));
        shared.Release();
        Assert.False(shared.Hold<Lanes8>(large));
    }

    [Fact]
    public void Panels_are_used_only_when_vectors_of_that_width_run_here()
    {
        // On a machine without AVX-512 the eight-lane property above still runs (the tests call the width
        // directly); this pins that the kernel's own choice is what Share readies for.
        var large = MatrixView.ColumnMajor(new double[200 * 100], 200, 100);
        GemmKernel.Share(large, shared);
        Assert.Equal(Vector512.IsHardwareAccelerated, shared.Hold<Lanes8>(large));
        Assert.Equal(!Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated, shared.Hold<Lanes4>(large));
    }
}
