using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>show</c>: what a state, model or weights file holds.</summary>
public static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var path = new Argument<string>("PATH") { Description = "A state, model or weights file, or a run directory (with --epoch; default its last state)" };
        var epoch = new System.CommandLine.Option<int?>("--epoch") { Description = "Which saved epoch of the run directory", HelpName = "K" };
        var command = new Command("show", Examples.With(
            "Show a state or model file: architecture, epoch, loss, data schema (columns, classes, standardization), per-layer weight and bias norms and ranges, optimizer state, hashes.",
            "backprop show runs/iris --epoch 10",
            "backprop show runs/iris/states/000100.safetensors"))
        { path, epoch };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
            StateSource.Read(parse.GetValue(path)!, parse.GetValue(epoch)).Bind(state => Show(context, state))));
        return command;
    }

    private static Fin<int> Show(CommandContext context, StateBytes source)
    {
        var (path, bytes) = (source.Path, source.Bytes);
        if (SafeTensors.Parse(bytes).Within(path).Failed(out var parseError, out var file)) return parseError;
        var output = context.Out;
        output.WriteLine(path);
        output.WriteLine($"  file sha256        {Fingerprint.Of(bytes)}");
        if (file.Meta("format").Case is ModelFile.Format) return ShowModel(output, bytes, path);
        if (file.Meta("format").IsSome)
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

        if (NetworkTensors.FromFile(file, path, Sigmoid.Instance, Sigmoid.Instance).Failed(out var networkError, out var network)) return networkError;
        output.WriteLine($"  weights file       {network.Describe()}, {network.ParameterCount:N0} parameters" +
                         (file.Meta(NetworkTensors.ActivationsKey).IsNone ? " (no metadata: activations shown as sigmoid)" : ""));
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
