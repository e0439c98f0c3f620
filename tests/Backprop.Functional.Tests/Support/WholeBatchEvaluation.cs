using LanguageExt;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// The test oracle for <see cref="Evaluation"/>: what it computed before it streamed, one forward
/// pass over every row and the losses' and metrics' own whole-matrix functions on its output.
/// The runs and metrics.csv files written then must still verify, so the streamed evaluation
/// must give these bits.
/// </summary>
public static class WholeBatchEvaluation
{
    /// <summary>The evaluation of <paramref name="network"/> on <paramref name="data"/>, its outputs mapped back through <paramref name="targetScaling"/> when given.</summary>
    public static Evaluation Of(Network network, Loss loss, Dataset data, TaskKind task, Option<Standardization> targetScaling = default) =>
        Evaluation.WholeBatch(network, loss, data, task, targetScaling);

    /// <summary>Where two evaluations differ in any bit of any figure (null when they do not).</summary>
    public static string? Difference(Evaluation a, Evaluation b)
    {
        static bool Same(double? x, double? y) => x is null ? y is null : y is not null && Bits.Same(x.Value, y.Value);
        static string Text(Evaluation e) => string.Join("|", e.Confusion.Map(r => string.Join(",", r)));
        if (!Bits.Same(a.Loss, b.Loss)) return $"loss {a.Loss:R} vs {b.Loss:R}";
        if (!Same(a.Accuracy, b.Accuracy)) return $"accuracy {a.Accuracy:R} vs {b.Accuracy:R}";
        if (Text(a) != Text(b)) return $"confusion {Text(a)} vs {Text(b)}";
        if (!Same(a.RootMeanSquaredError, b.RootMeanSquaredError)) return $"rmse {a.RootMeanSquaredError:R} vs {b.RootMeanSquaredError:R}";
        if (!Same(a.MeanAbsoluteError, b.MeanAbsoluteError)) return $"mae {a.MeanAbsoluteError:R} vs {b.MeanAbsoluteError:R}";
        if (!Same(a.RSquared, b.RSquared)) return $"r2 {a.RSquared:R} vs {b.RSquared:R}";
        if (!a.PerClass.SequenceEqual(b.PerClass)) return "per-class scores differ";
        return null;
    }
}
