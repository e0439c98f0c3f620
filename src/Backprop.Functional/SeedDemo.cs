namespace Backprop.Functional;

/// <summary>
/// The seed notebook's experiment: one sample x ~ N(0, 1) of size 10 and target y ~ N(0, 1)
/// of size 2, then the 10-32×6-2 sigmoid network with weights ~ N(0, 0.01²), all drawn from one
/// generator in that order, as the notebook draws them.
/// </summary>
public static class SeedDemo
{
    /// <summary>The notebook's alpha was 0.01 on the gradient of ½·sum; for ½·mean over 2 outputs the same steps need 0.02.</summary>
    public const double LearningRate = 0.02;

    /// <summary>The notebook's epoch count.</summary>
    public const int Epochs = 200;

    /// <summary>The sample (x, y) drawn first from a fresh generator, and the generator after them.</summary>
    public static (Dataset Data, Rng Next) Sample(Rng rng, int inputs, int outputs)
    {
        var (x, afterX) = rng.Normals(inputs, 0, 1);
        var (y, afterY) = afterX.Normals(outputs, 0, 1);
        return (Dataset.OneSample(x, y), afterY);
    }
}
