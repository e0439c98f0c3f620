using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// Bit-equality of gradients, which many laws compare through: it must see a change in any single
/// element of any tensor, or those laws could pass on unequal values.
/// </summary>
public sealed class GradientsEqualityTests
{
    [Property(MaxTest = 100, Arbitrary = [typeof(GradientsTests.DyadicTriples)])]
    public Property Changing_any_one_element_breaks_bit_equality_and_a_copy_keeps_it((Gradients A, Gradients B, Gradients C) t)
    {
        var a = t.A;
        var count = a.Tensors().Sum(x => x.Values.Length);
        var copy = a.Map(v => v);
        var missed = Enumerable.Range(0, count).Where(i =>
        {
            var k = 0;
            var changed = a.Map(v => k++ == i ? v + 1 : v);
            return changed.BitEquals(a) || a.BitEquals(changed);
        }).ToList();
        return (copy.BitEquals(a) && missed.Count == 0).Label($"copy equal: {copy.BitEquals(a)}; changes not seen at elements {string.Join(",", missed)}");
    }

    [Fact]
    public void Gradients_with_fewer_layers_are_not_bit_equal()
    {
        var two = new Support.NetworkCase([2, 3, 1], ["tanh", "identity"], 1, 1).Network;
        var g = Gradients.Zero(two);
        var first = new Gradients(LanguageExt.Arr.create(g.Layers[0]));
        Assert.False(g.BitEquals(first));
        Assert.False(first.BitEquals(g));
    }
}
