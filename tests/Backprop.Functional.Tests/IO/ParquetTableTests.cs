using System.Globalization;
using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Xunit;
using LanguageExt;
using Parquet.Schema;

namespace Backprop.Functional.Tests.IO;

/// <summary>Parquet files load as the same table their CSV twin does: same numbers, same classes, same fingerprint, same refusals.</summary>
public sealed class ParquetTableTests
{
    /// <summary>Writes double columns and, when given, one string column last, as one row group.</summary>
    private static byte[] Parquet(string[] names, double[][] columns, string[]? labels = null, string labelName = "y")
    {
        var fields = names.Select(n => (Field)new DataField<double>(n)).ToList();
        if (labels is not null) fields.Add(new DataField<string>(labelName));
        return ParquetBytes.Of(new ParquetSchema(fields), async writer =>
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < columns.Length; c++) await group.WriteAsync<double>((DataField)fields[c], columns[c].AsMemory(), null);
            if (labels is not null) await group.WriteAsync((DataField)fields[^1], labels, null);
        });
    }

    private static string Csv(string[] names, double[][] columns, string[]? labels = null, string labelName = "y")
    {
        var text = new StringBuilder(string.Join(",", labels is null ? names : [.. names, labelName])).Append('\n');
        for (var r = 0; r < columns[0].Length; r++)
        {
            text.Append(string.Join(",", columns.Select(c => c[r].ToString("R", CultureInfo.InvariantCulture))));
            if (labels is not null) text.Append(',').Append(labels[r]);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static Fin<(Dataset Data, DataSchema Schema)> Load(Fin<CsvTable> table, string target, TaskKind task) =>
        table.Bind(t => TabularData.Load(t, [target], task));

    [Property(MaxTest = 40)]
    public bool A_generated_table_loads_to_the_same_bits_from_csv_and_from_parquet(NormalFloat[] values, PositiveInt width, bool classify)
    {
        var columnCount = 1 + (width.Get % 4) + (classify ? 0 : 1);
        var rows = Math.Max(2, values.Length / columnCount);
        var columns = Enumerable.Range(0, columnCount)
            .Select(c => Enumerable.Range(0, rows).Select(r => values.Length == 0 ? r : values[(c * rows + r) % values.Length].Get).ToArray()).ToArray();
        var names = Enumerable.Range(0, columnCount).Select(c => $"x{c}").ToArray();
        var labels = classify ? Enumerable.Range(0, rows).Select(r => r % 2 == 0 ? "a" : "b").ToArray() : null;
        var target = classify ? "y" : names[^1];
        var task = classify ? TaskKind.Classification : TaskKind.Regression;
        var fromCsv = ((Dataset, DataSchema))Load(global::Backprop.Functional.IO.Csv.Parse("t.csv", Encoding.UTF8.GetBytes(Csv(names, columns, labels))), target, task);
        var fromParquet = ((Dataset, DataSchema))Load(ParquetTable.Parse("t.parquet", Parquet(names, columns, labels)), target, task);
        return Fingerprint.Of(fromCsv.Item1) == Fingerprint.Of(fromParquet.Item1) && fromCsv.Item2.Classes.SequenceEqual(fromParquet.Item2.Classes);
    }

    [Fact]
    public void A_parquet_file_is_read_by_its_extension_with_its_string_labels()
    {
        using var dir = new TempDirectory();
        var path = dir.File("iris.parquet");
        File.WriteAllBytes(path, Parquet(["a", "b"], [[1.0, 2, 3, 4], [0.5, 0.25, 1, 2]], ["setosa", "virginica", "setosa", "virginica"], "species"));
        var loaded = Load(FileInput.ReadTable(path, CsvDialect.Default), "species", TaskKind.Classification);
        Assert.True(loaded.IsSucc, loaded.Match(_ => "", e => e.Message));
        var (data, schema) = ((Dataset, DataSchema))loaded;
        Assert.Equal(["setosa", "virginica"], schema.Classes.ToArray());
        Assert.Equal([1.0, 2, 3, 4], data.Inputs.Column(0).ToArray());
    }

    [Fact]
    public void A_nan_in_a_parquet_column_is_refused_as_the_same_text_in_a_csv_file() =>
        ReaderRefusal.Expect(Load(ParquetTable.Parse("t.parquet", Parquet(["x", "y"], [[1.0, double.NaN], [1.0, 2.0]])), "y", TaskKind.Regression),
            "t.parquet", "line 2, column 'x': 'NaN' is not a finite number");

    [Fact]
    public void Bytes_that_are_not_parquet_are_refused() =>
        ReaderRefusal.Expect(ParquetTable.Parse("t.parquet", Encoding.UTF8.GetBytes("x,y\n1,2\n")), "t.parquet", "not a Parquet file that can be read");

    [Fact]
    public void A_parquet_file_whose_rows_would_not_fit_is_refused_before_its_columns_are_sized()
    {
        var bytes = Parquet(["x", "y"], [[1.0, 2, 3, 4], [0.5, 0.25, 1, 2]]);
        var needed = Backprop.Functional.IO.Csv.LoadingBytes(4, 2);
        ReaderRefusal.Expect(ParquetTable.Parse("t.parquet", bytes, availableBytes: needed - 1), "t.parquet",
            $"about 4 rows × 2 columns need {ByteSize.Text(needed)} to load, more than the {ByteSize.Text(needed - 1)} this process may use");
        Assert.True(ParquetTable.Parse("t.parquet", bytes, availableBytes: needed).IsSucc);
    }

    [Fact]
    public void A_parquet_text_column_that_would_not_fit_beside_the_numbers_is_refused_by_name()
    {
        // Three distinct 5-character labels cost 3 x (24 + 10) bytes, and the column's text slots 8 bytes a row.
        var bytes = Parquet(["x"], [[1.0, 2, 3]], labels: ["alpha", "gamma", "delta"], labelName: "kind");
        var fits = Backprop.Functional.IO.Csv.LoadingBytes(3, 2) + 8 * 3 + 3 * 34;
        ReaderRefusal.Expect(ParquetTable.Parse("t.parquet", bytes, availableBytes: fits - 1), "t.parquet",
            "row group 1, column 'kind': not enough memory for the text cells");
        Assert.True(ParquetTable.Parse("t.parquet", bytes, availableBytes: fits).IsSucc);
    }
}
