namespace Backprop.Cli;

/// <summary>The process entry point: everything else lives in <see cref="BackpropCli"/>.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static int Main(string[] args) => BackpropCli.Run(args, Console.Out, Console.Error);
}
