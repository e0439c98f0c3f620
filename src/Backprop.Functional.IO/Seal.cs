using System.Text;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// The seal a state or model file carries in its <c>seal</c> metadata: the SHA-256 of the whole
/// file with the seal's own 64 hex digits zeroed. Hashing the file as written (not its parsed
/// values) catches every changed, missing or added byte, including in the header.
/// </summary>
public static class Seal
{
    /// <summary>The metadata key holding the seal.</summary>
    public const string Key = "seal";

    /// <summary>The value to put under <see cref="Key"/> before serializing; <see cref="Close"/> replaces it.</summary>
    public static readonly string Placeholder = new('0', 64);

    /// <summary>Writes the seal into freshly serialized bytes whose metadata holds <see cref="Placeholder"/>, and returns them.</summary>
    public static byte[] Close(byte[] bytes)
    {
        var at = Offset(bytes, Placeholder) ?? throw new InvalidOperationException("the seal placeholder is missing from the header");
        Encoding.ASCII.GetBytes(Fingerprint.Of(bytes)).CopyTo(bytes, at);
        return bytes;
    }

    /// <summary>Checks the seal of <paramref name="bytes"/> (parsed as <paramref name="file"/>); <paramref name="kind"/> names what the file is ("state", "model file").</summary>
    public static Fin<Unit> Check(ReadOnlySpan<byte> bytes, SafeTensorsFile file, string source, string kind)
    {
        if (file.Meta(Key).Case is not string seal || seal.Length != 64) return Error.New($"{source}: the {kind} has no seal");
        var copy = bytes.ToArray();
        if (Offset(copy, seal) is not int at) return Error.New($"{source}: the seal is not where the format puts it");
        Encoding.ASCII.GetBytes(Placeholder).CopyTo(copy, at);
        var actual = Fingerprint.Of(copy);
        return actual == seal
            ? Unit.Default
            : Error.New($"{source}: hash mismatch: the file was changed or corrupted after it was written (seal {seal[..12]}…, content hashes to {actual[..12]}…)");
    }

    /// <summary>Where the seal's 64 hex digits start in the header.</summary>
    private static int? Offset(byte[] bytes, string value)
    {
        var headerLength = (int)Math.Min(BitConverter.ToUInt64(bytes, 0), (ulong)(bytes.Length - 8));
        var needle = Encoding.ASCII.GetBytes($"\"{Key}\":\"{value}\"");
        var index = bytes.AsSpan(8, headerLength).IndexOf(needle);
        return index < 0 ? null : 8 + index + Key.Length + 4;
    }
}
