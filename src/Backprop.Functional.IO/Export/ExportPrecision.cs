using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>The number type an exported model holds its weights (and, for ONNX, computes) in.</summary>
public enum ExportPrecision
{
    /// <summary>IEEE single precision: what most deployment targets expect; each weight rounded once.</summary>
    Float32,

    /// <summary>IEEE double precision: the weights' own bits, the numbers <c>predict</c> computes with.</summary>
    Float64,
}

/// <summary>The names of <see cref="ExportPrecision"/> as files and command lines spell them.</summary>
public static class ExportPrecisions
{
    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["f32", "f64"];

    /// <summary>"f32" or "f64".</summary>
    public static Fin<ExportPrecision> Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "f32" or "float32" => ExportPrecision.Float32,
        "f64" or "float64" => ExportPrecision.Float64,
        _ => new UnknownName(Settings.ExportPrecision, name ?? "", Names),
    };

    /// <summary>"f32" or "f64".</summary>
    public static string Name(this ExportPrecision precision) => precision == ExportPrecision.Float32 ? "f32" : "f64";
}
