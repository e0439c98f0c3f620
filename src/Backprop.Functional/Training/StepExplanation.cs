using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Every intermediate value of one training step, for people who want to follow backprop with
/// numbers: the forward trace, the loss, each layer's backward quantities and, when an optimizer
/// and its state are known, its updates and the network after them.
/// </summary>
/// <param name="Network">The network before the step.</param>
/// <param name="Inputs">The batch's inputs.</param>
/// <param name="Targets">The batch's targets.</param>
/// <param name="Loss">The loss function.</param>
/// <param name="Trace">The forward pass.</param>
/// <param name="LossValue">The loss before the step.</param>
/// <param name="Backward">The backward pass, output layer first.</param>
/// <param name="Update">The optimizer's step; null when there is no optimizer state to take it from.</param>
public sealed record StepExplanation(
    Network Network,
    Matrix<double> Inputs,
    Matrix<double> Targets,
    Loss Loss,
    ForwardTrace Trace,
    double LossValue,
    Arr<BackwardStep> Backward,
    StepUpdate? Update)
{
    /// <summary>Runs one step of <paramref name="optimizer"/> from <paramref name="state"/> and keeps everything it computed.</summary>
    public static StepExplanation Of(Network network, Loss loss, Optimizer optimizer, OptimizerState state, Dataset batch)
    {
        var explained = Of(network, loss, batch);
        var gradients = new Gradients(explained.Backward.OrderBy(s => s.Layer).Select(s => s.Gradients).ToArr());
        var (updates, _) = optimizer.Update(gradients, state, network);
        return explained with { Update = new StepUpdate(optimizer, updates, Functional.Updates.Apply(network, updates)) };
    }

    /// <summary>
    /// The forward pass, loss and backward pass only: without the optimizer's state (a model file
    /// has none) any update shown would be made up.
    /// </summary>
    public static StepExplanation Of(Network network, Loss loss, Dataset batch)
    {
        var trace = Forward.Run(network, batch.Inputs);
        var steps = Functional.Backward.Steps(network, trace, batch.Targets, loss).ToArr();
        return new StepExplanation(network, batch.Inputs, batch.Targets, loss, trace, loss.Value(trace.OutputLayer, batch.Targets), steps, null);
    }
}

/// <summary>What one optimizer step does to the network.</summary>
/// <param name="Optimizer">The optimizer that took it (its <see cref="Optimizer.Transformation"/> says how).</param>
/// <param name="Updates">What the optimizer adds to each weight and bias.</param>
/// <param name="Next">The network after the step.</param>
public sealed record StepUpdate(Optimizer Optimizer, Gradients Updates, Network Next);
