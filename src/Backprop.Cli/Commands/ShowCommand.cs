using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>show</c>: what a state, model or weights file holds.</summary>
public static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var path = new Argument<string>("PATH") { Description = "A state, model or weights file, or a run directory (with --epoch; default: a summary of the run, then its last state)" };
        var epoch = new System.CommandLine.Option<int?>("--epoch") { Description = "Which saved epoch of the run directory", HelpName = "K" };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print one JSON object instead of text (keys in the README; full-precision numbers, a non-finite one as the string \"NaN\", \"Infinity\" or \"-Infinity\")" };
        var command = new Command("show", Examples.With(
            "Show a state or model file: architecture, epoch, loss, data schema (columns, classes, standardization), per-layer weight and bias norms and ranges, optimizer state, hashes.",
            "backprop show runs/iris --epoch 10",
            "backprop show runs/iris/states/000100.safetensors",
            "backprop show runs/iris/final.safetensors --json"))
        { path, epoch, json };
        // A weights file that names no activations (a PyTorch state dict) is shown as these say.
        var weights = new WeightsOptions();
        command.Options.Add(weights.Hidden);
        command.Options.Add(weights.Output);
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            var (target, at) = (parse.GetValue(path)!, parse.GetValue(epoch));
            if (Assumed(parse, weights).Failed(out var flagError, out var assumed)) return flagError;
            if (StateSource.Read(target, at).Bind(state => NamesNoActivations(state, assumed)).Failed(out var readError, out var source)) return readError;
            if (parse.GetValue(json)) return ShowJson(context, source, assumed);
            if (at is null && Directory.Exists(target)) Summary(context.Out, target);
            return Show(context, source, assumed);
        }));
        return command;
    }

    /// <summary>
    /// The run as a whole (epochs, states kept, best epoch), before its last state. A run being
    /// trained or damaged may not summarize; its last state is still shown.
    /// </summary>
    private static void Summary(TextWriter output, string dir)
    {
        if (RunDirectory.Open(dir).Bind(RunSummary.Read).Case is not RunSummary summary) return;
        output.WriteLine($"run {Path.GetFullPath(dir)}");
        foreach (var (label, value) in summary.Lines()) output.WriteLine($"  {label,-18} {value}");
        foreach (var warning in summary.Warnings) output.WriteLine($"  {warning}");
    }

    /// <summary>The activations a weights file without metadata is shown with (sigmoid unless the flags say otherwise), and whether the flags said.</summary>
    private sealed record AssumedActivations(Activation Hidden, Activation Output, bool Given);

    private static Fin<AssumedActivations> Assumed(ParseResult parse, WeightsOptions weights)
    {
        var (hidden, output) = (parse.GetValue(weights.Hidden), parse.GetValue(weights.Output));
        return from h in Activation.Parse(hidden ?? "sigmoid").About(Settings.Activation)
               from o in Activation.Parse(output ?? "sigmoid").About(Settings.OutputActivation)
               select new AssumedActivations(h, o, (hidden ?? output) is not null);
    }

    /// <summary><paramref name="source"/>, unless activations were given for a file that names its own (a state, a model, this tool's weights).</summary>
    private static Fin<StateBytes> NamesNoActivations(StateBytes source, AssumedActivations assumed) =>
        !assumed.Given
            ? source
            : from file in SafeTensors.Parse(source.Bytes).Within(source.Path)
              from _ in file.Meta(NetworkTensors.ActivationsKey).IsSome || (file.Meta("format").Case is string format && format != TorchExport.Format)
                  ? Fin<Unit>.Fail(LanguageExt.Common.Error.New($"--activation and --output-activation are only for a weights file without metadata; {source.Path} names its own activations"))
                  : Fin<Unit>.Succ(Unit.Default)
              select source;

    /// <summary>The weights file's network, with <paramref name="assumed"/> activations when it names none.</summary>
    private static Fin<Network> WeightsNetwork(SafeTensorsFile file, string path, AssumedActivations assumed) =>
        NetworkTensors.FromFile(file, path, assumed.Hidden, assumed.Output);

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>What <see cref="Show"/> prints, as one JSON object (the README lists its keys).</summary>
    private static Fin<int> ShowJson(CommandContext context, StateBytes source, AssumedActivations assumed)
    {
        var (path, bytes) = (source.Path, source.Bytes);
        if (SafeTensors.Parse(bytes).Within(path).Failed(out var parseError, out var file)) return parseError;
        var document = new Dictionary<string, object?> { ["path"] = path, ["file_sha256"] = Fingerprint.Of(bytes) };
        if (file.Meta("format").Case is ModelFile.Format)
        {
            if (ModelFile.Decode(bytes, path).Failed(out var modelError, out var decoded)) return modelError;
            var ((network, loss, schema, _), provenance) = decoded;
            document["kind"] = "model";
            document["epoch"] = provenance.Epoch;
            document["network"] = NetworkDocument(network);
            document["loss_function"] = loss.Name;
            document["data"] = schema.Case is DataSchema known ? SchemaDocument(known) : null;
            document["data_sha256"] = provenance.DataSha256;
            document["state_sha256"] = provenance.StateSha256;
            document["layers"] = LayerDocuments(network);
        }
        else if (file.Meta("format").Case is string format && format != TorchExport.Format)
        {
            if (StateFile.Decode(bytes, path).Failed(out var decodeError, out var checkpoint)) return decodeError;
            var state = checkpoint.State;
            document["kind"] = "state";
            document["epoch"] = state.Epoch;
            document["step"] = state.Step;
            document["skipped"] = state.SkippedSteps;
            document["metrics"] = checkpoint.Metrics is { } m
                ? new Dictionary<string, object?> { ["loss"] = m.Loss, ["val_loss"] = m.ValidationLoss, ["val_accuracy"] = m.ValidationAccuracy }
                : null;
            document["network"] = NetworkDocument(state.Network);
            document["loss_function"] = checkpoint.Loss.Name;
            document["data"] = SchemaDocument(checkpoint.Schema);
            document["optimizer"] = new Dictionary<string, object?>
            {
                ["count"] = state.Optimizer.Count,
                ["slot_norms"] = state.Optimizer.Slots.ToDictionary(p => p.Key, p => Norm(p.Value.Tensors().SelectMany(t => t.Values))),
            };
            document["rng"] = state.Rng.ToHex();
            document["numerics"] = file.Meta("numerics").Case as string;
            document["data_sha256"] = checkpoint.DataSha256;
            document["previous_sha256"] = checkpoint.PreviousSha256;
            document["config"] = JsonNode.Parse(checkpoint.Config);
            document["layers"] = LayerDocuments(state.Network);
        }
        else
        {
            if (WeightsNetwork(file, path, assumed).Failed(out var networkError, out var network)) return networkError;
            document["kind"] = "weights";
            document["network"] = NetworkDocument(network);
            document["activations_assumed"] = file.Meta(NetworkTensors.ActivationsKey).IsNone;
            document["layers"] = LayerDocuments(network);
        }
        context.Out.WriteLine(JsonSerializer.Serialize(document, Json));
        return ExitCodes.Success;
    }

    private static Dictionary<string, object?> NetworkDocument(Network network) => new()
    {
        ["widths"] = network.Widths.ToArray(),
        ["activations"] = network.Layers.Map(l => l.Activation.Name).ToArray(),
        ["parameters"] = network.ParameterCount,
    };

    private static Dictionary<string, object?> SchemaDocument(DataSchema schema) => new()
    {
        ["task"] = schema.Task.ToString().ToLowerInvariant(),
        ["features"] = schema.Features.ToArray(),
        ["targets"] = schema.Targets.ToArray(),
        ["classes"] = schema.Classes.ToArray(),
        ["standardization"] = schema.Standardization.Case is Standardization features ? ScalingDocument(features) : null,
        ["target_standardization"] = schema.TargetStandardization.Case is Standardization targets ? ScalingDocument(targets) : null,
    };

    private static Dictionary<string, object?> ScalingDocument(Standardization scaling) => new() { ["mean"] = scaling.Means.ToArray(), ["std"] = scaling.Stds.ToArray() };

    private static List<Dictionary<string, object?>> LayerDocuments(Network network)
    {
        var layers = new List<Dictionary<string, object?>>();
        foreach (var (layer, i) in network.Layers.Select((l, i) => (l, i)))
        {
            layers.Add(TensorDocument(i, "weight", [layer.OutputWidth, layer.InputWidth], Functional.Numerics.Dense.Data(layer.Weight)));
            layers.Add(TensorDocument(i, "bias", [layer.OutputWidth], Functional.Numerics.Dense.Data(layer.Bias)));
        }
        return layers;
    }

    private static Dictionary<string, object?> TensorDocument(int layer, string tensor, int[] shape, double[] values) => new()
    {
        ["layer"] = layer,
        ["tensor"] = tensor,
        ["shape"] = shape,
        ["norm"] = Norm(values),
        ["min"] = values.Min(),
        ["max"] = values.Max(),
        ["mean"] = values.Average(),
    };

    private static Fin<int> Show(CommandContext context, StateBytes source, AssumedActivations assumed)
    {
        var (path, bytes) = (source.Path, source.Bytes);
        if (SafeTensors.Parse(bytes).Within(path).Failed(out var parseError, out var file)) return parseError;
        var output = context.Out;
        output.WriteLine(path);
        output.WriteLine($"  file sha256        {Fingerprint.Of(bytes)}");
        if (file.Meta("format").Case is ModelFile.Format) return ShowModel(output, bytes, path);
        if (file.Meta("format").Case is string format && format != TorchExport.Format)
        {
            if (StateFile.Decode(bytes, path).Failed(out var decodeError, out var checkpoint)) return decodeError;
            var state = checkpoint.State;
            output.WriteLine($"  epoch              {state.Epoch} (step {state.Step})");
            output.WriteLine(checkpoint.Metrics is { } m
                ? $"  loss               {StateSource.Number(m.Loss)} (epoch {state.Epoch}'s training loss, before its steps)" +
                  (m.ValidationLoss is { } vl ? $"; validation loss {StateSource.Number(vl)}" : "") +
                  (m.ValidationAccuracy is { } va ? $", accuracy {StateSource.Number(va)}" : "")
                : "  loss               (the initial state: no epoch measured yet)");
            output.WriteLine($"  network            {state.Network.Describe()}, {state.Network.ParameterCount:N0} parameters, loss {checkpoint.Loss.Name}");
            Data(output, checkpoint.Schema);
            output.WriteLine($"  optimizer          count {state.Optimizer.Count}" + (state.Optimizer.Slots.IsEmpty ? ", no slots" : ""));
            foreach (var (slot, values) in state.Optimizer.Slots)
                output.WriteLine($"    {slot,-16} norm {StateSource.Number(Norm(values.Tensors().SelectMany(t => t.Values)))}");
            output.WriteLine($"  rng                {state.Rng.ToHex()}");
            output.WriteLine($"  numerics           {file.Meta("numerics").IfNone("?")}");
            output.WriteLine($"  data sha256        {checkpoint.DataSha256}");
            output.WriteLine($"  previous sha256    {checkpoint.PreviousSha256 ?? "(none: the initial state)"}");
            output.WriteLine($"  config             {checkpoint.Config}");
            output.WriteLine("  layers:");
            Layers(output, state.Network);
            return ExitCodes.Success;
        }

        if (WeightsNetwork(file, path, assumed).Failed(out var networkError, out var network)) return networkError;
        output.WriteLine($"  weights file       {network.Describe()}, {network.ParameterCount:N0} parameters" +
                         (file.Meta(NetworkTensors.ActivationsKey).IsNone
                             ? assumed.Given ? " (no metadata: activations as --activation and --output-activation say)" : " (no metadata: activations shown as sigmoid; --activation and --output-activation say otherwise)"
                             : ""));
        output.WriteLine("  layers:");
        Layers(output, network);
        return ExitCodes.Success;
    }

    private static Fin<int> ShowModel(TextWriter output, byte[] bytes, string path)
    {
        if (ModelFile.Decode(bytes, path).Failed(out var decodeError, out var decoded)) return decodeError;
        var ((network, loss, schema, _), provenance) = decoded;
        output.WriteLine($"  model file         of epoch {provenance.Epoch}'s state (no optimizer state: it can be used, not trained on)");
        output.WriteLine($"  network            {network.Describe()}, {network.ParameterCount:N0} parameters, loss {loss.Name}");
        schema.IfSome(s => Data(output, s));
        output.WriteLine($"  data sha256        {provenance.DataSha256}");
        output.WriteLine($"  state sha256       {provenance.StateSha256}");
        output.WriteLine("  layers:");
        Layers(output, network);
        return ExitCodes.Success;
    }

    private static void Data(TextWriter output, DataSchema schema)
    {
        output.WriteLine($"  data               {schema.Task.ToString().ToLowerInvariant()}, {schema.Features.Count} features" +
                         (schema.Classes.IsEmpty ? "" : $", classes {string.Join(", ", schema.Classes)}") +
                         (schema.Standardization.IsSome ? ", standardized" : ""));
        output.WriteLine($"  columns            features {Quote.List(schema.Features)}; target {Quote.List(schema.Targets)}");
        if (schema.TargetStandardization.Case is Standardization scaling)
            output.WriteLine("  target scaling     trained on standardized targets (" +
                             string.Join("; ", schema.Targets.Zip(scaling.Means.Zip(scaling.Stds)).Select(t => $"{t.Item1}: mean {StateSource.Number(t.Item2.Item1)}, std {StateSource.Number(t.Item2.Item2)}")) +
                             "); predict and evaluate map outputs back to the target's units");
    }

    private static void Layers(TextWriter output, Network network)
    {
        var rows = new List<string[]> { new[] { "layer", "tensor", "shape", "norm", "min", "max", "mean" } };
        foreach (var (layer, i) in network.Layers.Select((l, i) => (l, i)))
        {
            rows.Add(Row(i, "weight", $"[{layer.OutputWidth}, {layer.InputWidth}]", Functional.Numerics.Dense.Data(layer.Weight)));
            rows.Add(Row(i, "bias", $"[{layer.OutputWidth}]", Functional.Numerics.Dense.Data(layer.Bias)));
        }
        TextTable.Write(output, rows, "    ");
    }

    private static string[] Row(int layer, string tensor, string shape, double[] values) =>
        [layer.ToString(System.Globalization.CultureInfo.InvariantCulture), tensor, shape, StateSource.Number(Norm(values)),
         StateSource.Number(values.Min()), StateSource.Number(values.Max()), StateSource.Number(values.Average())];

    /// <summary>The Euclidean norm.</summary>
    public static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
