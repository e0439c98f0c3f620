using System.Numerics;
using LanguageExt;
using LanguageExt.Common;
using Parquet;
using Parquet.Schema;

namespace Backprop.Functional.IO;

/// <summary>
/// A Parquet file read through Parquet.Net into the same <see cref="CsvTable"/> a CSV file becomes,
/// so the same schema rules, refusals and fingerprint apply: numeric columns as numbers (a NaN or
/// an infinity refused as the same text would be), string columns as text (numbers in them parsed
/// as in a CSV file), nulls as empty cells. Nested, list and other columns are refused by name.
/// A refusal's "line N" is data row N, counted from 1.
/// </summary>
public static class ParquetTable
{
    /// <summary>Whether <paramref name="path"/> names a Parquet file (by its extension).</summary>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a Parquet file's bytes; every refusal names <paramref name="source"/>.</summary>
    public static Fin<CsvTable> Parse(string source, byte[] bytes, long? availableBytes = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Parse(source, stream, availableBytes);
    }

    /// <summary>
    /// Parses a Parquet file from a seekable stream, one row group at a time; the rows its footer
    /// promises are checked against the memory (<see cref="Csv.LoadingBytes"/>) before any column is sized.
    /// </summary>
    public static Fin<CsvTable> Parse(string source, Stream stream, long? availableBytes = null)
    {
        try
        {
            return ParseAsync(source, stream, availableBytes).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Error.New($"{source}: not a Parquet file that can be read ({Quote.Escape(e.Message.Split('\n')[0], 200)})");
        }
    }

    private static async Task<Fin<CsvTable>> ParseAsync(string source, Stream stream, long? availableBytes)
    {
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.Fields;
        var dataFields = new DataField[fields.Count];
        var names = new string[fields.Count];
        var columnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Name.Trim();
            if (name.Length == 0) return Error.New($"{source}: column {i + 1} has no name");
            if (name.Length > Csv.MaxNameLength)
                return Error.New($"{source}: column {i + 1} ({Quote.Value(name)}): a column name of {name.Length:N0} characters is longer than the {Csv.MaxNameLength:N0} a name may have");
            if (!columnOf.TryAdd(name, i))
                return Error.New($"{source}: column name {Quote.Value(name)} appears twice in the schema (columns {columnOf[name] + 1} and {i + 1})");
            if (fields[i] is not DataField { IsArray: false } field || !IsReadable(field.ClrType))
                return Error.New($"{source}: column {Quote.Value(name)} is {Describe(fields[i])}; only numbers and text are read");
            (dataFields[i], names[i]) = (field, name);
        }
        var total = reader.RowGroups.Sum(g => g.RowCount);
        if (total > Array.MaxLength) return Error.New($"{source}: {total:N0} rows are more than one table can hold");
        if (Csv.Fits(source, total, fields.Count, availableBytes).Failed(out var tooBig, out _)) return tooBig;
        var rows = (int)total;
        var budget = TextBudget.For(rows, fields.Count, availableBytes);
        var columns = Enumerable.Range(0, fields.Count).Select(_ => new CsvColumn(rows, budget)).ToArray();
        var start = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            for (var c = 0; c < columns.Length; c++)
            {
                await ReadColumn(group, dataFields[c], columns[c], start, count);
                if (budget.Spent) return budget.Refusal($"{source}: row group {g + 1}, column {Quote.Value(names[c])}");
            }
            start += count;
        }
        var lines = Enumerable.Range(1, rows).ToArray();
        return new CsvTable(source, names.ToArr(), columns, lines, rows);
    }

    private static bool IsReadable(Type type) =>
        IsText(type) || type == typeof(double) || type == typeof(float) || type == typeof(decimal) ||
        type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte) ||
        type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(byte);

    /// <summary>Parquet.Net 6 gives a string column's type as ReadOnlyMemory&lt;char&gt;; older writers' as string.</summary>
    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static string Describe(Field field) => field switch
    {
        DataField { IsArray: true } => "a list",
        DataField data => $"of type {data.ClrType.Name}",
        _ => $"a {field.SchemaType.ToString().ToLowerInvariant()}",
    };

    private static Task ReadColumn(ParquetRowGroupReader group, DataField field, CsvColumn column, int start, int count)
    {
        var type = field.ClrType;
        if (IsText(type)) return ReadText(group, field, column, start, count);
        if (type == typeof(double)) return ReadNumbers<double>(group, field, column, start, count);
        if (type == typeof(float)) return ReadNumbers<float>(group, field, column, start, count);
        if (type == typeof(decimal)) return ReadNumbers<decimal>(group, field, column, start, count);
        if (type == typeof(long)) return ReadNumbers<long>(group, field, column, start, count);
        if (type == typeof(int)) return ReadNumbers<int>(group, field, column, start, count);
        if (type == typeof(short)) return ReadNumbers<short>(group, field, column, start, count);
        if (type == typeof(sbyte)) return ReadNumbers<sbyte>(group, field, column, start, count);
        if (type == typeof(ulong)) return ReadNumbers<ulong>(group, field, column, start, count);
        if (type == typeof(uint)) return ReadNumbers<uint>(group, field, column, start, count);
        if (type == typeof(ushort)) return ReadNumbers<ushort>(group, field, column, start, count);
        return ReadNumbers<byte>(group, field, column, start, count);
    }

    private static async Task ReadText(ParquetRowGroupReader group, DataField field, CsvColumn column, int start, int count)
    {
        var values = new string?[count];
        await group.ReadAsync(field, values.AsMemory(), null);
        for (var r = 0; r < count; r++) column.Add(start + r, values[r] ?? "");
    }

    private static async Task ReadNumbers<T>(ParquetRowGroupReader group, DataField field, CsvColumn column, int start, int count)
        where T : struct, INumberBase<T>
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync<T>(field, values.AsMemory(), null);
            for (var r = 0; r < count; r++)
            {
                if (values[r] is { } value) column.AddNumber(start + r, double.CreateChecked(value));
                else column.Add(start + r, "");
            }
            return;
        }
        var numbers = new T[count];
        await group.ReadAsync<T>(field, numbers.AsMemory(), null);
        for (var r = 0; r < count; r++) column.AddNumber(start + r, double.CreateChecked(numbers[r]));
    }
}
