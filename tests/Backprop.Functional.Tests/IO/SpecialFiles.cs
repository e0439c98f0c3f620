using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.IO;

/// <summary>FIFOs, sockets and links for the file-layer tests, and a deadline for calls that must not wait.</summary>
internal static partial class SpecialFiles
{
    /// <summary>Whether the tests that need Linux's special files and libc calls can run here.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Libc.IsAvailable;

    /// <summary>How long a call that must not wait may take (generous: the machine is shared).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Makes a FIFO at <paramref name="path"/> and returns the path.</summary>
    public static string Fifo(string path)
    {
        Assert.True(mkfifo(path, 0b110_000_000) == 0, $"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    /// <summary>A socket file at <paramref name="path"/>, there while the returned socket is open.</summary>
    public static Socket ListeningSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>A symbolic link at <paramref name="path"/> to <paramref name="target"/>; returns the link's path.</summary>
    public static string Link(string path, string target)
    {
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>
    /// Runs <paramref name="call"/> and fails the test if it has not returned within the deadline,
    /// instead of hanging the suite. A call stuck on <paramref name="fifo"/> is released on the way
    /// out: opening a FIFO for reading and writing at once never waits, and completes any open that does.
    /// </summary>
    public static T Within<T>(Func<T> call, string? fifo = null)
    {
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        if (task.Wait(Deadline)) return task.Result;
        if (fifo is not null)
        {
            using var release = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
        }
        Assert.Fail($"the call did not return within {Deadline.TotalSeconds} s: it waited");
        return default!;
    }

    /// <summary>Waits for a helper task of the test (a writer at the other end of a pipe) within the deadline.</summary>
    public static void Finish(Task task) => Assert.True(task.Wait(Deadline), "a helper task did not finish");

    /// <summary>The error of a failed result, or a test failure.</summary>
    public static Error ErrorOf<T>(Fin<T> result)
    {
        Assert.True(result.IsFail, $"expected a refusal, got {result}");
        return (Error)result;
    }

    /// <summary>A FIFO's read end, opened without waiting for a writer and then made blocking.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenReader(string fifo)
    {
        var fd = Libc.Open(fifo, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0, out var errno);
        Assert.True(fd >= 0, $"open {fifo}: errno {errno}");
        Assert.Equal(0, Libc.MakeBlocking(fd));
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Everything left to read from <paramref name="reader"/> until every writer has gone.</summary>
    public static string ReadToEnd(Microsoft.Win32.SafeHandles.SafeFileHandle reader)
    {
        using var stream = new FileStream(reader, FileAccess.Read, bufferSize: 0);
        using var text = new StreamReader(stream, Encoding.UTF8);
        return text.ReadToEnd();
    }

    /// <summary>
    /// Waits (within the deadline) until a reader has taken every byte written to the FIFO behind
    /// <paramref name="writer"/>: from then on the reader has it open and is blocked or reading, so
    /// what the writer does next (write more, close) reaches it at a known point of its reads.
    /// </summary>
    public static void WaitUntilDrained(FileStream writer)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(ioctl((int)writer.SafeFileHandle.DangerousGetHandle(), FIONREAD, out var waiting) == 0, $"ioctl FIONREAD: errno {Marshal.GetLastPInvokeError()}");
            if (waiting == 0) return;
            Assert.True(clock.Elapsed < Deadline, $"{waiting} bytes still unread after {Deadline.TotalSeconds} s");
            Thread.Sleep(5);
        }
    }

    /// <summary>The first block device under /dev that can be opened, if any (opening one never waits).</summary>
    public static string? OpenableBlockDevice() =>
        Directory.EnumerateFileSystemEntries("/dev").Order(StringComparer.Ordinal)
            .FirstOrDefault(path => FileKinds.Of(path, followLinks: false) == FileKind.BlockDevice && CanOpen(path));

    private static bool CanOpen(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0, out _);
        if (fd < 0) return false;
        new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true).Dispose();
        return true;
    }

    /// <summary>Runs a command to completion within the deadline; its exit code.</summary>
    public static int Run(string file, params string[] args)
    {
        using var process = Start(file, args);
        if (!process.WaitForExit(Deadline)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Starts a command with its output captured.</summary>
    public static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    /// <summary>Whether an executable named <paramref name="name"/> is on the PATH.</summary>
    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));

    /// <summary>The names in <paramref name="directory"/>, sorted.</summary>
    public static string[] Names(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);

    /// <summary>Linux's request for the number of bytes waiting in a pipe.</summary>
    private const nuint FIONREAD = 0x541B;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, out int count);
}
