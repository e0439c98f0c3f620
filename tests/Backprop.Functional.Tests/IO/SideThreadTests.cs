using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// The thread the second half of a large CSV is read on: its result or its exception comes back
/// to whoever joins it, and an exception never escapes the thread (which would end the process).
/// </summary>
public sealed class SideThreadTests
{
    [Fact]
    public void Join_returns_what_the_body_returned_from_a_named_background_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var side = SideThread<(int, bool, string?)>.Run(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsBackground, Thread.CurrentThread.Name), "reader");
        var (thread, background, name) = side.Join();
        Assert.NotEqual(caller, thread);
        // A background thread never keeps the process from exiting.
        Assert.Equal((true, "reader"), (background, name));
    }

    [Fact]
    public void Join_rethrows_the_bodys_exception_as_it_was_thrown()
    {
        var side = SideThread<int>.Run(() => throw new InsufficientMemoryException("half"), "reader");
        var thrown = Assert.Throws<InsufficientMemoryException>(() => side.Join());
        Assert.Equal("half", thrown.Message);
        Assert.Contains(nameof(Join_rethrows_the_bodys_exception_as_it_was_thrown), thrown.StackTrace);
    }
}
