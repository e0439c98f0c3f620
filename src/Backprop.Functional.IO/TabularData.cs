using System.Globalization;
using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>Turns a CSV table into a data set: target columns become Y, every other column X.</summary>
public static class TabularData
{
    /// <summary>The most distinct whole numbers a target column may hold and still be taken for class labels.</summary>
    public const int MaxInferredClasses = 20;

    /// <summary>
    /// Splits <paramref name="table"/> into features (<paramref name="features"/>, or every column
    /// that is not a target) and targets. Regression needs numeric targets;
    /// a classification target (forced by <paramref name="task"/>, or implied by text labels or by
    /// a few distinct whole numbers, see <see cref="LooksLikeLabels"/>) is one-hot encoded with its
    /// classes in sorted order (numerically when every label is a number); a label longer than
    /// <see cref="Csv.MaxNameLength"/> is refused.
    /// </summary>
    public static Fin<(Dataset Data, DataSchema Schema)> Load(CsvTable table, IReadOnlyList<string> targets, TaskKind? task, IReadOnlyList<string>? features = null)
    {
        if (targets.Count == 0) return new Conflict([Settings.TargetColumns], "{0} names no column");
        var targetIndices = new List<int>();
        foreach (var name in targets)
        {
            if (table.ColumnIndex(name).Case is not int index) return NoColumn(table, name);
            if (targetIndices.Contains(index)) return new Conflict([Settings.TargetColumns], $"{{0}} names {Conflict.Literal(Quote.Value(name))} twice");
            targetIndices.Add(index);
        }
        if (table.RowCount == 0) return Error.New($"{table.Source}: the file has a header but no data rows");
        int[] featureIndices;
        if (features is { Count: > 0 })
        {
            var chosen = new List<int>();
            foreach (var name in features)
            {
                if (table.ColumnIndex(name).Case is not int index) return NoColumn(table, name);
                if (targetIndices.Contains(index)) return new Conflict([Settings.TargetColumns, Settings.FeatureColumns], $"{Conflict.Literal(Quote.Value(name))} is both in {{0}} and in {{1}}");
                if (chosen.Contains(index)) return new Conflict([Settings.FeatureColumns], $"{{0}} names {Conflict.Literal(Quote.Value(name))} twice");
                chosen.Add(index);
            }
            featureIndices = [.. chosen];
        }
        else featureIndices = Enumerable.Range(0, table.Header.Count).Where(i => !targetIndices.Contains(i)).ToArray();
        if (featureIndices.Length == 0) return Error.New($"{table.Source}: every column is a target; no feature columns are left");

        var kind = task ?? (targetIndices.Count == 1 && (!IsNumericColumn(table, targetIndices[0]) || LooksLikeLabels(table, targetIndices[0]))
            ? TaskKind.Classification
            : TaskKind.Regression);
        if (kind == TaskKind.Classification && targetIndices.Count != 1)
            return new Conflict([Settings.TargetColumns], $"classification takes exactly one column in {{0}}, not {targetIndices.Count} (its labels become one output per class)");
        if (kind == TaskKind.Classification && QuantityRefusal(table, targetIndices[0]) is { } quantity) return quantity;

        if (Numbers(table, featureIndices).Failed(out var featureError, out var inputs)) return featureError;
        var featureNames = featureIndices.Select(i => table.Header[i]).ToArr();
        var targetNames = targets.ToArr();

        if (kind == TaskKind.Regression)
        {
            if (Numbers(table, targetIndices.ToArray()).Failed(out var targetError, out var y)) return targetError;
            return (new Dataset(inputs, y), new DataSchema(featureNames, targetNames, kind, Arr<string>.Empty, Option<Standardization>.None));
        }

        var labels = Labels(table, targetIndices[0]);
        var emptyRow = Array.FindIndex(labels, l => l.Length == 0);
        var column = Quote.Value(targets[0]);
        if (emptyRow >= 0) return Error.New($"{table.Source}: line {table.Line(emptyRow)}, column {column}: the label is empty");
        var longRow = Array.FindIndex(labels, l => l.Length > Csv.MaxNameLength);
        if (longRow >= 0)
            return Error.New($"{table.Source}: line {table.Line(longRow)}, column {column}: a class label of {labels[longRow].Length:N0} characters is longer than the {Csv.MaxNameLength:N0} a label may have");
        var classes = SortLabels(labels.Distinct());
        if (classes.Count < 2) return Error.New($"{table.Source}: column {column} holds a single class ({Quote.Value(classes[0])}); classification needs at least two");
        // One output per class and row: a column of unique labels would make this quadratic in the file size.
        if (!Limits.FitsOneTensor(labels.Length, classes.Count))
            return Error.New($"{table.Source}: column {column} holds {classes.Count} classes in {labels.Length} rows; one-hot targets would exceed {Limits.MaxTensorElements} numbers");
        return (new Dataset(inputs, OneHot(labels, classes)), new DataSchema(featureNames, targetNames, kind, classes, Option<Standardization>.None));
    }

    /// <summary>The most distinct numbers a target column may hold and still be taken for classes (text labels have no such limit).</summary>
    public const int MaxNumberClasses = 100;

    /// <summary>
    /// A number column with more than <see cref="MaxNumberClasses"/> distinct values is a quantity:
    /// one class per value would be hundreds of outputs learning from a few rows each. A column
    /// meant as that many classes says so by holding text labels.
    /// </summary>
    private static Error? QuantityRefusal(CsvTable table, int column)
    {
        var cells = table.Column(column);
        if (!cells.AllNumbers) return null;
        var distinct = cells.DistinctNumbers is int known ? $"{known}" : $"more than {CsvColumn.MaxSpellings}";
        if (cells.DistinctNumbers is int count && count <= MaxNumberClasses) return null;
        return Error.New($"{table.Source}: column {Quote.Value(table.Header[column])} holds {distinct} distinct numbers, more than the {MaxNumberClasses} a classification target may: it reads as a quantity (regression); write its values as text labels to classify them");
    }

    /// <summary>
    /// No column of that name; when the header is one column holding a likely delimiter, the file was
    /// read with the wrong one, and the refusal says which to set.
    /// </summary>
    private static Error NoColumn(CsvTable table, string name)
    {
        var message = $"{table.Source}: no column named {Quote.Value(name)} (columns: {Quote.List(table.Header)})";
        if (table.Header.Count == 1 && new[] { ';', '\t', '|' }.FirstOrDefault(c => table.Header[0].Contains(c)) is var likely and not '\0')
            return new Conflict([Settings.Delimiter], $"{Conflict.Literal(message)}; the header is one column holding {(likely == '\t' ? "tabs" : Conflict.Literal(Quote.Value(likely.ToString())))}: set {{0}} {(likely == '\t' ? "tab" : Conflict.Literal(Quote.Value(likely.ToString())))}");
        return Error.New(message);
    }

    /// <summary>The feature matrix of a new table, columns picked by the schema's feature names (targets may be absent).</summary>
    public static Fin<MathNet.Numerics.LinearAlgebra.Matrix<double>> Features(CsvTable table, DataSchema schema)
    {
        var indices = new int[schema.Features.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            if (table.ColumnIndex(schema.Features[i]).Case is not int index)
                return Error.New($"{table.Source}: no column named {Quote.Value(schema.Features[i])}, which the model reads as feature {i + 1}");
            indices[i] = index;
        }
        if (table.RowCount == 0) return Error.New($"{table.Source}: the file has a header but no data rows");
        return Numbers(table, indices);
    }

    /// <summary>The target matrix of a table under an existing schema (classes must be known to it).</summary>
    public static Fin<MathNet.Numerics.LinearAlgebra.Matrix<double>> Targets(CsvTable table, DataSchema schema)
    {
        var indices = new int[schema.Targets.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            if (table.ColumnIndex(schema.Targets[i]).Case is not int index)
                return Error.New($"{table.Source}: no target column named {Quote.Value(schema.Targets[i])}");
            indices[i] = index;
        }
        if (schema.Task == TaskKind.Regression) return Numbers(table, indices);
        var labels = Labels(table, indices[0]);
        for (var r = 0; r < labels.Length; r++)
            if (!schema.Classes.Contains(labels[r]))
                return Error.New($"{table.Source}: line {table.Line(r)}, column {Quote.Value(schema.Targets[0])}: class {Quote.Value(labels[r])} is unknown to the model (it knows {Quote.List(schema.Classes)})");
        return OneHot(labels, schema.Classes);
    }

    /// <summary>
    /// The columns as a matrix: each column's doubles copied as a block. A cell that is not a finite
    /// number is refused as a row-by-row reading would meet it first (the lowest row, then the
    /// column named first).
    /// </summary>
    private static Fin<MathNet.Numerics.LinearAlgebra.Matrix<double>> Numbers(CsvTable table, int[] columns)
    {
        var rows = table.RowCount;
        var (badRow, badColumn) = (int.MaxValue, -1);
        foreach (var column in columns)
        {
            var row = table.Column(column).FirstText(rows);
            if (row >= 0 && row < badRow) (badRow, badColumn) = (row, column);
        }
        if (badColumn >= 0 && Csv.ParseNumber(table, badRow, badColumn).Failed(out var error, out _)) return error;
        var data = new double[(long)rows * columns.Length];
        for (var c = 0; c < columns.Length; c++) table.Column(columns[c]).Values(rows).CopyTo(data.AsSpan(c * rows, rows));
        return Dense.Matrix(rows, columns.Length, data);
    }

    /// <summary>A column's class labels, trimmed (a number spelled as the column spells it shortest).</summary>
    private static string[] Labels(CsvTable table, int column)
    {
        var labels = new string[table.RowCount];
        var cells = table.Column(column);
        for (var r = 0; r < labels.Length; r++) labels[r] = cells.Text(r).Trim();
        return labels;
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> OneHot(string[] labels, Arr<string> classes)
    {
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < classes.Count; k++) classIndex.TryAdd(classes[k], k);
        var data = new double[labels.Length * classes.Count];
        for (var r = 0; r < labels.Length; r++) data[classIndex[labels[r]] * labels.Length + r] = 1.0;
        return Dense.Matrix(labels.Length, classes.Count, data);
    }

    /// <summary>
    /// Whether a numeric column reads as class labels: every value a whole number within an int's
    /// range, between 2 and <see cref="MaxInferredClasses"/> distinct values, and each value on two
    /// rows or more on average (so a short column of distinct counts stays a quantity). Digits 0–9
    /// are labels; a price, a measurement or an age in years are not.
    /// </summary>
    public static bool LooksLikeLabels(CsvTable table, int column)
    {
        var cells = table.Column(column);
        if (!cells.AllNumbers || cells.Numbers is not { } values) return false;
        var distinct = 0;
        foreach (var value in values)
        {
            if (Math.Abs(value) > int.MaxValue || Math.Floor(value) != value) return false;
            if (++distinct > MaxInferredClasses) return false;
        }
        return distinct >= 2 && 2 * distinct <= table.RowCount;
    }

    /// <summary>Whether every cell parses as a number, finite or not (NaN text in a target is refused as a number, not taken for a label).</summary>
    private static bool IsNumericColumn(CsvTable table, int column)
    {
        var cells = table.Column(column);
        for (var r = 0; r < table.RowCount; r++)
            if (cells.IsText(r) && !double.TryParse(cells.Text(r).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        return true;
    }

    private static Arr<string> SortLabels(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        var numeric = list.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        return (numeric
            ? list.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal)
            : list.OrderBy(l => l, StringComparer.Ordinal)).ToArr();
    }
}
