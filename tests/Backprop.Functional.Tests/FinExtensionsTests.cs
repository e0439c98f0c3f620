using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests;

/// <summary>The early-return helpers over <see cref="Fin{A}"/>.</summary>
public sealed class FinExtensionsTests
{
    [Fact]
    public void Failed_is_false_with_the_value_on_success_and_true_with_the_error_on_failure()
    {
        Assert.False(Fin<int>.Succ(7).Failed(out var none, out var value));
        Assert.Equal(7, value);
        Assert.Equal(Errors.None, none);

        Assert.True(Fin<int>.Fail(Error.New("no rows")).Failed(out var error, out var missing));
        Assert.Equal("no rows", error.Message);
        Assert.Equal(0, missing);
    }

    [Fact]
    public void Within_prefixes_a_failure_with_where_it_happened_and_leaves_a_success_alone()
    {
        Assert.Equal("weights.safetensors: no rows", Fin<int>.Fail(Error.New("no rows")).Within("weights.safetensors").Match(_ => "", e => e.Message));
        Assert.Equal(7, (int)Fin<int>.Succ(7).Within("weights.safetensors"));
    }
}
