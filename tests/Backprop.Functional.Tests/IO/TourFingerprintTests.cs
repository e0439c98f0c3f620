using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// The data of the README's tour loads to the same numbers whatever parses it: pinned before the
/// hand-written CSV parser was replaced, so that a new reader cannot change a recorded run's data.
/// </summary>
public sealed class TourFingerprintTests
{
    [Theory]
    [InlineData("iris", "species", "56ee502b07b452dde863b5b9b03664054d04b2bc9845438d452a653b32b5e958")]
    [InlineData("digits", "digit", "9a06594b1dd77aa94ed59b42dc533f9ce7132ce596eb0276537d915f41a0bb20")]
    public void A_shipped_data_set_loads_to_its_pinned_fingerprint(string name, string target, string fingerprint)
    {
        var (dataset, table) = ((BuiltInDataset, CsvTable))BuiltInDatasets.Load(name);
        var (data, _) = ((Dataset, DataSchema))TabularData.Load(table, [target], dataset.Task);
        Assert.Equal(fingerprint, Fingerprint.Of(data));
    }

    [Fact]
    public void The_example_houses_load_to_their_pinned_fingerprint()
    {
        var table = (CsvTable)FileInput.ReadCsv(Example("houses.csv"));
        var (data, _) = ((Dataset, DataSchema))TabularData.Load(table, ["price"], null);
        Assert.Equal("4ce199e18ec31f54e0d43a4c99cfd9774752f7c6d02de977d57732c0123ad119", Fingerprint.Of(data));
    }

    [Fact]
    public void The_example_flowers_load_to_their_pinned_features()
    {
        var table = (CsvTable)FileInput.ReadCsv(Example("flowers.csv"));
        var (_, schema) = ((Dataset, DataSchema))TabularData.Load((CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table), ["species"], TaskKind.Classification);
        var features = (MathNet.Numerics.LinearAlgebra.Matrix<double>)TabularData.Features(table, schema);
        var empty = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(features.RowCount, 0);
        Assert.Equal("72897b28c1dedf8e329aa32b114a21c13ed13e1b09f03a3d7354f12738f3445a", Fingerprint.Of(new Dataset(features, empty)));
    }

    /// <summary>A file of examples/data, found from the test assembly up to the repository root.</summary>
    private static string Example(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "examples", "data", file);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"examples/data/{file} is not above {AppContext.BaseDirectory}");
    }
}
