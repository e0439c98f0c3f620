namespace Backprop.Functional;

/// <summary>
/// Everything that changes during training, as one immutable value (Flax's TrainState):
/// completed epochs, completed steps, the network, the optimizer's state, the generator that
/// will shuffle the next epoch, and how many non-finite updates were skipped. Saving it and
/// loading it back resumes to the same bits.
/// </summary>
public sealed record TrainState(int Epoch, long Step, Network Network, OptimizerState Optimizer, Rng Rng, int SkippedSteps = 0)
{
    /// <summary>The state before any step: epoch 0, the optimizer's initial state.</summary>
    public static TrainState Initial(Network network, Optimizer optimizer, Rng rng) =>
        new(0, 0, network, optimizer.Init(network), rng);
}
