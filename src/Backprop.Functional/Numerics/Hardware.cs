using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

/// <summary>What the math runs on, for provenance and messages (results never depend on it).</summary>
public static class Hardware
{
    /// <summary>"Vector512", "Vector256" or "scalar": the widest vectors the products use here.</summary>
    public static string VectorWidth =>
        Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
}
