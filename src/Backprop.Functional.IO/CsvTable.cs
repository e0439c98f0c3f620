using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>A parsed CSV file: its header and its records, each with the line it starts on.</summary>
public sealed record CsvTable(string Source, Arr<string> Header, Arr<CsvRecord> Records)
{
    /// <summary>The index of a column by exact name.</summary>
    public Option<int> ColumnIndex(string name)
    {
        var index = Header.IndexOf(name);
        return index < 0 ? Option<int>.None : index;
    }
}

/// <summary>One record of a CSV file.</summary>
public sealed record CsvRecord(int Line, string[] Fields);
