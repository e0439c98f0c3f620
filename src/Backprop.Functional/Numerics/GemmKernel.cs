namespace Backprop.Functional.Numerics;

/// <summary>The kernel behind <see cref="MatrixProduct"/>.</summary>
internal static class GemmKernel
{
    public static void Compute(MatrixView a, MatrixView b, Span<double> c) => ReferenceGemm.Compute(a, b, c);
}
