using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// A worker's packing space: panels start on a 64-byte line (a full AVX-512 load never straddles
/// two), and the space, like each member of the workers, is kept and reused, so a product
/// allocates nothing once its worker has seen one of that size.
/// </summary>
public sealed class PackingBuffersTests
{
    [Fact]
    public unsafe void Panels_start_on_a_64_byte_boundary_whatever_size_is_asked()
    {
        var buffers = new PackingBuffers();
        foreach (var length in new[] { 1, 7, 96, 1000, 4097, 65536, 3 })
        {
            Assert.Equal(0UL, (ulong)Unsafe.AsPointer(ref buffers.Rows(length)) % 64);
            Assert.Equal(0UL, (ulong)Unsafe.AsPointer(ref buffers.Columns(length)) % 64);
        }
    }

    [Fact]
    public void Space_is_reused_for_a_request_that_fits_and_grown_for_one_that_does_not()
    {
        var buffers = new PackingBuffers();
        ref var first = ref buffers.Rows(1000);
        Assert.True(Unsafe.AreSame(ref first, ref buffers.Rows(1000)));
        Assert.True(Unsafe.AreSame(ref first, ref buffers.Rows(10)));
        Assert.False(Unsafe.AreSame(ref first, ref buffers.Rows(100_000)));
        // Rows and columns are two spaces: packing B never overwrites packed A.
        Assert.False(Unsafe.AreSame(ref buffers.Rows(10), ref buffers.Columns(10)));
    }

    [Fact]
    public void Workers_need_at_least_one_thread() =>
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => new GemmWorkers(0)).ParamName);

    [Fact]
    public void Workers_keep_each_buffer_and_member_they_hand_out()
    {
        var workers = new GemmWorkers(3);
        Assert.Same(workers.Buffers(0), workers.Buffers(0));
        Assert.NotSame(workers.Buffers(0), workers.Buffers(2));
        Assert.Same(workers.Member(1), workers.Member(1));
        // A member is one thread on its worker's own buffers.
        Assert.Equal(1, workers.Member(2).Threads);
        Assert.Same(workers.Buffers(2), workers.Member(2).Buffers(0));
    }
}
