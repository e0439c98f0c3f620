namespace Backprop.Functional;

/// <summary>
/// Optax's <c>scale_by_learning_rate</c>: the descent step −(lr·u) with the rate of the
/// <see cref="Schedule"/> at this step, negated by flipping the sign bit (so −(lr·0) is −0, as
/// θ − lr·g would round it). <see cref="Updates.Apply"/> then adds it: θ + −(lr·u) = θ − lr·u exactly.
/// </summary>
public sealed record ScaleByLearningRate(Schedule Schedule) : StatelessTransformation
{
    /// <inheritdoc/>
    public override Gradients Update(Gradients updates, Network parameters, long count) =>
        updates.DescentSteps(Schedule.At(count));
}
