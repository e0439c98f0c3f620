using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>export</c>: a model in a form other tools run (ONNX) or load (PyTorch's nn.Sequential).</summary>
public static class ExportCommand
{
    /// <summary>The formats <c>--format</c> accepts.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["onnx", "torch"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var path = new Argument<string>("STATE") { Description = "A state file, a model file (a run's final.safetensors), a weights file, or a run directory (its last state)" };
        var format = new System.CommandLine.Option<string>("--format") { Description = $"{string.Join("|", Formats)}", HelpName = "FORMAT", Required = true };
        var output = new System.CommandLine.Option<string>("--out") { Description = "Where to write the exported model", HelpName = "FILE", Required = true };
        var dtype = new System.CommandLine.Option<string>("--dtype") { Description = "f32|f64: the weights' number type (default f32; f64 keeps the weights' own bits and computes as predict does)", HelpName = "TYPE" };
        var command = new Command("export", Examples.With(
            "Export a model: --format onnx writes one ONNX graph (opset 17) from the raw feature columns to what predict writes (standardization, every layer, softmax probabilities or the outputs in the target's own units), with feature and class names in its metadata. " +
            "--format torch writes a safetensors file with torch.nn.Sequential's keys (0.weight, 0.bias, 2.weight, …) and prints the Python that loads it.",
            "backprop export runs/iris/final.safetensors --format onnx --out iris.onnx",
            "backprop export runs/iris/final.safetensors --format torch --out iris.safetensors",
            "backprop export runs/iris --format onnx --dtype f64 --out iris.onnx"))
        { path, format, output, dtype };
        var weights = new WeightsOptions();
        foreach (var option in weights.All) command.Options.Add(option);
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            var (source, target) = (parse.GetValue(path)!, parse.GetValue(output)!);
            if (ExportPrecisions.Parse(parse.GetValue(dtype) ?? "f32").Failed(out var precisionError, out var precision)) return precisionError;
            return parse.GetValue(format)!.Trim().ToLowerInvariant() switch
            {
                "onnx" => from model in Read(parse, weights, source)
                          from bytes in OnnxExport.Encode(model, precision).Within(source)
                          from written in OutputFile.Write(target, bytes)
                          select Report(context, target, $"ONNX graph (opset {OnnxExport.Opset}, {precision.Name()}) of {model.Network.Describe()}"),
                "torch" => from model in Read(parse, weights, source)
                           from bytes in TorchExport.Encode(model, precision).Within(source)
                           from written in OutputFile.Write(target, bytes)
                           select Report(context, target, $"torch.nn.Sequential weights ({precision.Name()}) of {model.Network.Describe()}; in Python:", TorchExport.Snippet(model, target, precision)),
                var other => Fin<int>.Fail(new UnknownName(Settings.ExportFormat, other, Formats)),
            };
        }));
        return command;
    }

    private static Fin<Model> Read(ParseResult parse, WeightsOptions weights, string path) =>
        StateSource.Read(path, null).Bind(state => weights.Decode(parse, state.Path, state.Bytes));

    private static int Report(CommandContext context, string path, string what, IReadOnlyList<string>? then = null)
    {
        context.Out.WriteLine($"wrote {path}: {what}");
        foreach (var line in then ?? []) context.Out.WriteLine(line);
        return ExitCodes.Success;
    }
}
