using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>A named tensor of doubles in row-major order, as safetensors stores it.</summary>
/// <remarks>Build <see cref="Arr{A}"/> values with <c>Arr.create</c>: a C# collection expression
/// calls the immutable <c>Add</c> and silently yields an empty array.</remarks>
public sealed record Tensor(string Name, Arr<long> Shape, double[] Values)
{
    /// <summary>A 1-D tensor.</summary>
    public static Tensor Vector(string name, double[] values) => new(name, Arr.create((long)values.Length), values);

    /// <summary>A 2-D tensor [rows, columns] from row-major values.</summary>
    public static Tensor Matrix(string name, int rows, int columns, double[] rowMajor) => new(name, Arr.create((long)rows, columns), rowMajor);

    /// <summary>"[32, 10]".</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
