namespace Backprop.Functional;

/// <summary>The outcome of one step: the next state and the batch's loss measured before the step.</summary>
public sealed record Stepped(TrainState State, double Loss);

/// <summary>The outcome of one epoch: the next state and the mean of its batches' losses (each measured before its step).</summary>
public sealed record EpochResult(TrainState State, double Loss);

/// <summary>
/// Training as pure functions: <see cref="Step"/> = forward, loss, backward, optimizer update,
/// apply; <see cref="Epoch"/> folds <see cref="Step"/> over the shuffled batches of one pass.
/// The shell folds <see cref="Epoch"/> over the epochs.
/// </summary>
public static class Training
{
    /// <summary>One gradient step on one batch.</summary>
    public static Stepped Step(TrainConfig config, TrainState state, Dataset batch)
    {
        var trace = Forward.Run(state.Network, batch.Inputs);
        var loss = config.Loss.Value(trace.OutputLayer, batch.Targets);
        var gradients = Backward.Run(state.Network, trace, batch.Targets, config.Loss);
        var (updates, optimizer) = config.Optimizer.Update(gradients, state.Optimizer, state.Network);
        var next = state with { Network = Updates.Apply(state.Network, updates), Optimizer = optimizer, Step = state.Step + 1 };
        return new Stepped(next, loss);
    }

    /// <summary>
    /// One pass over <paramref name="data"/>. With mini-batches the rows are shuffled by the
    /// state's generator (whose next value is kept in the result, so a replay shuffles the same
    /// way); a single full batch keeps the rows in order and leaves the generator untouched.
    /// </summary>
    public static EpochResult Epoch(TrainConfig config, TrainState state, Dataset data)
    {
        var batchRows = config.BatchRows(data.Rows);
        if (batchRows == data.Rows)
        {
            var full = Step(config, state, data);
            return new EpochResult(full.State with { Epoch = state.Epoch + 1 }, full.Loss);
        }

        var (order, rng) = state.Rng.Permutation(data.Rows);
        var indices = order.ToArray();
        var current = state with { Rng = rng };
        var weightedLoss = 0.0;
        for (var start = 0; start < data.Rows; start += batchRows)
        {
            var rows = Math.Min(batchRows, data.Rows - start);
            var stepped = Step(config, current, data.Select(indices.AsSpan(start, rows)));
            weightedLoss += stepped.Loss * rows;
            current = stepped.State;
        }
        return new EpochResult(current with { Epoch = state.Epoch + 1 }, weightedLoss / data.Rows);
    }

    /// <summary>The loss of <paramref name="network"/> on <paramref name="data"/> without training.</summary>
    public static double Loss(Network network, Loss loss, Dataset data) =>
        loss.Value(Forward.Run(network, data.Inputs).OutputLayer, data.Targets);

    /// <summary>The gradient of the mean loss over every row of <paramref name="data"/>.</summary>
    public static Gradients Gradient(Network network, Loss loss, Dataset data) =>
        Backward.Run(network, Forward.Run(network, data.Inputs), data.Targets, loss);
}
