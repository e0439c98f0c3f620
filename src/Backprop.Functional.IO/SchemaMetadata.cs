using System.Text.Json;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A <see cref="DataSchema"/> inside a safetensors file, as states and model files both hold it:
/// names, task and classes as JSON under the <c>schema</c> metadata, the standardization as the
/// tensors <c>standardization.mean</c> and <c>standardization.std</c> (numbers stay binary, so
/// they round-trip to the bit), and a regression target's standardization, when it has one, as
/// <c>target_standardization.mean</c> and <c>target_standardization.std</c> (one value per target
/// column; a file without them is exactly what it was before target scaling existed).
/// </summary>
public static class SchemaMetadata
{
    /// <summary>The metadata key holding the schema's JSON.</summary>
    public const string Key = "schema";

    /// <summary>The tensor holding the standardization's per-feature means.</summary>
    public const string MeanTensor = "standardization.mean";

    /// <summary>The tensor holding the standardization's per-feature standard deviations.</summary>
    public const string StdTensor = "standardization.std";

    /// <summary>The tensor holding the regression targets' means (present only when targets are standardized).</summary>
    public const string TargetMeanTensor = "target_standardization.mean";

    /// <summary>The tensor holding the regression targets' standard deviations (present only when targets are standardized).</summary>
    public const string TargetStdTensor = "target_standardization.std";

    /// <summary>The names of every tensor a schema may add to a file.</summary>
    public static IReadOnlyList<string> TensorNames { get; } = [MeanTensor, StdTensor, TargetMeanTensor, TargetStdTensor];

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, MaxDepth = 4 };

    /// <summary>The schema's JSON (without the standardization, which is in <see cref="Tensors"/>).</summary>
    public static string ToJson(DataSchema schema) => JsonSerializer.Serialize(Document.From(schema), Json);

    /// <summary>The standardization tensors (features, then targets), none when the schema standardizes nothing.</summary>
    public static IEnumerable<Tensor> Tensors(DataSchema schema)
    {
        if (schema.Standardization.Case is Standardization s)
        {
            yield return Tensor.Vector(MeanTensor, s.Means.ToArray());
            yield return Tensor.Vector(StdTensor, s.Stds.ToArray());
        }
        if (schema.TargetStandardization.Case is Standardization t)
        {
            yield return Tensor.Vector(TargetMeanTensor, t.Means.ToArray());
            yield return Tensor.Vector(TargetStdTensor, t.Stds.ToArray());
        }
    }

    /// <summary>The names and shapes of <see cref="Tensors"/>, without copying anything.</summary>
    public static IEnumerable<(string Name, Arr<long> Shape)> Shapes(DataSchema schema)
    {
        if (schema.Standardization.Case is Standardization s)
        {
            yield return (MeanTensor, Arr.create((long)s.Means.Count));
            yield return (StdTensor, Arr.create((long)s.Stds.Count));
        }
        if (schema.TargetStandardization.Case is Standardization t)
        {
            yield return (TargetMeanTensor, Arr.create((long)t.Means.Count));
            yield return (TargetStdTensor, Arr.create((long)t.Stds.Count));
        }
    }

    /// <summary>Reads the schema from <paramref name="file"/>'s metadata and standardization tensors.</summary>
    public static Fin<DataSchema> Read(SafeTensorsFile file, string source)
    {
        Document? document;
        try { document = JsonSerializer.Deserialize<Document>(file.Meta(Key).IfNone(""), Json); }
        catch (JsonException) { document = null; }
        if (document?.Features is null || document.Targets is null || document.Classes is null ||
            !Enum.TryParse<TaskKind>(document.Task, ignoreCase: true, out var task))
            return Error.New($"{source}: metadata '{Key}' is not a valid data schema");

        if (Pair(file, source, MeanTensor, StdTensor, document.Features.Length, "feature").Failed(out var featureError, out var standardization)) return featureError;
        if (Pair(file, source, TargetMeanTensor, TargetStdTensor, document.Targets.Length, "target column").Failed(out var targetError, out var targetStandardization)) return targetError;
        if (targetStandardization.IsSome && task != TaskKind.Regression)
            return Error.New($"{source}: {TargetMeanTensor} belongs to a regression model, but the schema says {Quote.Value(document.Task)}");
        return new DataSchema(document.Features.ToArr(), document.Targets.ToArr(), task, document.Classes.ToArr(), standardization)
        {
            TargetStandardization = targetStandardization,
        };
    }

    /// <summary>A mean and std tensor pair of <paramref name="count"/> values each, both or neither; a std must be positive and finite.</summary>
    private static Fin<Option<Standardization>> Pair(SafeTensorsFile file, string source, string meanName, string stdName, int count, string what)
    {
        var mean = file.Find(meanName);
        var std = file.Find(stdName);
        if (mean.IsNone && std.IsNone) return Option<Standardization>.None;
        var m = mean.Map(t => t.Values).IfNone([]);
        var s = std.Map(t => t.Values).IfNone([]);
        if (m.Length != count || s.Length != count)
            return Error.New($"{source}: {meanName}/std must both hold {count} values, one per {what}");
        if (s.Any(v => !(v > 0 && double.IsFinite(v))) || m.Any(v => !double.IsFinite(v)))
            return Error.New($"{source}: {meanName}/std must hold finite means and positive, finite standard deviations");
        return Option<Standardization>.Some(new Standardization(m.ToArr(), s.ToArr()));
    }

    /// <summary>The JSON form of a schema inside the metadata.</summary>
    private sealed record Document(string[] Features, string[] Targets, string Task, string[] Classes)
    {
        public static Document From(DataSchema schema) =>
            new(schema.Features.ToArray(), schema.Targets.ToArray(), schema.Task.ToString().ToLowerInvariant(), schema.Classes.ToArray());
    }
}
