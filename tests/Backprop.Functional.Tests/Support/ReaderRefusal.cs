using Backprop.Functional.Tests.IO.Fuzzing;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.Support;

/// <summary>What every refusal of a reader must look like: one line that names the file and the problem.</summary>
public static class ReaderRefusal
{
    /// <summary>Asserts that <paramref name="result"/> failed with a one-line message starting "source: " and holding every fragment.</summary>
    public static string Expect<T>(Fin<T> result, string source, params string[] fragments)
    {
        Assert.True(result.IsFail, $"expected a refusal, got {result}");
        var message = ((Error)result).Message;
        Assert.True(ReaderOracle.IsOneLine(message), $"not one printable line: {message}");
        Assert.StartsWith(source + ": ", message);
        foreach (var fragment in fragments) Assert.Contains(fragment, message);
        return message;
    }
}
