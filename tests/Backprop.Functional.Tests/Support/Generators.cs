using FsCheck;

namespace Backprop.Functional.Tests.Support;

/// <summary>The arbitraries the properties use, by the laws they serve.</summary>
public static class SmoothNetworks
{
    /// <summary>Sigmoid, tanh and identity layers mixed, mse loss (the first gradient-check family).</summary>
    public static Arbitrary<NetworkCase> Cases() => NetworkCase.Arbitrary(["sigmoid", "tanh", "identity"]);
}
