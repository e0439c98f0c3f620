using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>Early-return helpers for <see cref="Fin{A}"/> inside imperative loops.</summary>
public static class FinExtensions
{
    /// <summary>
    /// True (with the error) when <paramref name="fin"/> failed, else false (with the value):
    /// <c>if (Parse(x).Failed(out var error, out var value)) return error;</c>
    /// </summary>
    public static bool Failed<A>(this Fin<A> fin, out Error error, out A value)
    {
        if (fin.IsSucc)
        {
            (error, value) = (Errors.None, (A)fin);
            return false;
        }
        (error, value) = ((Error)fin, default!);
        return true;
    }

    /// <summary>Prefixes a failure's message with where it happened ("weights.safetensors: …").</summary>
    public static Fin<A> Within<A>(this Fin<A> fin, string context) =>
        fin.IsSucc ? fin : Error.New($"{context}: {((Error)fin).Message}");
}
