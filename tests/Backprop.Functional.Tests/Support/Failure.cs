using LanguageExt;

namespace Backprop.Functional.Tests.Support;

/// <summary>What a refused <see cref="Fin{A}"/> says; a test that expected a refusal fails on a success.</summary>
public static class Failure
{
    /// <summary>The refusal's message.</summary>
    public static string Message<T>(Fin<T> result) => result.Match(v => throw new Xunit.Sdk.XunitException($"accepted: {v}"), e => e.Message);

    /// <summary>That <paramref name="actual"/> throws what <paramref name="reference"/> throws: the same exception type and words.</summary>
    public static void SameAs(Action reference, Action actual)
    {
        var expected = Xunit.Assert.ThrowsAny<Exception>(reference);
        var thrown = Xunit.Assert.ThrowsAny<Exception>(actual);
        Xunit.Assert.Equal((expected.GetType(), expected.Message), (thrown.GetType(), thrown.Message));
    }
}
