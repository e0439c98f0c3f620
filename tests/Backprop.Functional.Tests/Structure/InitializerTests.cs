using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Structure;

/// <summary>
/// Each initializer draws its out × in weights from the generator with the spread its paper gives:
/// the draws are the generator's own (so a seed fixes them), and the spread is the formula.
/// </summary>
public sealed class InitializerTests
{
    /// <summary>Fan-ins and fan-outs of 1–40 and any seed.</summary>
    public static class Fans
    {
        public static Arbitrary<(int FanIn, int FanOut, ulong Seed)> Cases() =>
            (from fanIn in Gen.Choose(1, 40)
             from fanOut in Gen.Choose(1, 40)
             from seed in Gen.Choose(0, int.MaxValue)
             select (fanIn, fanOut, (ulong)seed)).ToArbitrary();
    }

    private static Property Draws(string name, (int FanIn, int FanOut, ulong Seed) c, Func<Rng, (double[] Values, Rng Next)> expected)
    {
        var initializer = (Initializer)Initializer.Parse(name);
        var rng = Rng.FromSeed(c.Seed);
        var (weights, next) = initializer.Sample(rng, c.FanIn, c.FanOut);
        var (values, expectedNext) = expected(rng);
        return (Bits.Same(weights, values) && weights.Length == c.FanIn * c.FanOut && next == expectedNext).Label($"{name} {c}");
    }

    [Property(MaxTest = 50, Arbitrary = [typeof(Fans)])]
    public Property Normal_is_the_seed_notebooks_N_0_001((int FanIn, int FanOut, ulong Seed) c) =>
        Draws("normal", c, rng => rng.Normals(c.FanIn * c.FanOut, 0, 0.01));

    [Property(MaxTest = 50, Arbitrary = [typeof(Fans)])]
    public Property Xavier_uniform_is_U_of_the_square_root_of_6_over_in_plus_out((int FanIn, int FanOut, ulong Seed) c)
    {
        var limit = Math.Sqrt(6.0 / (c.FanIn + c.FanOut));
        return Draws("xavier-uniform", c, rng => rng.Uniforms(c.FanIn * c.FanOut, -limit, limit));
    }

    [Property(MaxTest = 50, Arbitrary = [typeof(Fans)])]
    public Property Xavier_normal_has_variance_2_over_in_plus_out((int FanIn, int FanOut, ulong Seed) c) =>
        Draws("xavier-normal", c, rng => rng.Normals(c.FanIn * c.FanOut, 0, Math.Sqrt(2.0 / (c.FanIn + c.FanOut))));

    [Property(MaxTest = 50, Arbitrary = [typeof(Fans)])]
    public Property He_normal_has_variance_2_over_in((int FanIn, int FanOut, ulong Seed) c) =>
        Draws("he-normal", c, rng => rng.Normals(c.FanIn * c.FanOut, 0, Math.Sqrt(2.0 / c.FanIn)));

    [Property(MaxTest = 50, Arbitrary = [typeof(Fans)])]
    public Property He_uniform_is_U_of_the_square_root_of_6_over_in((int FanIn, int FanOut, ulong Seed) c)
    {
        var limit = Math.Sqrt(6.0 / c.FanIn);
        return Draws("he-uniform", c, rng => rng.Uniforms(c.FanIn * c.FanOut, -limit, limit));
    }

    [Theory]
    [InlineData("normal", typeof(NormalInitializer))]
    [InlineData(" Xavier-Uniform ", typeof(XavierUniform))]
    [InlineData("XAVIER-NORMAL", typeof(XavierNormal))]
    [InlineData("he-normal", typeof(HeNormal))]
    [InlineData("He-Uniform", typeof(HeUniform))]
    public void Parse_finds_each_scheme_whatever_its_case_and_surrounding_spaces(string name, Type expected)
    {
        var initializer = (Initializer)Initializer.Parse(name);
        Assert.IsType(expected, initializer);
        Assert.Equal(name.Trim().ToLowerInvariant(), initializer.Name);
        Assert.Equal(initializer.Name, initializer.ToString());
    }

    [Fact]
    public void The_names_listed_are_the_names_parsed_and_written()
    {
        Assert.Equal("normal|xavier-uniform|xavier-normal|he-normal|he-uniform", Initializer.Names);
        foreach (var name in Initializer.Names.Split('|')) Assert.Equal(name, ((Initializer)Initializer.Parse(name)).Name);
        Assert.Equal(0.01, Assert.IsType<NormalInitializer>((Initializer)Initializer.Parse("normal")).Std);
    }

    [Theory]
    [InlineData("glorot", "unknown init scheme 'glorot' (expected normal|xavier-uniform|xavier-normal|he-normal|he-uniform)")]
    [InlineData(null, "unknown init scheme '' (expected normal|xavier-uniform|xavier-normal|he-normal|he-uniform)")]
    public void An_unknown_name_is_refused_with_the_names_known(string? name, string message)
    {
        var refusal = Assert.IsType<UnknownName>(Initializer.Parse(name!).Match(_ => null!, e => e));
        Assert.Equal(Settings.InitScheme, refusal.Setting);
        Assert.Equal(message, refusal.Message);
    }
}
