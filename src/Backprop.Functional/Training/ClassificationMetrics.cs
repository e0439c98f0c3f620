using LanguageExt;

namespace Backprop.Functional;

/// <summary>How well one class is told apart: of the rows predicted as it, the fraction that are it; of the rows that are it, the fraction found.</summary>
/// <param name="Precision">TP / (TP + FP): 0 when nothing was predicted as the class.</param>
/// <param name="Recall">TP / (TP + FN): 0 when no row is of the class.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN), the harmonic mean of the two: 0 when the class neither occurs nor is predicted.</param>
/// <param name="Support">How many rows are of the class (TP + FN).</param>
/// <param name="Predicted">How many rows were predicted as the class (TP + FP).</param>
public sealed record ClassScores(double Precision, double Recall, double F1, int Support, int Predicted)
{
    /// <summary>Whether the class occurs among the rows or the predictions: only such classes enter a macro average.</summary>
    public bool Occurs => Support > 0 || Predicted > 0;
}

/// <summary>
/// Per-class precision, recall and F1 from a confusion matrix, and their macro averages, as pure
/// functions. A ratio whose denominator is 0 (precision of a class never predicted, recall of a
/// class that never occurs) is 0, as scikit-learn's <c>zero_division=0</c> defines it. A macro
/// average is the plain mean over the classes that occur among the rows or the predictions
/// (scikit-learn's default labels), so a class absent from an evaluated split neither lowers nor
/// raises it, and perfect predictions give 1.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>The scores of every class of <paramref name="confusion"/> (confusion[t][p] = rows of true class t predicted as p).</summary>
    public static Arr<ClassScores> PerClass(Arr<Arr<int>> confusion)
    {
        var classes = confusion.Count;
        var scores = new ClassScores[classes];
        for (var k = 0; k < classes; k++)
        {
            var truePositives = confusion[k][k];
            var support = 0;
            var predicted = 0;
            for (var j = 0; j < classes; j++)
            {
                support += confusion[k][j];
                predicted += confusion[j][k];
            }
            var (falsePositives, falseNegatives) = (predicted - truePositives, support - truePositives);
            scores[k] = new ClassScores(
                Ratio(truePositives, predicted),
                Ratio(truePositives, support),
                Ratio(2.0 * truePositives, 2.0 * truePositives + falsePositives + falseNegatives),
                support,
                predicted);
        }
        return scores.ToArr();
    }

    /// <summary>The mean of <paramref name="score"/> over the classes that occur (0 when none does).</summary>
    public static double Macro(Arr<ClassScores> perClass, Func<ClassScores, double> score)
    {
        var occurring = perClass.Filter(c => c.Occurs);
        var sum = 0.0;
        foreach (var c in occurring) sum += score(c);
        return occurring.IsEmpty ? 0 : sum / occurring.Count;
    }

    /// <summary>The macro-averaged precision.</summary>
    public static double MacroPrecision(Arr<ClassScores> perClass) => Macro(perClass, c => c.Precision);

    /// <summary>The macro-averaged recall.</summary>
    public static double MacroRecall(Arr<ClassScores> perClass) => Macro(perClass, c => c.Recall);

    /// <summary>The macro-averaged F1: the mean of the per-class F1 scores (not the F1 of the macro precision and recall).</summary>
    public static double MacroF1(Arr<ClassScores> perClass) => Macro(perClass, c => c.F1);

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;
}
