using LanguageExt;

namespace Backprop.Functional.Tests.Support;

/// <summary>What a refused <see cref="Fin{A}"/> says; a test that expected a refusal fails on a success.</summary>
public static class Failure
{
    /// <summary>The refusal's message.</summary>
    public static string Message<T>(Fin<T> result) => result.Match(v => throw new Xunit.Sdk.XunitException($"accepted: {v}"), e => e.Message);
}
