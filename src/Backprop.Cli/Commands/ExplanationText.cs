using System.Globalization;
using Backprop.Functional;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Cli.Commands;

/// <summary>One step of backprop as text a learner can follow, in the seed notebook's order.</summary>
public static class ExplanationText
{
    private const int Shown = 6;

    /// <summary>Writes the forward pass, the loss, the backward pass and the update (or why there is none).</summary>
    public static void Write(TextWriter output, StepExplanation e)
    {
        output.WriteLine($"One training step: network {e.Network.Describe()}, loss {e.Loss.Name}, {e.Trace.Input.RowCount} row(s)");
        output.WriteLine();
        output.WriteLine("Forward pass: z = x·Wᵀ + b, then h = f(z), layer by layer");
        Line(output, 1, "x (input)", e.Inputs);
        for (var i = 0; i < e.Network.Layers.Count; i++)
        {
            var layer = e.Network.Layers[i];
            var input = i == 0 ? "x" : $"h{i - 1}";
            output.WriteLine($"  layer {i}: W{i} [{layer.OutputWidth}, {layer.InputWidth}], b{i} [{layer.OutputWidth}], {layer.Activation.Name}");
            Line(output, 2, $"z{i} = {input}·W{i}ᵀ + b{i}", e.Trace.Layers[i].PreActivation);
            Line(output, 2, $"h{i} = {layer.Activation.Name}(z{i})", e.Trace.Layers[i].Activation);
        }
        output.WriteLine();
        output.WriteLine("Loss");
        Line(output, 1, "prediction h", e.Trace.Output);
        Line(output, 1, "target y", e.Targets);
        output.WriteLine($"  {LossFormula(e.Loss)} = {e.LossValue.ToString("R", CultureInfo.InvariantCulture)}");
        output.WriteLine();
        output.WriteLine("Backward pass: output layer first; δ = dL/dz, dL/dW = δᵀ·(layer input), dL/db = Σ_rows δ, dL/dh below = δ·W");
        var last = e.Network.Layers.Count - 1;
        foreach (var step in e.Backward)
        {
            var i = step.Layer;
            var activation = e.Network.Layers[i].Activation.Name;
            output.WriteLine($"  layer {i} ({activation})");
            if (step.OutputGradient is { } dh)
                Line(output, 2, i == last ? $"dL/dh{i} = {ActivationGradientFormula(e.Loss)}" : $"dL/dh{i} = δ{i + 1}·W{i + 1}", dh);
            Line(output, 2, step.OutputGradient is null ? $"δ{i} = dL/dz{i} = (h − y)/n  (fused {activation} + {e.Loss.Name})" : $"δ{i} = dL/dh{i} ⊙ {activation}′(z{i})", step.Delta);
            Line(output, 2, $"dL/dW{i} = δ{i}ᵀ·{(i == 0 ? "x" : $"h{i - 1}")}", step.Gradients.Weight);
            Line(output, 2, $"dL/db{i} = Σ δ{i}", step.Gradients.Bias.ToRowMatrix());
        }
        output.WriteLine();
        if (e.Update is not { } update)
        {
            output.WriteLine($"Update: none. {NoUpdate}");
            return;
        }
        output.WriteLine($"Update: step {update.Step} of {update.Optimizer}: θ ← θ + u, where u starts as g = dL/dθ and each transformation below rewrites it in turn");
        foreach (var step in update.Elements[0].Steps)
        {
            var constants = step.Rule.Constants.Count == 0 ? "" : "   with " + string.Join(", ", step.Rule.Constants.Select(c => $"{c.Symbol} = {Exact(c.Value)}"));
            output.WriteLine($"  {step.Rule.Name}: {string.Join("; ", step.Rule.Lines)}{constants}");
        }
        for (var i = 0; i < e.Network.Layers.Count; i++)
        {
            var element = update.Elements[i];
            var before = Dense.ToRowMajor(e.Network.Layers[i].Weight);
            var after = Dense.ToRowMajor(update.Next.Layers[i].Weight);
            var largest = before.Zip(after, (b, a) => Math.Abs(a - b)).Max();
            output.WriteLine($"  layer {i}: {element.Name}: θ = {Exact(element.Before)}, g = {Exact(element.Gradient)}");
            foreach (var step in element.Steps)
            {
                var parts = step.Slots.Select(s => $"{s.Slot} {Exact(s.Before)} → {Exact(s.After)}")
                    .Concat(step.Derived.Select(d => $"{d.Symbol} = {Exact(d.Value)}"))
                    .Append($"u {Exact(step.In)} → {Exact(step.Out)}");
                output.WriteLine($"    {step.Rule.Name}: {string.Join(", ", parts)}");
            }
            output.WriteLine($"    Δθ = {Exact(element.Delta)}: {element.Name} {Exact(element.Before)} → {Exact(element.After)}; b{i}[0] {Number(e.Network.Layers[i].Bias[0])} → {Number(update.Next.Layers[i].Bias[0])}, largest |ΔW{i}| {Number(largest)}");
        }
        var after1 = e.Loss.Value(Forward.Run(update.Next, e.Inputs).OutputLayer, e.Targets);
        output.WriteLine($"  loss on the same row(s) after the step: {after1.ToString("R", CultureInfo.InvariantCulture)} (was {e.LossValue.ToString("R", CultureInfo.InvariantCulture)})");
    }

    /// <summary>Why a model file's explanation stops after the backward pass.</summary>
    public const string NoUpdate = "A model file carries no optimizer state (no learning rate, no moments), so the step it would take is unknown; explain a state (states/ in the run directory) to see the update.";

    /// <summary>The loss written as a formula.</summary>
    public static string LossFormula(Loss loss) => loss switch
    {
        MeanSquaredError => "mse = ½·mean((h − y)²)",
        CrossEntropy => "cross-entropy = mean over rows of −Σ y·log softmax(z)",
        BinaryCrossEntropy => "binary cross-entropy = mean of −[y·log σ(z) + (1 − y)·log(1 − σ(z))]",
        _ => loss.Name,
    };

    private static string ActivationGradientFormula(Loss loss) => loss is MeanSquaredError ? "(h − y)/N, N = rows × outputs" : "dL/dh";

    private static void Line(TextWriter output, int indent, string label, Matrix<double> value)
    {
        var values = Dense.ToRowMajor(value);
        var shown = string.Join(" ", values.Take(Shown).Select(Number));
        var more = values.Length > Shown ? $" … ({values.Length} values, norm {Number(ShowCommand.Norm(values))})" : "";
        output.WriteLine($"{new string(' ', 2 * indent)}{label,-40} [{value.RowCount}, {value.ColumnCount}]  {shown}{more}");
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    // The followed element's numbers are shown exactly, so that they can be checked against the state's tensors.
    private static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
