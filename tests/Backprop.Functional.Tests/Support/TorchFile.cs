using System.Buffers.Binary;
using System.Text;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// A safetensors file as PyTorch's <c>safetensors.torch.save_file(model.state_dict())</c> writes
/// one: nn.Sequential keys, one dtype for every tensor (F32, F16 or BF16), and metadata
/// <c>{"format": "pt"}</c> or none.
/// </summary>
public static class TorchFile
{
    /// <summary>The file's bytes; each value must be exact in <paramref name="dtype"/>.</summary>
    public static byte[] Of(string dtype, bool ptMetadata, params (string Name, long[] Shape, double[] Values)[] tensors)
    {
        var width = dtype == "F32" ? 4 : 2;
        var entries = new List<string>();
        if (ptMetadata) entries.Add("\"__metadata__\":{\"format\":\"pt\"}");
        var data = new List<byte>();
        foreach (var (name, shape, values) in tensors)
        {
            var begin = data.Count;
            foreach (var v in values)
            {
                var bytes = new byte[width];
                switch (dtype)
                {
                    case "F32": BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)v); break;
                    case "F16": BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)v); break;
                    default: BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(BitConverter.SingleToInt32Bits((float)v) >>> 16)); break;
                }
                data.AddRange(bytes);
            }
            entries.Add(SafeTensorsBytes.Entry(name, dtype, $"[{string.Join(",", shape)}]", begin, data.Count));
        }
        var header = Encoding.UTF8.GetBytes("{" + string.Join(",", entries) + "}");
        return [.. SafeTensorsBytes.Of(header), .. data];
    }
}
