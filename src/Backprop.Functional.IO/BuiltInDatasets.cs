using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>A data set shipped inside the tool.</summary>
public sealed record BuiltInDataset(string Name, string Target, TaskKind Task, string Credit);

/// <summary>
/// The UCI data sets embedded in this assembly (CC BY 4.0): Fisher's iris (150 rows, 4
/// features, 3 species) and the optical recognition of handwritten digits (1,797 8×8 images
/// with pixels 0–16, 10 digits).
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>Every shipped data set.</summary>
    public static IReadOnlyList<BuiltInDataset> All { get; } =
    [
        new("iris", "species", TaskKind.Classification, "R. A. Fisher, Iris, UCI Machine Learning Repository (1936), doi:10.24432/C56C76"),
        new("digits", "digit", TaskKind.Classification, "E. Alpaydin and C. Kaynak, Optical Recognition of Handwritten Digits, UCI Machine Learning Repository (1998), doi:10.24432/C50P49"),
    ];

    /// <summary>The names accepted by <see cref="Load"/>.</summary>
    public static string Names => string.Join("|", All.Select(d => d.Name));

    /// <summary>A shipped data set's description and parsed table.</summary>
    public static Fin<(BuiltInDataset Dataset, CsvTable Table)> Load(string name)
    {
        var dataset = All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (dataset is null) return new UnknownName(Settings.Dataset, name ?? "", [.. All.Select(d => d.Name)]);
        using var stream = typeof(BuiltInDatasets).Assembly.GetManifestResourceStream($"Datasets.{dataset.Name}.csv")
            ?? throw new InvalidOperationException($"embedded data set {dataset.Name} is missing from the build");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Csv.Parse($"{dataset.Name} (built in)", memory.ToArray()).Map(table => (dataset, table));
    }
}
