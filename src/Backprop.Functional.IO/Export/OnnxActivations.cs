using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// Each activation as ONNX operators that compute the same formula as the activation's own
/// function. Where ONNX Runtime's CPU kernel of an operator only takes float32 (LeakyRelu,
/// Softplus), the formula is spelled out in operators that take both number types.
/// </summary>
internal static class OnnxActivations
{
    /// <summary>The value h = f(z) in the graph, or why <paramref name="activation"/> has no ONNX form.</summary>
    public static Fin<string> Apply(OnnxGraphBuilder graph, Activation activation, string z) =>
        // Succ spelled out: a bare string would convert to an Error (LanguageExt's implicit conversion).
        Name(graph, activation, z) is { } h
            ? Fin<string>.Succ(h)
            : Error.New($"activation {Quote.Value(activation.Name)} has no ONNX form; the model cannot be exported");

    private static string? Name(OnnxGraphBuilder graph, Activation activation, string z) => activation switch
    {
        Identity => z,
        Sigmoid => graph.Node("Sigmoid", [z]),
        Tanh => graph.Node("Tanh", [z]),
        Relu => graph.Node("Relu", [z]),
        LeakyRelu => LeakyReluOf(graph, z),
        Softplus => SoftplusOf(graph, z),
        // Opset 13's Softmax normalizes along the one axis it is given: each row, as Softmax.OfRows does.
        Softmax => graph.Node("Softmax", [z], null, OnnxGraphBuilder.Int("axis", -1)),
        _ => null,
    };

    /// <summary>z, or 0.01·z where z ≤ 0: <see cref="LeakyRelu.Function.Value{T}"/> as a select.</summary>
    private static string LeakyReluOf(OnnxGraphBuilder graph, string z)
    {
        var negative = graph.Node("LessOrEqual", [z, graph.Scalar(0.0)]);
        var scaled = graph.Node("Mul", [z, graph.Scalar(LeakyRelu.NegativeSlope)]);
        return graph.Node("Where", [negative, scaled, z]);
    }

    /// <summary>max(z, 0) + log1p(e^−|z|), log1p by Goldberg's trick, as <c>DeterministicMath.Softplus</c> computes it.</summary>
    private static string SoftplusOf(OnnxGraphBuilder graph, string z)
    {
        var positivePart = graph.Node("Relu", [z]);
        var x = graph.Node("Exp", [graph.Node("Neg", [graph.Node("Abs", [z])])]);
        var u = graph.Node("Add", [x, graph.Scalar(1.0)]);
        // Where 1 + x rounds to 1, log1p(x) is x; elsewhere the ratio x / (u − 1) undoes the rounding of 1 + x.
        var rounded = graph.Node("Equal", [u, graph.Scalar(1.0)]);
        var ratio = graph.Node("Div", [x, graph.Node("Sub", [u, graph.Scalar(1.0)])]);
        var log1p = graph.Node("Where", [rounded, x, graph.Node("Mul", [graph.Node("Log", [u]), ratio])]);
        return graph.Node("Add", [positivePart, log1p]);
    }
}
