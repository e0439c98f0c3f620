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
        var next = Functional.Updates.Apply(network, updates);
        var elements = Enumerable.Range(0, network.Layers.Count).Select(layer => ElementUpdate.Of(optimizer, state, network, gradients, updates, next, layer)).ToArr();
        return explained with { Update = new StepUpdate(optimizer, updates, next) { Step = state.Count + 1, Elements = elements } };
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
public sealed record StepUpdate(Optimizer Optimizer, Gradients Updates, Network Next)
{
    /// <summary>Which update this is: t = 1 for the first (the optimizer state's count + 1).</summary>
    public long Step { get; init; }

    /// <summary>The update of one weight per layer, W[0,0], followed through every transformation of the optimizer.</summary>
    public Arr<ElementUpdate> Elements { get; init; }
}

/// <summary>
/// One weight's update followed through the optimizer's chain: its gradient, then for each
/// transformation the rule, the incoming and outgoing u and its slots before and after (the
/// optimizer state's tensors at this element), and the resulting change of the weight.
/// </summary>
/// <param name="Layer">The layer.</param>
/// <param name="Row">The weight's row (output unit).</param>
/// <param name="Column">The weight's column (input unit).</param>
/// <param name="Before">θ before the step.</param>
/// <param name="Gradient">g = dL/dθ.</param>
/// <param name="Steps">Each transformation's part, first applied first.</param>
/// <param name="Delta">Δθ: the update the optimizer adds to θ.</param>
/// <param name="After">θ after the step.</param>
public sealed record ElementUpdate(int Layer, int Row, int Column, double Before, double Gradient, Arr<ElementStep> Steps, double Delta, double After)
{
    /// <summary>"W0[0,0]".</summary>
    public string Name => $"W{Layer}[{Row},{Column}]";

    /// <summary>Follows weight [0,0] of <paramref name="layer"/> through the chain of <paramref name="optimizer"/>, from <paramref name="state"/>.</summary>
    public static ElementUpdate Of(Optimizer optimizer, OptimizerState state, Network network, Gradients gradients, Gradients updates, Network next, int layer)
    {
        double At(Gradients g) => g.Layers[layer].Weight[0, 0];
        var chain = optimizer.Transformation;
        var states = chain.StateOf([.. chain.SlotNames.Select(state.Slot)]).States;
        var incoming = gradients;
        var steps = new List<ElementStep>();
        for (var i = 0; i < chain.Parts.Count; i++)
        {
            var part = chain.Parts[i];
            var (outgoing, after) = part.Update(incoming, states[i], network, state.Count);
            var slots = part.SlotNames.Select((name, j) => new SlotChange(name, At(states[i].Slots[j]), At(after.Slots[j]))).ToArr();
            var derived = TransformationRules.Derived(part, state.Count, slots.ToDictionary(s => s.Slot, s => s.After));
            steps.Add(new ElementStep(TransformationRules.Of(part, state.Count, incoming), At(incoming), At(outgoing), slots, derived.ToArr()));
            incoming = outgoing;
        }
        return new ElementUpdate(layer, 0, 0, network.Layers[layer].Weight[0, 0], At(gradients), steps.ToArr(), At(updates), next.Layers[layer].Weight[0, 0]);
    }
}

/// <summary>One transformation's part in one element's update.</summary>
/// <param name="Rule">The transformation's rule and constants.</param>
/// <param name="In">The incoming u at the element.</param>
/// <param name="Out">The outgoing u at the element.</param>
/// <param name="Slots">Its slots at the element, before and after.</param>
/// <param name="Derived">Values it derives at the element (Adam's m̂ and v̂).</param>
public sealed record ElementStep(TransformationRule Rule, double In, double Out, Arr<SlotChange> Slots, Arr<(string Symbol, double Value)> Derived);

/// <summary>A slot's value at one element, before and after the update.</summary>
/// <param name="Slot">The slot's name in the optimizer state ("velocity", "m", "v", "v_max").</param>
/// <param name="Before">Its value before.</param>
/// <param name="After">Its value after.</param>
public sealed record SlotChange(string Slot, double Before, double After);
