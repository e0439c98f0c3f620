using System.Diagnostics;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// The run's lock: one writer or many readers, refused rather than waited for, never taken through
/// a link (the old lock truncated whatever a planted .lock link pointed to).
/// </summary>
public sealed class RunLockTests
{
    private static RunLock Take(string path, bool exclusive) => RunLock.Acquire(path, exclusive).ThrowIfFail();

    // File.ReadAllText would take a flock of its own (.NET does for FileShare), which the lock under test refuses.
    private static string Content(string path) => System.Text.Encoding.ASCII.GetString((byte[])FileInput.ReadRunFile(path));

    private static void AssertBusy(string path, bool exclusive)
    {
        var error = SpecialFiles.ErrorOf(RunLock.Acquire(path, exclusive));
        Assert.Equal(RunLock.BusyCode, error.Code);
        Assert.Equal($"{path}: is locked by another process", error.Message);
    }

    [Fact]
    public void The_exclusive_holder_writes_its_process_id_once_it_holds_the_lock()
    {
        using var dir = new TempDirectory();
        var path = dir.Write(".lock", "a much longer stale content\n");
        using (var held = Take(path, exclusive: true))
        {
            Assert.True(held.IsExclusive);
            Assert.Equal(path, held.Path);
            Assert.Equal($"{Environment.ProcessId}\n", Content(path));
        }
        using (Take(path, exclusive: false)) Assert.Equal($"{Environment.ProcessId}\n", Content(path));
        // Refused, the exclusive request leaves the holder's id as it was.
        File.WriteAllText(path, "4242\n");
        using (Take(path, exclusive: false)) AssertBusy(path, exclusive: true);
        Assert.Equal("4242\n", Content(path));
    }

    [Fact]
    public void One_writer_or_many_readers()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var path = dir.File(".lock");
        // Each acquisition opens the file anew, so flock treats them as separate holders even in one process.
        using (Take(path, exclusive: true))
        {
            AssertBusy(path, exclusive: true);
            AssertBusy(path, exclusive: false);
        }
        using (Take(path, exclusive: false))
        using (Take(path, exclusive: false))
        {
            AssertBusy(path, exclusive: true);
        }
        using (Take(path, exclusive: true)) { }
    }

    [Fact]
    public void A_linked_lock_file_is_refused_and_its_target_is_not_truncated()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var link = SpecialFiles.Link(dir.File(".lock"), victim);
        foreach (var exclusive in new[] { true, false })
            ReaderRefusal.Expect(RunLock.Acquire(link, exclusive), link, "is a symbolic link; nothing inside a run directory is followed");
        Assert.Equal("precious", File.ReadAllText(victim));
        var dangling = SpecialFiles.Link(dir.File("other.lock"), dir.File("created"));
        ReaderRefusal.Expect(RunLock.Acquire(dangling, exclusive: true), dangling, "is a symbolic link");
        Assert.False(File.Exists(dir.File("created")));
    }

    [Fact]
    public void A_fifo_or_a_directory_is_refused_without_waiting()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File(".lock"));
        ReaderRefusal.Expect(SpecialFiles.Within(() => RunLock.Acquire(fifo, exclusive: true), fifo), fifo, "is a FIFO, not a regular file");
        ReaderRefusal.Expect(RunLock.Acquire(dir.Path, exclusive: false), dir.Path, "is a directory, not a regular file");
    }

    [Fact]
    public void Another_process_holding_the_lock_is_seen_and_its_death_releases_it()
    {
        if (!SpecialFiles.Supported || !SpecialFiles.OnPath("flock")) return;
        using var dir = new TempDirectory();
        var path = dir.File(".lock");
        File.WriteAllText(path, "");
        using (var holder = SpecialFiles.Start("flock", "--exclusive", "--close", path, "sh", "-c", "echo held; exec sleep 60"))
        {
            try
            {
                Assert.Equal("held", holder.StandardOutput.ReadLine());
                AssertBusy(path, exclusive: true);
                AssertBusy(path, exclusive: false);
            }
            finally
            {
                holder.Kill(entireProcessTree: true);
                holder.WaitForExit();
            }
        }
        // SIGKILL released it: the kernel drops a lock with its last descriptor. (--close keeps the
        // descriptor in flock itself, not in its child, so the lock is gone once flock has exited.)
        using (Take(path, exclusive: true)) { }
    }

    [Fact]
    public void Other_processes_see_our_lock_as_flock_describes_it()
    {
        if (!SpecialFiles.Supported || !SpecialFiles.OnPath("flock")) return;
        using var dir = new TempDirectory();
        var path = dir.File(".lock");
        using (Take(path, exclusive: true))
        {
            Assert.NotEqual(0, SpecialFiles.Run("flock", "--nonblock", "--shared", path, "true"));
        }
        using (Take(path, exclusive: false))
        {
            Assert.Equal(0, SpecialFiles.Run("flock", "--nonblock", "--shared", path, "true"));
            Assert.NotEqual(0, SpecialFiles.Run("flock", "--nonblock", "--exclusive", path, "true"));
        }
        Assert.Equal(0, SpecialFiles.Run("flock", "--nonblock", "--exclusive", path, "true"));
    }

    [Fact]
    public void A_child_process_does_not_inherit_the_lock()
    {
        if (!SpecialFiles.Supported || !SpecialFiles.OnPath("sleep")) return;
        using var dir = new TempDirectory();
        var path = dir.File(".lock");
        Process child;
        using (Take(path, exclusive: true)) child = SpecialFiles.Start("sleep", "30");
        try
        {
            using (Take(path, exclusive: true)) { }
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
            child.Dispose();
        }
    }

    [Fact]
    public void A_blank_path_is_refused() =>
        Assert.Contains("is not a file name", SpecialFiles.ErrorOf(RunLock.Acquire(" ", exclusive: true)).Message);
}
