namespace Backprop.Functional.Numerics;

/// <summary>A function of one double, as a type, for <see cref="IReal{T}.EachNumber{TFunction}"/> to call directly.</summary>
public interface IScalarFunction
{
    /// <summary>The function's value at <paramref name="x"/>.</summary>
    static abstract double Apply(double x);
}
