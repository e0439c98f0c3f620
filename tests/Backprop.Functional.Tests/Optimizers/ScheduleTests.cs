using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>A schedule is a pure function of the step.</summary>
public sealed class ScheduleTests
{
    private static readonly Schedule[] Schedules =
    [
        new ConstantSchedule(0.1), new StepSchedule(0.1, 7, 0.5), new CosineSchedule(0.1, 50, 0.01),
    ];

    [Property(MaxTest = 500)]
    public Property A_schedule_gives_the_same_rate_for_a_step_whatever_was_asked_before(NonNegativeInt a, NonNegativeInt b)
    {
        var ok = Schedules.All(s =>
        {
            var first = s.At(a.Get);
            _ = s.At(b.Get);
            return BitConverter.DoubleToInt64Bits(first) == BitConverter.DoubleToInt64Bits(s.At(a.Get)) && first > 0;
        });
        return ok.Label("a rate changed between calls or was not positive");
    }

    [Property(MaxTest = 300)]
    public Property Decaying_schedules_never_increase(NonNegativeInt step) =>
        Schedules.All(s => s.At(step.Get + 1) <= s.At(step.Get)).Label("the rate went up");

    [Fact]
    public void Step_and_cosine_schedules_hit_their_published_values()
    {
        var step = new StepSchedule(0.1, 7, 0.5);
        Assert.Equal(0.1, step.At(0));
        Assert.Equal(0.1, step.At(6));
        Assert.Equal(0.05, step.At(7));
        Assert.Equal(0.025, step.At(14));
        var cosine = new CosineSchedule(0.1, 50, 0.01);
        Assert.Equal(0.1, cosine.At(0));
        Assert.Equal(0.1 * (0.01 + 0.99 * 0.5), cosine.At(25), 1e-17);
        Assert.Equal(0.1 * 0.01, cosine.At(50), 1e-18);
        Assert.Equal(cosine.At(50), cosine.At(500));
    }

    [Fact]
    public void Sgd_reads_its_rate_from_the_schedule_at_each_step()
    {
        var schedule = new StepSchedule(1.0, 1, 0.5);
        var optimizer = new Sgd(schedule);
        var gradients = Gradients.Zero(new Support.NetworkCase([1, 1], ["identity"], 1, 1).Network).Map(_ => 1.0);
        var state = optimizer.Init(new Support.NetworkCase([1, 1], ["identity"], 1, 1).Network);
        var rates = new List<double>();
        for (var t = 0; t < 4; t++)
        {
            (var updates, state) = optimizer.Update(gradients, state, null!);
            rates.Add(-updates.Layers[0].Bias[0]);
        }
        Assert.Equal([1.0, 0.5, 0.25, 0.125], rates);
    }
}
