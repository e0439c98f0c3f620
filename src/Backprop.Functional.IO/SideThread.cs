using System.Runtime.ExceptionServices;

namespace Backprop.Functional.IO;

/// <summary>
/// Work on a thread of its own, not the thread pool: when memory runs out mid-read, a pool worker
/// finishing its item can allocate in the runtime's own code (its thread-count tuning), where an
/// out-of-memory exception cannot be caught and ends the process. A thread of our own only runs
/// <see cref="Run"/>'s body, whose exceptions are kept and rethrown by <see cref="Join"/>.
/// </summary>
internal sealed class SideThread<T>
{
    private readonly Thread _thread;
    private T? _result;
    private ExceptionDispatchInfo? _failure;

    private SideThread(Func<T> body, string name)
    {
        _thread = new Thread(() =>
        {
            try { _result = body(); }
            catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
        })
        { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Starts <paramref name="body"/> on a new background thread called <paramref name="name"/>.</summary>
    public static SideThread<T> Run(Func<T> body, string name) => new(body, name);

    /// <summary>Waits for the body to end and returns its result, or rethrows its exception with its own stack trace.</summary>
    public T Join()
    {
        _thread.Join();
        _failure?.Throw();
        return _result!;
    }
}
