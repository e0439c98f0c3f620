namespace Backprop.Functional;

/// <summary>
/// A sum over the elements of a rows × columns matrix in its column-major storage order (column
/// 0's rows, then column 1's, …), as the mse and binary cross-entropy losses and the regression
/// metrics add their terms, for terms that arrive a batch of rows at a time. Column 0's terms
/// are added as they come; a later column's must wait until every earlier column is summed, so
/// they are kept ((columns − 1) × rows doubles, none for a single column) and added at the end.
/// Floating-point addition does not reassociate, so only this order gives the whole-matrix bits.
/// </summary>
internal sealed class StorageOrderSum(int rows, int columns)
{
    private readonly double[] later = columns > 1 ? GC.AllocateUninitializedArray<double>((columns - 1) * rows) : [];
    private double first;

    /// <summary>The term of element [<paramref name="row"/>, <paramref name="column"/>]; column 0's rows must come in order.</summary>
    public void Add(int row, int column, double term)
    {
        if (column == 0) first += term;
        else later[(column - 1) * rows + row] = term;
    }

    /// <summary>The sum of every term, once every element's has been added.</summary>
    public double Total()
    {
        var sum = first;
        foreach (var term in later) sum += term;
        return sum;
    }
}
