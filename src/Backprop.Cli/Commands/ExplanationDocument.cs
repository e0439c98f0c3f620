using Backprop.Functional;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Cli.Commands;

/// <summary>The JSON form of <c>explain</c>: the same quantities as the text, as data.</summary>
public static class ExplanationDocument
{
    /// <summary>Tensors up to this many elements are given in full; larger ones as their first values and norm.</summary>
    private const int FullLimit = 4096;

    /// <summary>The explanation as nested dictionaries and arrays, ready for System.Text.Json; without an update, <c>update</c> is null and <c>update_note</c> says why.</summary>
    public static Dictionary<string, object?> Of(StepExplanation e)
    {
        var document = Steps(e);
        document["update"] = e.Update is { } update ? Update(update) : null;
        if (e.Update is { } rule) document["update_rule"] = Rule(rule);
        if (e.Update is null) document["update_note"] = ExplanationText.NoUpdate;
        return document;
    }

    private static Dictionary<string, object?> Steps(StepExplanation e) => new()
    {
        ["network"] = new Dictionary<string, object?>
        {
            ["widths"] = e.Network.Widths.ToArray(),
            ["activations"] = e.Network.Activations.Map(a => a.Name).ToArray(),
            ["loss"] = e.Loss.Name,
        },
        ["input"] = Tensor(e.Inputs),
        ["forward"] = e.Network.Layers.Select((layer, i) => new Dictionary<string, object?>
        {
            ["layer"] = i,
            ["activation"] = layer.Activation.Name,
            ["weight"] = Tensor(layer.Weight),
            ["bias"] = Tensor(layer.Bias.ToRowMatrix()),
            ["z"] = Tensor(e.Trace.Layers[i].PreActivation),
            ["h"] = Tensor(e.Trace.Layers[i].Activation),
        }).ToArray(),
        ["loss"] = new Dictionary<string, object?>
        {
            ["name"] = e.Loss.Name,
            ["formula"] = ExplanationText.LossFormula(e.Loss),
            ["prediction"] = Tensor(e.Trace.Output),
            ["target"] = Tensor(e.Targets),
            ["value"] = e.LossValue,
        },
        ["backward"] = e.Backward.Select(s => new Dictionary<string, object?>
        {
            ["layer"] = s.Layer,
            ["dL_dh"] = s.OutputGradient is { } dh ? Tensor(dh) : null,
            ["dL_dz"] = Tensor(s.Delta),
            ["dL_dW"] = Tensor(s.Gradients.Weight),
            ["dL_db"] = Tensor(s.Gradients.Bias.ToRowMatrix()),
        }).ToArray(),
    };

    private static Dictionary<string, object?>[] Update(StepUpdate update) =>
        update.Updates.Layers.Select((u, i) => new Dictionary<string, object?>
        {
            ["layer"] = i,
            ["weight_update"] = Tensor(u.Weight),
            ["bias_update"] = Tensor(u.Bias.ToRowMatrix()),
            ["weight_after"] = Tensor(update.Next.Layers[i].Weight),
            ["bias_after"] = Tensor(update.Next.Layers[i].Bias.ToRowMatrix()),
            ["element"] = Element(update.Elements[i]),
        }).ToArray();

    private static Dictionary<string, object?> Rule(StepUpdate update) => new()
    {
        ["optimizer"] = update.Optimizer.ToString(),
        ["step"] = update.Step,
        ["rule"] = "θ ← θ + u, u = g = dL/dθ rewritten by each transformation in turn",
        ["transformations"] = update.Elements[0].Steps.Select(s => new Dictionary<string, object?>
        {
            ["name"] = s.Rule.Name,
            ["rule"] = s.Rule.Lines.ToArray(),
            ["constants"] = s.Rule.Constants.ToDictionary(c => c.Symbol, c => (object?)c.Value),
        }).ToArray(),
    };

    private static Dictionary<string, object?> Element(ElementUpdate element) => new()
    {
        ["name"] = element.Name,
        ["row"] = element.Row,
        ["column"] = element.Column,
        ["theta"] = element.Before,
        ["gradient"] = element.Gradient,
        ["steps"] = element.Steps.Select(s => new Dictionary<string, object?>
        {
            ["name"] = s.Rule.Name,
            ["u_in"] = s.In,
            ["u_out"] = s.Out,
            ["slots"] = s.Slots.ToDictionary(slot => slot.Slot, slot => (object?)new Dictionary<string, double> { ["before"] = slot.Before, ["after"] = slot.After }),
            ["derived"] = s.Derived.ToDictionary(d => d.Symbol, d => (object?)d.Value),
        }).ToArray(),
        ["delta"] = element.Delta,
        ["theta_after"] = element.After,
    };

    private static Dictionary<string, object?> Tensor(Matrix<double> matrix)
    {
        var values = Dense.ToRowMajor(matrix);
        var full = values.Length <= FullLimit;
        return new Dictionary<string, object?>
        {
            ["shape"] = new[] { matrix.RowCount, matrix.ColumnCount },
            ["values"] = full ? values : values[..16],
            ["truncated"] = !full,
            ["norm"] = ShowCommand.Norm(values),
        };
    }
}
