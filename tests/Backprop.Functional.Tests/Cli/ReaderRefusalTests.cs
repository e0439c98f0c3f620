using Backprop.Cli;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.IO.Fuzzing;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.Cli;

/// <summary>The command line's side of the readers' contract: a bad file is one "error:" line naming it, and exit code 1.</summary>
public sealed class ReaderRefusalTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertRefused(CliRun run, string path, string problem)
    {
        run.AssertRefused(problem);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {path}: ", run.Error);
    }

    [Fact]
    public void A_csv_with_a_line_break_in_a_bad_cell_is_refused_in_one_line()
    {
        var data = Write("bad.csv", "x,y\n\"1\n2\",3\n4,5\n"u8.ToArray());
        AssertRefused(CliRun.Of("train", "--data", data, "--target", "y", "--epochs", "1"), data, "line 2, column 'x': '1\\n2' is not a number");
    }

    [Fact]
    public void Safetensors_offsets_that_are_not_numbers_are_refused_not_an_internal_error()
    {
        var header = "{\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[\"0\",8]},\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        var weights = Write("bad.safetensors", Support.SafeTensorsBytes.Of(header, 16));
        var data = Write("ok.csv", "x,y\n1,2\n3,4\n"u8.ToArray());
        AssertRefused(CliRun.Of("train", "--data", data, "--target", "y", "--init", weights, "--epochs", "1"), weights, "invalid data_offsets");
    }

    [Fact]
    public void An_unknown_loss_in_the_metadata_is_blamed_on_the_file_not_on_the_loss_option()
    {
        var file = SafeTensors.Parse(FuzzSeeds.BareSafeTensors).Map(f => f with { Metadata = Map<OrdString, string, string>.Empty.Add(NetworkTensors.LossKey, "hinge") });
        var weights = Write("w.safetensors", SafeTensors.Serialize((SafeTensorsFile)file));
        var data = Write("ok.csv", "a,b,c,d,y1,y2,y3\n1,2,3,4,0,1,0\n"u8.ToArray());
        AssertRefused(CliRun.Of("gradients", "--state", weights, "--data", data, "--target", "y1,y2,y3", "--out", dir.File("g.safetensors")),
            weights, "metadata loss: unknown loss 'hinge'");
    }
}
