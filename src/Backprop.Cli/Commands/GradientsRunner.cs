using System.Globalization;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.ClassInstances;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>The <c>gradients</c> command line, parsed; null is an option not given.</summary>
/// <param name="StatePath">--state.</param>
/// <param name="DataPath">--data.</param>
/// <param name="Dataset">--dataset.</param>
/// <param name="Targets">--target.</param>
/// <param name="Hidden">--activation.</param>
/// <param name="Output">--output-activation.</param>
/// <param name="Loss">--loss.</param>
/// <param name="OutPath">--out.</param>
public sealed record GradientsRequest(
    string StatePath, string? DataPath, string? Dataset, string[]? Targets, string? Hidden, string? Output, string? Loss, string OutPath)
{
    /// <summary>--delimiter and --no-header.</summary>
    public (string? Delimiter, bool NoHeader) Layout { get; init; }
}

/// <summary>What <c>gradients</c> does once its arguments are parsed.</summary>
public static class GradientsRunner
{
    /// <summary>Reads the model and data, computes the mean-loss gradient and writes it.</summary>
    public static Fin<int> Run(GradientsRequest request, CommandContext context)
    {
        if (Assumptions(request).Failed(out var flagError, out var assumptions)) return flagError;
        using var compute = SharedOptions.AllCores();
        return from model in ModelReader.Read(request.StatePath, assumptions)
               from _ in FlagsFit(request, model)
               from table in SharedOptions.Table(request.DataPath, request.Dataset, request.Layout)
               from schema in model.SchemaFor(table, request.Targets)
               from data in model.Data(table, schema)
               let gradients = Functional.Training.Gradient(model.Network, model.Loss, data, compute)
               let metadata = Map<OrdString, string, string>.Empty.Add("kind", "gradients").Add("loss", model.Loss.Name).Add("rows", data.Rows.ToString(CultureInfo.InvariantCulture))
               from bytes in SafeTensors.TrySerialize(new SafeTensorsFile(NetworkTensors.ToTensors(gradients).ToArr(), metadata)).Within(request.OutPath)
               from written in OutputFile.Write(request.OutPath, bytes)
               select Report(context, request.OutPath, data.Rows);
    }

    private static Fin<WeightsAssumptions> Assumptions(GradientsRequest request)
    {
        if (Activation.Parse(request.Hidden ?? "sigmoid").About(Settings.Activation).Failed(out var hiddenError, out var hidden)) return hiddenError;
        if (Activation.Parse(request.Output ?? "sigmoid").About(Settings.OutputActivation).Failed(out var outputError, out var output)) return outputError;
        if (request.Loss is null) return new WeightsAssumptions(hidden, output, null);
        return Loss.Parse(request.Loss).Map(loss => new WeightsAssumptions(hidden, output, loss));
    }

    // A file that names its own activations and loss would silently disagree with the flags.
    private static Fin<Unit> FlagsFit(GradientsRequest request, Model model) =>
        model.Kind != ModelKind.BareWeights && (request.Hidden ?? request.Output ?? request.Loss) is not null
            ? Error.New($"--activation, --output-activation and --loss are only for a weights file without metadata; {request.StatePath} names its own activations and loss")
            : Unit.Default;

    private static int Report(CommandContext context, string path, int rows)
    {
        context.Out.WriteLine($"wrote {path}: gradient of the mean loss over {rows} rows");
        return ExitCodes.Success;
    }
}
