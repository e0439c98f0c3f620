namespace Backprop.Cli;

/// <summary>The process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked (for replay and verify: every state matched).</summary>
    public const int Success = 0;

    /// <summary>Bad input: a file, a flag value or a run directory was refused, with a message.</summary>
    public const int BadInput = 1;

    /// <summary>The command line could not be parsed (unknown option, missing value, options that do not go together), or names what is not there (evaluate --split of a split the run does not hold).</summary>
    public const int Usage = 2;

    /// <summary>A check failed: replay or verify found a state that differs from its rebuild or a broken hash chain; gradcheck found a gradient outside its tolerance.</summary>
    public const int Mismatch = 3;

    /// <summary>Training stopped because a step produced NaN or ±Inf; the last finite state was kept.</summary>
    public const int NonFinite = 4;

    /// <summary>A bug: an unexpected exception (reported in one line; please file it).</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by SIGINT (Ctrl-C) after saving the current epoch.</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated by SIGTERM after saving the current epoch.</summary>
    public const int Terminated = 143;
}
