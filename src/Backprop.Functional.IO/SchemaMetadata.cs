using System.Text.Json;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A <see cref="DataSchema"/> inside a safetensors file, as states and model files both hold it:
/// names, task and classes as JSON under the <c>schema</c> metadata, the standardization as the
/// tensors <c>standardization.mean</c> and <c>standardization.std</c> (numbers stay binary, so
/// they round-trip to the bit).
/// </summary>
public static class SchemaMetadata
{
    /// <summary>The metadata key holding the schema's JSON.</summary>
    public const string Key = "schema";

    /// <summary>The tensor holding the standardization's per-feature means.</summary>
    public const string MeanTensor = "standardization.mean";

    /// <summary>The tensor holding the standardization's per-feature standard deviations.</summary>
    public const string StdTensor = "standardization.std";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, MaxDepth = 4 };

    /// <summary>The schema's JSON (without the standardization, which is in <see cref="Tensors"/>).</summary>
    public static string ToJson(DataSchema schema) => JsonSerializer.Serialize(Document.From(schema), Json);

    /// <summary>The standardization tensors, none when the schema has no standardization.</summary>
    public static IEnumerable<Tensor> Tensors(DataSchema schema) =>
        schema.Standardization.Case is Standardization s
            ? [Tensor.Vector(MeanTensor, s.Means.ToArray()), Tensor.Vector(StdTensor, s.Stds.ToArray())]
            : [];

    /// <summary>Reads the schema from <paramref name="file"/>'s metadata and standardization tensors.</summary>
    public static Fin<DataSchema> Read(SafeTensorsFile file, string source)
    {
        Document? document;
        try { document = JsonSerializer.Deserialize<Document>(file.Meta(Key).IfNone(""), Json); }
        catch (JsonException) { document = null; }
        if (document?.Features is null || document.Targets is null || document.Classes is null ||
            !Enum.TryParse<TaskKind>(document.Task, ignoreCase: true, out var task))
            return Error.New($"{source}: metadata '{Key}' is not a valid data schema");

        var standardization = Option<Standardization>.None;
        var mean = file.Find(MeanTensor);
        var std = file.Find(StdTensor);
        if (mean.IsSome || std.IsSome)
        {
            var m = mean.Map(t => t.Values).IfNone([]);
            var s = std.Map(t => t.Values).IfNone([]);
            if (m.Length != document.Features.Length || s.Length != document.Features.Length)
                return Error.New($"{source}: {MeanTensor}/std must both hold {document.Features.Length} values, one per feature");
            standardization = new Standardization(m.ToArr(), s.ToArr());
        }
        return new DataSchema(document.Features.ToArr(), document.Targets.ToArr(), task, document.Classes.ToArr(), standardization);
    }

    /// <summary>The JSON form of a schema inside the metadata.</summary>
    private sealed record Document(string[] Features, string[] Targets, string Task, string[] Classes)
    {
        public static Document From(DataSchema schema) =>
            new(schema.Features.ToArray(), schema.Targets.ToArray(), schema.Task.ToString().ToLowerInvariant(), schema.Classes.ToArray());
    }
}
