using Backprop.Functional.Numerics.Gemm;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// The fused step's own parameter sets hold each weight matrix row-major (each unit's weights
/// contiguous, <see cref="ParameterArrays.ByUnit"/>); a state's hold it column-major. The copies
/// between the two move values and round nothing: W[u, j] lands at u·inputs + j, biases and slots
/// follow, and a copy there and back gives every bit back, whether one thread or several make it.
/// </summary>
public sealed class ParameterLayoutTests
{
    private static readonly Gen<(int[] Widths, int Slots, ulong Seed)> Shapes =
        from layers in Gen.Choose(1, 3)
        from widths in Gen.Choose(1, 40).ArrayOf(layers + 1)
        from slots in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        select (widths, slots, (ulong)seed);

    [Property(MaxTest = 200)]
    public Property A_fused_set_holds_W_u_j_at_u_times_inputs_plus_j_and_a_copy_back_gives_every_bit_back() =>
        Prop.ForAll(Shapes.ToArbitrary(), c =>
        {
            var state = Filled(c.Widths, c.Slots, c.Seed);
            var byUnit = state.CopyTo(ParameterArrays.Allocate(c.Widths, c.Slots, byUnit: true), c.Widths);
            var back = byUnit.CopyTo(ParameterArrays.Allocate(c.Widths, c.Slots), c.Widths);
            var problems = new List<string>();
            for (var set = -1; set < c.Slots; set++)
            {
                var (from, mid, to) = set < 0 ? (state.Tensors, byUnit.Tensors, back.Tensors) : (state.Slots[set], byUnit.Slots[set], back.Slots[set]);
                for (var i = 0; i + 1 < c.Widths.Length; i++)
                {
                    var (units, inputs) = (c.Widths[i + 1], c.Widths[i]);
                    for (var u = 0; u < units; u++)
                        for (var j = 0; j < inputs; j++)
                            if (!Bits.Same(mid[2 * i][u * inputs + j], from[2 * i][j * units + u])) problems.Add($"set {set}, layer {i}: W[{u}, {j}]");
                    if (!mid[2 * i + 1].AsSpan().SequenceEqual(from[2 * i + 1])) problems.Add($"set {set}, layer {i}: the bias moved");
                }
                for (var k = 0; k < from.Length; k++)
                    if (!Bits.Same(from[k], to[k])) problems.Add($"set {set}, tensor {k} came back changed");
            }
            return (problems.Count == 0).Label($"{string.Join("-", c.Widths)}, {c.Slots} slots: {string.Join("; ", problems.Take(5))}");
        });

    [Fact]
    public void Threads_share_out_a_large_matrix_s_copy_and_give_the_same_bits_as_one_thread()
    {
        // 300 × 700 = 210,000 weights, past the 2^16 from which a copy is shared out; 700 rows of the
        // transpose split into parts that do not fall on multiples of four.
        int[] widths = [700, 300, 3];
        var state = Filled(widths, 1, 5);
        var workers = new GemmWorkers(3);
        try
        {
            var one = state.CopyTo(ParameterArrays.Allocate(widths, 1, byUnit: true), widths);
            var shared = state.CopyTo(ParameterArrays.Allocate(widths, 1, byUnit: true), widths, workers);
            for (var k = 0; k < one.Tensors.Length; k++)
            {
                Assert.True(Bits.Same(one.Tensors[k], shared.Tensors[k]), $"tensor {k}");
                Assert.True(Bits.Same(one.Slots[0][k], shared.Slots[0][k]), $"slot tensor {k}");
            }
            var back = ParameterArrays.ColumnMajorCopy(shared.Tensors, widths, workers: workers);
            for (var k = 0; k < back.Length; k++) Assert.True(Bits.Same(state.Tensors[k], back[k]), $"tensor {k} back");
        }
        finally
        {
            workers.Close();
        }
    }

    [Fact]
    public void A_fused_set_is_never_taken_for_a_state_s_arrays()
    {
        int[] widths = [3, 2];
        var byUnit = ParameterArrays.Allocate(widths, 0, byUnit: true);
        var shape = new NetworkCase(widths, ["sigmoid"], 1, 1).Network;
        Assert.Contains("state's layout", Assert.Throws<InvalidOperationException>(() => byUnit.ToNetwork(shape)).Message);
        Assert.Throws<InvalidOperationException>(() => byUnit.ToOptimizerState(OptimizerState.Stateless, 1, Array.Empty<string>()));
    }

    [Fact]
    public void A_copy_between_sets_of_one_layout_moves_every_value_where_it_was()
    {
        int[] widths = [5, 3, 2];
        foreach (var byUnit in new[] { false, true })
        {
            var from = Filled(widths, 1, 3);
            var layout = ParameterArrays.Allocate(widths, 1, byUnit);
            // Filled makes a state-layout set; its values serve as a set of either layout.
            for (var k = 0; k < from.Tensors.Length; k++)
            {
                from.Tensors[k].AsSpan().CopyTo(layout.Tensors[k]);
                from.Slots[0][k].AsSpan().CopyTo(layout.Slots[0][k]);
            }
            var to = layout.CopyTo(ParameterArrays.Allocate(widths, 1, byUnit), widths);
            for (var k = 0; k < from.Tensors.Length; k++)
            {
                Assert.True(Bits.Same(layout.Tensors[k], to.Tensors[k]), $"byUnit {byUnit}, tensor {k}");
                Assert.True(Bits.Same(layout.Slots[0][k], to.Slots[0][k]), $"byUnit {byUnit}, slot tensor {k}");
            }
        }
    }

    [Theory]
    [InlineData(4, 3, 11, 12, 0, 4)] // from too short
    [InlineData(4, 3, 12, 11, 0, 4)] // to too short
    [InlineData(4, 3, 12, 12, -1, 2)]
    [InlineData(4, 3, 12, 12, 1, -1)]
    [InlineData(4, 3, 12, 12, 2, 3)] // past the last row
    public void Transposing_rows_outside_either_array_is_refused(int rows, int columns, int fromLength, int toLength, int first, int count) =>
        Assert.Throws<ArgumentException>(() => Packing.TransposeRows(new double[fromLength], new double[toLength], rows, columns, first, count));

    [Property(MaxTest = 300)]
    public Property Transposing_rows_writes_their_block_of_the_transpose_and_nothing_else()
    {
        var cases = from rows in Gen.Choose(0, 30)
                    from columns in Gen.Choose(0, 30)
                    from first in Gen.Choose(0, rows)
                    from count in Gen.Choose(0, rows - first)
                    select (rows, columns, first, count);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var from = Enumerable.Range(0, c.rows * c.columns).Select(i => i + 0.5).ToArray();
            var to = Enumerable.Repeat(-1.0, c.rows * c.columns).ToArray();
            Packing.TransposeRows(from, to, c.rows, c.columns, c.first, c.count);
            var wrong = new List<string>();
            for (var r = 0; r < c.rows; r++)
                for (var col = 0; col < c.columns; col++)
                {
                    var expected = r >= c.first && r < c.first + c.count ? from[col * c.rows + r] : -1.0;
                    if (to[r * c.columns + col] != expected) wrong.Add($"[{r}, {col}] = {to[r * c.columns + col]}, not {expected}");
                }
            return (wrong.Count == 0).Label($"{c.rows}×{c.columns}, rows {c.first}+{c.count}: {string.Join("; ", wrong.Take(4))}");
        });
    }

    /// <summary>A state-layout set whose every value is distinct and random.</summary>
    private static ParameterArrays Filled(int[] widths, int slots, ulong seed)
    {
        var set = ParameterArrays.Allocate(widths, slots);
        var random = new Random((int)(seed % int.MaxValue));
        foreach (var tensors in set.Slots.Prepend(set.Tensors))
            foreach (var tensor in tensors)
                for (var i = 0; i < tensor.Length; i++) tensor[i] = random.NextDouble() - 0.5;
        return set;
    }
}
