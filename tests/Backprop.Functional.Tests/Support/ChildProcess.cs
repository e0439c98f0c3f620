using System.Diagnostics;

namespace Backprop.Functional.Tests.Support;

/// <summary>A running <c>backprop</c> child process whose output is drained as it comes (a full pipe would block it).</summary>
public sealed class Child : IDisposable
{
    private readonly Task<string> _out;
    private readonly Task<string> _error;

    internal Child(Process process)
    {
        Process = process;
        _out = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The process.</summary>
    public Process Process { get; }

    /// <summary>Its id.</summary>
    public int Id => Process.Id;

    /// <summary>Waits until it exits (killing it after <paramref name="timeout"/>) and returns what it printed.</summary>
    public CliRun Finish(TimeSpan? timeout = null)
    {
        if (!Process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2))) Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
        return new CliRun(Process.ExitCode, _out.Result, _error.Result);
    }

    /// <summary>Whether it exited within <paramref name="wait"/>.</summary>
    public bool WaitForExit(TimeSpan wait) => Process.WaitForExit(wait);

    /// <summary>SIGKILL.</summary>
    public void Kill()
    {
        Process.Kill();
        Process.WaitForExit();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}

/// <summary>Runs the built <c>backprop</c> command in a separate process (for environment variables and signals).</summary>
public static class ChildProcess
{
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts <c>backprop</c> with the arguments and extra environment (in <paramref name="directory"/>, when given), output captured.</summary>
    public static Child Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? directory = null)
    {
        var info = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? "",
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "backprop.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new Child(Process.Start(info) ?? throw new InvalidOperationException("could not start backprop"));
    }

    /// <summary>Runs <c>backprop</c> to completion.</summary>
    public static CliRun Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? directory = null)
    {
        using var child = Start(args, environment, directory);
        return child.Finish();
    }
}
