using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.Support;

/// <summary>The shipped iris data set as CSV lines, for tests that write their own variants of it.</summary>
public static class IrisCsv
{
    /// <summary>The header, then one line per flower.</summary>
    public static string[] Lines()
    {
        var table = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        return [string.Join(",", table.Header), .. table.Records.Map(r => string.Join(",", r.Fields))];
    }

    /// <summary>The same rows with the columns in <paramref name="order"/> (indices into the header).</summary>
    public static string Reordered(int[] order) =>
        string.Concat(Lines().Select(l => string.Join(",", order.Select(i => l.Split(',')[i])) + "\n"));
}
