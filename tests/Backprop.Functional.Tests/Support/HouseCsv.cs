using System.Globalization;
using System.Text;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A synthetic, house-price-like regression data set, drawn deterministically from a seed (the
/// project's own generator, so the same text on every machine and .NET version): 8 features in
/// the style of the California housing data (income, age, rooms, bedrooms, population,
/// occupancy, latitude, longitude) and a price in dollars, a nonlinear function of them (a
/// saturating income effect, a coastal premium, two city centres, an interaction of rooms and
/// income, crowding) plus Gaussian noise. Prices are in the hundreds of thousands, which is what
/// target standardization is for. <c>examples/data/houses.csv</c> is <c>Text(500, 2026)</c>.
/// </summary>
public static class HouseCsv
{
    /// <summary>The header line's columns.</summary>
    public const string Header = "income,age,rooms,bedrooms,population,occupancy,latitude,longitude,price";

    /// <summary>The rows of the README's example file.</summary>
    public const int ExampleRows = 500;

    /// <summary>The seed of the README's example file.</summary>
    public const ulong ExampleSeed = 2026;

    /// <summary>
    /// The 2,000 houses of the regression target test, written as two files in <paramref name="dir"/>:
    /// the first 1,600 rows to train on and the last 400 held out (the rows are independent draws,
    /// so the cut is a random split). Returns both paths.
    /// </summary>
    public static (string Train, string HeldOut) WriteSplit(TempDirectory dir)
    {
        var lines = Text(2000, 1).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var train = dir.Write("houses-train.csv", string.Join("\n", lines.Take(1601)) + "\n");
        var heldOut = dir.Write("houses-held-out.csv", string.Join("\n", lines.Take(1).Concat(lines.Skip(1601))) + "\n");
        return (train, heldOut);
    }

    /// <summary>The price column of a file <see cref="Text"/> wrote.</summary>
    public static double[] Prices(string path) =>
        File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The CSV text of <paramref name="rows"/> houses drawn from <paramref name="seed"/>.</summary>
    public static string Text(int rows, ulong seed)
    {
        var rng = Rng.FromSeed(seed);
        double[] Normals() { (var values, rng) = rng.Normals(rows, 0, 1); return values; }
        double[] Uniforms() { (var values, rng) = rng.Uniforms(rows, 0, 1); return values; }
        var (z1, z2, z3, z4, z5, noise) = (Normals(), Normals(), Normals(), Normals(), Normals(), Normals());
        var (u1, u2, u3) = (Uniforms(), Uniforms(), Uniforms());

        var text = new StringBuilder(Header).Append('\n');
        for (var r = 0; r < rows; r++)
        {
            var income = Math.Round(Math.Exp(1.15 + 0.45 * z1[r]), 4);
            var age = 1 + Math.Floor(u1[r] * 52);
            var rooms = Math.Round(Math.Max(2, 4.2 + 0.45 * income + 0.9 * z2[r]), 3);
            var bedrooms = Math.Round(Math.Max(0.5, 0.19 * rooms + 0.08 * z3[r]), 3);
            var population = Math.Round(Math.Exp(6.9 + 0.75 * z4[r]));
            var occupancy = Math.Round(1.5 + Math.Exp(0.3 + 0.35 * z5[r]), 3);
            var latitude = Math.Round(41.9 - 9.3 * u2[r], 3);
            var inland = 3.5 * Math.Pow(u3[r], 1.5);
            var longitude = Math.Round(-124.2 + (41.9 - latitude) * 0.85 + inland, 3);

            double City(double lat, double lon, double width) =>
                Math.Exp(-((latitude - lat) * (latitude - lat) + (longitude - lon) * (longitude - lon)) / width);
            var price = 40_000
                + 39_000 * income * (1 - income / 40)
                + 110_000 * Math.Exp(-inland / 0.5)
                + 70_000 * City(34.05, -118.25, 0.8)
                + 90_000 * City(37.77, -122.42, 0.5)
                + 1_500 * (rooms - 5) * income / 3
                - 4_000 * (occupancy - 3) * (occupancy - 3)
                - 300 * (age - 25) * Math.Exp(-inland)
                - 8 * Math.Sqrt(population)
                + 14_000 * noise[r];
            price = Math.Round(Math.Max(15_000, price) / 100) * 100;

            text.Append(string.Join(",", new[] { income, age, rooms, bedrooms, population, occupancy, latitude, longitude, price }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }
        return text.ToString();
    }
}
