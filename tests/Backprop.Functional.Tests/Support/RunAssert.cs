namespace Backprop.Functional.Tests.Support;

/// <summary>Assertions about whole run directories.</summary>
public static class RunAssert
{
    /// <summary>Both runs kept the same epochs with byte-identical states, metrics and final weights.</summary>
    public static void SameStates(string expected, string actual)
    {
        var a = (RunDirectory)RunDirectory.Open(expected);
        var b = (RunDirectory)RunDirectory.Open(actual);
        Assert.Equal(a.List().Epochs.ToArray(), b.List().Epochs.ToArray());
        foreach (var epoch in a.List().Epochs)
            Assert.True(File.ReadAllBytes(a.StatePath(epoch)).AsSpan().SequenceEqual(File.ReadAllBytes(b.StatePath(epoch))), $"state {epoch} differs");
        Assert.Equal(File.ReadAllText(a.MetricsFile), File.ReadAllText(b.MetricsFile));
        Assert.True(File.ReadAllBytes(a.FinalFile).AsSpan().SequenceEqual(File.ReadAllBytes(b.FinalFile)), "final.safetensors differs");
    }
}
