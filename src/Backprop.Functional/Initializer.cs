using LanguageExt;

namespace Backprop.Functional;

/// <summary>How a layer's initial weights are drawn; biases always start at zero.</summary>
public abstract record Initializer
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>Draws out × in weights (row-major) for a layer with the given fan-in and fan-out.</summary>
    public abstract (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut);

    /// <inheritdoc/>
    public sealed override string ToString() => Name;

    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public static string Names => "normal|xavier-uniform|xavier-normal|he-normal|he-uniform";

    /// <summary>Looks a scheme up by name; <c>normal</c> is the seed's N(0, 0.01²).</summary>
    public static Fin<Initializer> Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "normal" => new NormalInitializer(0.01),
        "xavier-uniform" => new XavierUniform(),
        "xavier-normal" => new XavierNormal(),
        "he-normal" => new HeNormal(),
        "he-uniform" => new HeUniform(),
        _ => new UnknownName(Settings.InitScheme, name ?? "", Names.Split('|')),
    };
}

/// <summary>N(0, std²) whatever the layer's size: the seed notebook's scheme with std 0.01.</summary>
public sealed record NormalInitializer(double Std) : Initializer
{
    /// <inheritdoc/>
    public override string Name => "normal";

    /// <inheritdoc/>
    public override (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut) => rng.Normals(fanIn * fanOut, 0, Std);
}

/// <summary>Glorot: U(−a, a) with a = √(6 / (in + out)).</summary>
public sealed record XavierUniform : Initializer
{
    /// <inheritdoc/>
    public override string Name => "xavier-uniform";

    /// <inheritdoc/>
    public override (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        return rng.Uniforms(fanIn * fanOut, -limit, limit);
    }
}

/// <summary>Glorot: N(0, 2 / (in + out)).</summary>
public sealed record XavierNormal : Initializer
{
    /// <inheritdoc/>
    public override string Name => "xavier-normal";

    /// <inheritdoc/>
    public override (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut) =>
        rng.Normals(fanIn * fanOut, 0, Math.Sqrt(2.0 / (fanIn + fanOut)));
}

/// <summary>Kaiming: N(0, 2 / in), for relu layers.</summary>
public sealed record HeNormal : Initializer
{
    /// <inheritdoc/>
    public override string Name => "he-normal";

    /// <inheritdoc/>
    public override (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut) =>
        rng.Normals(fanIn * fanOut, 0, Math.Sqrt(2.0 / fanIn));
}

/// <summary>Kaiming: U(−a, a) with a = √(6 / in).</summary>
public sealed record HeUniform : Initializer
{
    /// <inheritdoc/>
    public override string Name => "he-uniform";

    /// <inheritdoc/>
    public override (double[] RowMajorWeights, Rng Next) Sample(Rng rng, int fanIn, int fanOut)
    {
        var limit = Math.Sqrt(6.0 / fanIn);
        return rng.Uniforms(fanIn * fanOut, -limit, limit);
    }
}
