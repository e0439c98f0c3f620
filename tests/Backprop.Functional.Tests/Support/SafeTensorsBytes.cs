using System.Buffers.Binary;
using System.Text;

namespace Backprop.Functional.Tests.Support;

/// <summary>Hand-made safetensors files, for the headers the serialiser would never write.</summary>
public static class SafeTensorsBytes
{
    /// <summary>The 8-byte length, then <paramref name="header"/> as UTF-8, then <paramref name="dataBytes"/> zero bytes.</summary>
    public static byte[] Of(string header, int dataBytes = 0) => Of(Encoding.UTF8.GetBytes(header), dataBytes);

    /// <summary>The 8-byte length, the raw header bytes, then <paramref name="dataBytes"/> zero bytes.</summary>
    public static byte[] Of(byte[] header, int dataBytes = 0)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>One tensor's description: "name": {dtype, shape, data_offsets}.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>A header holding the given entries.</summary>
    public static string Header(params string[] entries) => "{" + string.Join(",", entries) + "}";
}
