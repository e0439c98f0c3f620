using Google.Protobuf;
using Onnx;

namespace Backprop.Functional.IO;

/// <summary>
/// Appends nodes and constant tensors to one ONNX graph in one number type, naming every
/// intermediate value uniquely. A scratch value for <see cref="OnnxExport"/>: it fills a fresh
/// <see cref="GraphProto"/> and hands it over; nothing else ever holds it.
/// </summary>
internal sealed class OnnxGraphBuilder(ExportPrecision precision)
{
    private readonly Dictionary<long, string> _scalars = [];
    private int _next;

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new();

    /// <summary>The ONNX element type of every real number in the graph.</summary>
    public TensorProto.Types.DataType ElementType { get; } =
        precision == ExportPrecision.Float32 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Double;

    /// <summary>A constant tensor (an initializer) holding <paramref name="values"/>, each rounded once in float32 mode.</summary>
    public string Constant(string name, IReadOnlyList<double> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)ElementType };
        tensor.Dims.Add(dims);
        // Raw little-endian bytes: the exact bits, in the form most readers take fastest.
        var bytes = new byte[values.Count * (precision == ExportPrecision.Float32 ? 4 : 8)];
        for (var i = 0; i < values.Count; i++)
        {
            if (precision == ExportPrecision.Float32) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), (float)values[i]);
            else BitConverter.TryWriteBytes(bytes.AsSpan(8 * i), values[i]);
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A scalar constant, broadcast by the operators that read it; one initializer per value.</summary>
    public string Scalar(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (!_scalars.TryGetValue(bits, out var name))
            _scalars[bits] = name = Constant($"constant_{_scalars.Count}", [value]);
        return name;
    }

    /// <summary>A node of operator <paramref name="op"/> writing one new value, named after the operator unless <paramref name="output"/> is given.</summary>
    public string Node(string op, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        var name = output ?? $"{op.ToLowerInvariant()}_{_next++}";
        var node = new NodeProto { OpType = op, Name = $"{op}_{Graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(name);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A value of the graph's real type of shape [batch, <paramref name="width"/>], the batch symbolic.</summary>
    public ValueInfoProto Matrix(string name, long width) => Value(name, (int)ElementType, width);

    /// <summary>A value of <paramref name="elementType"/> of shape [batch] or [batch, <paramref name="width"/>], the batch symbolic.</summary>
    public static ValueInfoProto Value(string name, int elementType, long? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        if (width is long w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }
}
