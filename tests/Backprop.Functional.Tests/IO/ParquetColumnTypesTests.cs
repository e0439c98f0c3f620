using System.Numerics;
using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using Parquet;
using Parquet.Schema;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// Every numeric type Parquet.Net reads loads as the CSV file with the same numbers does, whether
/// the column is required or nullable (a null is an empty cell) and whatever row groups hold the
/// rows; a schema the reader cannot take is refused naming the column.
/// </summary>
public sealed class ParquetColumnTypesTests
{
    private static readonly double[] Whole = [0, 1, 7, 100, 12];
    private static readonly double[] Fractions = [0.5, 1.25, 7, 100, 12.75];
    private static readonly double[] Target = [1, 2, 3, 4, 5];

    [Fact]
    public void Required_and_nullable_columns_of_every_numeric_type_load_as_the_csv_with_the_same_numbers()
    {
        Same<double>(Fractions);
        Same<float>(Fractions);
        Same<decimal>(Fractions);
        Same<long>(Whole);
        Same<int>(Whole);
        Same<short>(Whole);
        Same<sbyte>(Whole);
        Same<ulong>(Whole);
        Same<uint>(Whole);
        Same<ushort>(Whole);
        Same<byte>(Whole);
    }

    /// <summary>A column x of <typeparamref name="T"/> beside the target y, as Parquet (rows 1–2 and 3–5 in two row groups) and as CSV: the same outcome, required or nullable, with a null or without.</summary>
    private static void Same<T>(double[] numbers)
        where T : struct, INumberBase<T>
    {
        var values = numbers.Select(T.CreateChecked).ToArray();
        var texts = numbers.Select(n => n.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Outcome(Csv(texts)), Outcome(Parquet(new DataField<T>("x"), (group, x, start, count) => group.WriteAsync<T>(x, values.AsMemory(start, count), null))));
        T?[] withNull = [.. values.Select((v, r) => r == 3 ? (T?)null : v)];
        // A Parquet refusal counts data rows (row 4), a CSV refusal lines (line 5, after the header).
        Assert.Equal(Outcome(Csv([.. texts.Select((t, r) => r == 3 ? "" : t)])).Replace("line 5,", "line 4,"), Outcome(Parquet(new DataField<T?>("x"), (group, x, start, count) => group.WriteAsync<T>(x, withNull.AsMemory(start, count), null))));
        T?[] noNull = [.. values.Select(v => (T?)v)];
        Assert.Equal(Outcome(Csv(texts)), Outcome(Parquet(new DataField<T?>("x"), (group, x, start, count) => group.WriteAsync<T>(x, noNull.AsMemory(start, count), null))));
    }

    [Fact]
    public void A_null_in_a_text_column_is_an_empty_cell()
    {
        // Numbers written as text are read as in a CSV file; the null is the first cell that is not one.
        string?[] texts = ["1", "2", "3", null, "5"];
        var parquet = Outcome(Parquet(new DataField<string>("x"), (group, x, start, count) => group.WriteAsync(x, texts[start..(start + count)], null)));
        Assert.Equal(Outcome(Csv(["1", "2", "3", "", "5"])).Replace("line 5,", "line 4,"), parquet);
        Assert.Contains("line 4, column 'x': the cell is empty", parquet);
    }

    /// <summary>Parses x (written by <paramref name="writeX"/>) and the double target y in two row groups: rows 1–2, then 3–5.</summary>
    private static Fin<CsvTable> Parquet(DataField x, Func<ParquetRowGroupWriter, DataField, int, int, Task> writeX)
    {
        var y = new DataField<double>("y");
        return ParquetTable.Parse("t.parquet", ParquetBytes.Of(new ParquetSchema(x, y), async writer =>
        {
            foreach (var (start, count) in new[] { (0, 2), (2, 3) })
            {
                using var group = writer.CreateRowGroup();
                await writeX(group, x, start, count);
                await group.WriteAsync<double>(y, Target.AsMemory(start, count), null);
            }
        }));
    }

    private static Fin<CsvTable> Csv(string[] x) =>
        global::Backprop.Functional.IO.Csv.Parse("t.csv", Encoding.UTF8.GetBytes("x,y\n" + string.Concat(x.Select((t, r) => $"{t},{Target[r]}\n"))));

    /// <summary>The loaded data's fingerprint, or the refusal as a CSV file of the same name would word it.</summary>
    private static string Outcome(Fin<CsvTable> table) =>
        table.Bind(t => TabularData.Load(t, ["y"], TaskKind.Regression)).Match(
            loaded => Fingerprint.Of(loaded.Data),
            error => error.Message.Replace("t.parquet", "t.csv"));

    private static Fin<CsvTable> Schema(params Field[] fields) =>
        ParquetTable.Parse("t.parquet", ParquetBytes.Of(new ParquetSchema(fields), async writer =>
        {
            using var group = writer.CreateRowGroup();
            foreach (var field in fields.Cast<DataField>())
            {
                if (field.ClrType == typeof(bool)) await group.WriteAsync<bool>(field, new[] { true }.AsMemory(), null);
                else await group.WriteAsync<double>(field, new[] { 1.0 }.AsMemory(), null);
            }
        }));

    [Fact]
    public void A_column_whose_name_is_blank_is_refused_by_its_number() =>
        ReaderRefusal.Expect(Schema(new DataField<double>("a"), new DataField<double>("  ")), "t.parquet", "column 2 has no name");

    [Fact]
    public void A_column_name_longer_than_a_name_may_be_is_refused()
    {
        var name = new string('n', global::Backprop.Functional.IO.Csv.MaxNameLength + 1);
        ReaderRefusal.Expect(Schema(new DataField<double>("a"), new DataField<double>(name)), "t.parquet",
            "column 2 ('nnn", "a column name of 1,025 characters is longer than the 1,024 a name may have");
        Assert.True(Schema(new DataField<double>("a"), new DataField<double>(name[1..])).IsSucc);
    }

    [Fact]
    public void Two_columns_whose_names_are_the_same_once_trimmed_are_refused_by_both_numbers() =>
        ReaderRefusal.Expect(Schema(new DataField<double>("a"), new DataField<double>("x"), new DataField<double>(" x")), "t.parquet",
            "column name 'x' appears twice in the schema (columns 2 and 3)");

    [Fact]
    public void A_list_column_and_a_struct_column_are_refused_as_such()
    {
        static Fin<CsvTable> Parse<TRow>(TRow row)
        {
            using var stream = new MemoryStream();
            Task.Run(() => global::Parquet.Serialization.ParquetSerializer.SerializeAsync(new[] { row }, stream)).GetAwaiter().GetResult();
            return ParquetTable.Parse("t.parquet", stream.ToArray());
        }
        var message = ReaderRefusal.Expect(Parse(new NestedRow { A = 1, Readings = [1, 2] }), "t.parquet", "column 'Readings' is a list; only numbers and text are read");
        Assert.DoesNotContain("Place", message);
        ReaderRefusal.Expect(Parse(new StructRow { A = 1 }), "t.parquet", "column 'Place' is a struct; only numbers and text are read");
    }

    [Fact]
    public void A_column_of_a_type_that_is_not_a_number_or_text_is_refused_by_name_and_type() =>
        ReaderRefusal.Expect(Schema(new DataField<double>("a"), new DataField<bool>("flag")), "t.parquet",
            "column 'flag' is of type Boolean; only numbers and text are read");

    /// <summary>A row of a file with a list column and a struct column, as Parquet.Net's serializer writes them.</summary>
    public sealed class NestedRow
    {
        public double A { get; set; }

        public List<double> Readings { get; set; } = [];

        public Point Place { get; set; } = new();
    }

    /// <summary>A struct column's fields.</summary>
    public sealed class Point
    {
        public double X { get; set; }
    }

    /// <summary>A row of a file whose second column is a struct.</summary>
    public sealed class StructRow
    {
        public double A { get; set; }

        public Point Place { get; set; } = new();
    }
}
