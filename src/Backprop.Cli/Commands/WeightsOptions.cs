using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>
/// --activation, --output-activation and --loss for a weights file that does not name them (a
/// PyTorch state dict, a numpy export): what the file is taken to be. A file that names its own
/// is not overridden: the flags are refused there rather than silently ignored.
/// </summary>
public sealed class WeightsOptions
{
    /// <summary>--activation.</summary>
    public System.CommandLine.Option<string> Hidden { get; } = new("--activation") { Description = "Hidden activation, only for a weights file without activations metadata (default: sigmoid when --output-activation is given)", HelpName = "NAME" };

    /// <summary>--output-activation.</summary>
    public System.CommandLine.Option<string> Output { get; } = new("--output-activation") { Description = "Output activation, only for a weights file without activations metadata (default: sigmoid when --activation is given)", HelpName = "NAME" };

    /// <summary>--loss.</summary>
    public System.CommandLine.Option<string> Loss { get; } = new("--loss") { Description = $"{Functional.Loss.Names}, only for a weights file without metadata (default: its loss metadata, else mse)", HelpName = "NAME" };

    /// <summary>The three options, to add to a command.</summary>
    public IEnumerable<System.CommandLine.Option> All => [Hidden, Output, Loss];

    /// <summary>Reads the model in <paramref name="path"/>, taking a metadata-free file to be what the flags say.</summary>
    public Fin<Model> Read(ParseResult parse, string path) =>
        FileInput.ReadAllBytes(path).Bind(bytes => Decode(parse, path, bytes));

    /// <summary>Reads the model in <paramref name="bytes"/>, read from <paramref name="path"/>, as <see cref="Read"/> does.</summary>
    public Fin<Model> Decode(ParseResult parse, string path, byte[] bytes)
    {
        var (hidden, output, loss) = (parse.GetValue(Hidden), parse.GetValue(Output), parse.GetValue(Loss));
        if (Assumptions(hidden, output, loss).Failed(out var flagError, out var assumptions)) return flagError;
        return from model in ModelReader.Decode(bytes, path, (WeightsAssumptions?)assumptions.Case)
               from _ in model.Kind != ModelKind.BareWeights && (hidden ?? output ?? loss) is not null
                   ? Fin<Unit>.Fail(Error.New($"--activation, --output-activation and --loss are only for a weights file without metadata; {path} names its own activations and loss"))
                   : Fin<Unit>.Succ(Unit.Default)
               select model;
    }

    /// <summary>None when no flag is given: a metadata-free file is then refused, not taken to be sigmoid.</summary>
    private static Fin<LanguageExt.Option<WeightsAssumptions>> Assumptions(string? hidden, string? output, string? loss)
    {
        if ((hidden ?? output ?? loss) is null) return LanguageExt.Option<WeightsAssumptions>.None;
        if (Activation.Parse(hidden ?? "sigmoid").About(Settings.Activation).Failed(out var hiddenError, out var h)) return hiddenError;
        if (Activation.Parse(output ?? "sigmoid").About(Settings.OutputActivation).Failed(out var outputError, out var o)) return outputError;
        if (loss is null) return LanguageExt.Option<WeightsAssumptions>.Some(new WeightsAssumptions(h, o, null));
        return Functional.Loss.Parse(loss).Map(l => LanguageExt.Option<WeightsAssumptions>.Some(new WeightsAssumptions(h, o, l)));
    }
}
