using System.Diagnostics;

namespace Backprop.Functional.Tests.Support;

/// <summary>Runs the built <c>backprop</c> command in a separate process (for environment variables and signals).</summary>
public static class ChildProcess
{
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts <c>backprop</c> with the arguments and extra environment, output captured.</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "backprop.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start backprop");
    }

    /// <summary>Runs <c>backprop</c> to completion.</summary>
    public static CliRun Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        return new CliRun(process.ExitCode, output.Result, error.Result);
    }
}
