using Backprop.Functional.Numerics.Gemm;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// How a fork splits a count among its parts (a layer's units among threads): the slices cover
/// every index once, in order; each starts at a multiple of 8, so that two threads never write
/// the same 64-byte line of a bias or a column; and each is within 8 of an even share.
/// </summary>
public sealed class ForkJoinSliceTests
{
    [Property(MaxTest = 2000)]
    public Property Slices_cover_the_count_in_order_start_on_multiples_of_eight_and_share_it_evenly()
    {
        var cases = from count in Gen.Choose(0, 5000)
                    from parts in Gen.Choose(1, 12)
                    select (count, parts);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var slices = Enumerable.Range(0, c.parts).Select(p => ForkJoin.Slice(c.count, c.parts, p)).ToArray();
            var next = 0;
            var problems = new List<string>();
            for (var p = 0; p < c.parts; p++)
            {
                var (start, count) = slices[p];
                if (count > 0 && start != next) problems.Add($"part {p} starts at {start}, not {next}");
                if (start % 8 != 0) problems.Add($"part {p} starts at {start}");
                if (Math.Abs(count - (double)c.count / c.parts) >= 8 + 1) problems.Add($"part {p} holds {count}");
                next = count > 0 ? start + count : next;
            }
            if (next != c.count) problems.Add($"the parts end at {next}");
            return (problems.Count == 0).Label($"{c.count} in {c.parts}: {string.Join("; ", problems)}");
        });
    }

    [Theory]
    [InlineData(100, 3, 0, 0, 32)]
    [InlineData(100, 3, 1, 32, 32)]
    [InlineData(100, 3, 2, 64, 36)]
    [InlineData(5, 2, 0, 0, 0)]
    [InlineData(5, 2, 1, 0, 5)]
    public void A_slice_is_its_share_rounded_down_to_eight_and_the_last_takes_the_rest(int count, int parts, int part, int start, int length) =>
        Assert.Equal((start, length), ForkJoin.Slice(count, parts, part));
}
