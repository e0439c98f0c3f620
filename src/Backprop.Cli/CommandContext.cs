namespace Backprop.Cli;

/// <summary>Where a command writes: standard output for results, standard error for messages.</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error);
