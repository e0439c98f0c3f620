using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// The safetensors format (huggingface.co/docs/safetensors): an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data. Parsing and serialising are pure functions of bytes; the reader trusts
/// nothing it reads (sizes, offsets, nesting) and refuses anything malformed with a message.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const int MaxJsonDepth = 4;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Serialises tensors (written as F64) and metadata; the header is space-padded to 8 bytes as the format recommends.</summary>
    public static byte[] Serialize(SafeTensorsFile file)
    {
        var names = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            if (!names.Add(t.Name) || t.Name == "__metadata__") throw new ArgumentException($"duplicate or reserved tensor name '{t.Name}'");
            if (t.Shape.Aggregate(1L, (a, b) => a * b) != t.Values.Length) throw new ArgumentException($"tensor '{t.Name}' shape {t.ShapeText} does not match its {t.Values.Length} values");
        }

        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (!file.Metadata.IsEmpty)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in file.Metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in file.Tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F64");
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 8L * t.Values.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        var header = headerStream.ToArray();
        var paddedLength = (header.Length + 7) / 8 * 8;
        var dataLength = file.Tensors.Sum(t => 8L * t.Values.Length);
        var bytes = new byte[8 + paddedLength + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)paddedLength);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, paddedLength - header.Length).Fill((byte)' ');
        var position = 8 + paddedLength;
        foreach (var t in file.Tensors)
            foreach (var v in t.Values)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(position), v);
                position += 8;
            }
        return bytes;
    }

    /// <summary>Parses a whole file's bytes. F64 and F32 tensors are read (F32 widened exactly to double); any other dtype is refused.</summary>
    public static Fin<SafeTensorsFile> Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) return Error.New($"too short to be safetensors ({bytes.Length} bytes; the header length alone takes 8)");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes) return Error.New($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if ((long)headerLength > bytes.Length - 8) return Error.New($"header length {headerLength} runs past the end of the file ({bytes.Length} bytes): truncated or not safetensors");
        var headerBytes = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];

        string headerText;
        try { headerText = StrictUtf8.GetString(headerBytes); }
        catch (DecoderFallbackException) { return Error.New("header is not valid UTF-8"); }
        if (!headerText.StartsWith('{')) return Error.New("header does not start with '{': not safetensors");

        JsonDocument document;
        try { document = JsonDocument.Parse(headerText, new JsonDocumentOptions { MaxDepth = MaxJsonDepth }); }
        catch (JsonException e) { return Error.New($"header is not valid JSON ({FirstLine(e.Message)})"); }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Error.New("header is not a JSON object");
            var seen = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
            var metadata = Map<string, string>.Empty;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) return Error.New($"header names '{property.Name}' twice");
                if (property.Name == "__metadata__")
                {
                    if (ParseMetadata(property.Value).Failed(out var metadataError, out metadata)) return metadataError;
                    continue;
                }
                if (ParseEntry(property.Name, property.Value, data.Length).Failed(out var entryError, out var entry)) return entryError;
                entries.Add(entry);
            }

            if (CheckCoverage(entries.Select(e => (e.Name, e.Begin, e.End)).ToList(), data.Length).Failed(out var coverageError, out _))
                return coverageError;

            var tensors = new List<Tensor>(entries.Count);
            foreach (var e in entries)
            {
                var slice = data[(int)e.Begin..(int)e.End];
                tensors.Add(new Tensor(e.Name, e.Shape.ToArr(), Decode(e.DType, slice)));
            }
            return new SafeTensorsFile(tensors.ToArr(), metadata);
        }
    }

    private static Fin<Map<string, string>> ParseMetadata(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return Error.New("__metadata__ is not a JSON object");
        var map = Map<string, string>.Empty;
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) return Error.New($"__metadata__ value '{p.Name}' is not a string");
            if (map.ContainsKey(p.Name)) return Error.New($"__metadata__ names '{p.Name}' twice");
            map = map.Add(p.Name, p.Value.GetString()!);
        }
        return map;
    }

    private static Fin<(string Name, string DType, long[] Shape, long Begin, long End)> ParseEntry(string name, JsonElement element, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object) return Error.New($"tensor '{name}' is not described by a JSON object");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            return Error.New($"tensor '{name}' has no dtype");
        var dtype = dtypeElement.GetString()!;
        var size = ElementSize(dtype);
        if (size == 0) return Error.New($"tensor '{name}' has unknown dtype '{dtype}'");
        if (dtype is not ("F64" or "F32")) return Error.New($"tensor '{name}' has dtype {dtype}; only F64 and F32 can be read");

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            return Error.New($"tensor '{name}' has no shape");
        var shape = new List<long>();
        long count = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                return Error.New($"tensor '{name}' has a shape entry that is not a non-negative integer");
            if (dim > 0 && count > Limits.MaxTensorElements / dim)
                return Error.New($"tensor '{name}' shape is too large (more than {Limits.MaxTensorElements} elements)");
            count *= dim;
            shape.Add(dim);
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            return Error.New($"tensor '{name}' has no [begin, end] data_offsets");
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            return Error.New($"tensor '{name}' has invalid data_offsets");
        if (end > dataLength)
            return Error.New($"tensor '{name}' data_offsets [{begin}, {end}] run past the end of the data ({dataLength} bytes)");
        if (end - begin != count * size)
            return Error.New($"tensor '{name}' shape [{string.Join(", ", shape)}] needs {count * size} bytes of {dtype} but data_offsets span {end - begin}");
        foreach (var p in element.EnumerateObject())
            if (p.Name is not ("dtype" or "shape" or "data_offsets"))
                return Error.New($"tensor '{name}' has unexpected field '{p.Name}'");
        return (name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>The byte ranges must tile the data exactly: no overlap, no gap, nothing left over.</summary>
    private static Fin<Unit> CheckCoverage(List<(string Name, long Begin, long End)> ranges, long dataLength)
    {
        long expected = 0;
        foreach (var r in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (r.Begin < expected) return Error.New($"tensor '{r.Name}' overlaps another tensor's bytes");
            if (r.Begin > expected) return Error.New($"bytes {expected}..{r.Begin} before tensor '{r.Name}' belong to no tensor");
            expected = r.End;
        }
        if (expected != dataLength) return Error.New($"{dataLength - expected} bytes after the last tensor belong to no tensor");
        return Unit.Default;
    }

    private static double[] Decode(string dtype, ReadOnlySpan<byte> bytes)
    {
        if (dtype == "F64")
        {
            var values = new double[bytes.Length / 8];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
            return values;
        }
        var widened = new double[bytes.Length / 4];
        for (var i = 0; i < widened.Length; i++) widened[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return widened;
    }

    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
