using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>train refuses a run that cannot fit before it allocates it, naming the figures.</summary>
public sealed class TrainLimitsTests
{
    [Theory]
    [InlineData("4,16384,16384,3", "sgd", "training needs about", "268.6M parameters")]
    [InlineData("10,7072,7072,2", "adam", "training needs about", "50.1M parameters, adam")]
    public void A_network_too_big_for_the_machine_is_refused_before_it_is_allocated(string layers, string optimizer, string figure, string parameters)
    {
        using var dir = new TempDirectory();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        CliRun.Of("train", "--layers", layers, "--optimizer", optimizer, "--epochs", "1", "--out", dir.File("run"))
            .AssertRefused(figure, parameters, "more than the");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64 << 20, "the network was allocated before it was refused");
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
