using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>The learning rate as a pure function of the optimizer's step count (0 for the first step).</summary>
public abstract record Schedule
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate for step <paramref name="step"/>.</summary>
    public abstract double At(long step);

    /// <summary>The learning rate of the first step.</summary>
    public abstract double InitialRate { get; }

    /// <summary>The names accepted on the command line.</summary>
    public static string Names => "constant|step|cosine";

    /// <summary>Builds a schedule by name.</summary>
    /// <param name="name">constant, step or cosine.</param>
    /// <param name="rate">The initial learning rate.</param>
    /// <param name="decaySteps">step: how many steps between decays; cosine: steps from start to the floor.</param>
    /// <param name="decayRate">step: the factor applied every <paramref name="decaySteps"/>; cosine: the floor as a fraction of <paramref name="rate"/>.</param>
    public static Fin<Schedule> Create(string name, double rate, long decaySteps, double decayRate)
    {
        if (!(rate > 0) || double.IsInfinity(rate)) return new OutOfRange(Settings.LearningRate, rate, "> 0 and finite");
        return name?.Trim().ToLowerInvariant() switch
        {
            "constant" => new ConstantSchedule(rate),
            "step" when decaySteps <= 0 => new Conflict([Settings.Schedule, Settings.DecaySteps], $"{{0}} step needs {{1}} ≥ 1 (got {decaySteps})"),
            "step" when !(decayRate > 0 && decayRate <= 1) => new OutOfRange(Settings.DecayRate, decayRate, "in (0, 1] for the step schedule"),
            "step" => new StepSchedule(rate, decaySteps, decayRate),
            "cosine" when decaySteps <= 0 => new Conflict([Settings.Schedule, Settings.DecaySteps], $"{{0}} cosine needs {{1}} ≥ 1 (got {decaySteps})"),
            "cosine" when !(decayRate >= 0 && decayRate <= 1) => new OutOfRange(Settings.DecayRate, decayRate, "in [0, 1] for the cosine schedule"),
            "cosine" => new CosineSchedule(rate, decaySteps, decayRate),
            _ => new UnknownName(Settings.Schedule, name ?? "", Names.Split('|')),
        };
    }
}

/// <summary>The same rate at every step.</summary>
public sealed record ConstantSchedule(double Rate) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override double InitialRate => Rate;

    /// <inheritdoc/>
    public override double At(long step) => Rate;
}

/// <summary>rate · factor^⌊step / every⌋.</summary>
public sealed record StepSchedule(double Rate, long Every, double Factor) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "step";

    /// <inheritdoc/>
    public override double InitialRate => Rate;

    /// <inheritdoc/>
    public override double At(long step) => Rate * DeterministicMath.PowInt(Factor, step / Every);
}

/// <summary>Cosine decay from rate to rate·floor over <see cref="Steps"/> steps, then flat (Loshchilov and Hutter).</summary>
public sealed record CosineSchedule(double Rate, long Steps, double Floor) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "cosine";

    /// <inheritdoc/>
    public override double InitialRate => Rate;

    /// <inheritdoc/>
    public override double At(long step)
    {
        var progress = Math.Min(step, Steps) / (double)Steps;
        var cosine = 0.5 * (1 + DeterministicMath.CosPi(progress));
        return Rate * (Floor + (1 - Floor) * cosine);
    }
}
