using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A sealed file edited and sealed again, as an attacker with the format in hand would: the seal is
/// integrity, not authenticity, so only the edit (not the seal) can make the reader refuse it.
/// </summary>
public static class Resealed
{
    public static byte[] Of(byte[] sealedBytes, Func<SafeTensorsFile, SafeTensorsFile> edit)
    {
        var file = edit((SafeTensorsFile)SafeTensors.Parse(sealedBytes));
        return Seal.Close(SafeTensors.Serialize(file with { Metadata = file.Metadata.AddOrUpdate(Seal.Key, Seal.Placeholder) }));
    }
}
