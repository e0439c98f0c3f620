using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LanguageExt;
using LanguageExt.ClassInstances;
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

    /// <summary>The most dimensions a tensor may have (numpy's limit): more would only flood messages.</summary>
    public const int MaxRank = 64;

    // Root object, a tensor's object or __metadata__, its shape or data_offsets array: three levels
    // and one to spare, so a header nested a million deep is refused at the fifth level. Duplicate
    // keys anywhere (two tensors of one name, dtype given twice) would make the meaning ambiguous.
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 4, AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Serialises tensors (written as F64, or as F32 each rounded once when <paramref name="precision"/>
    /// says so) and metadata; the header is space-padded to 8 bytes as the format recommends. A file <see cref="Parse(ReadOnlySpan{byte})"/> or <see cref="FileInput"/> would refuse for
    /// its size (a header over <see cref="MaxHeaderBytes"/>, a file over
    /// <see cref="Limits.MaxFileBytes"/>) is refused instead, before its buffer is allocated.
    /// </summary>
    public static Fin<byte[]> TrySerialize(SafeTensorsFile file, ExportPrecision precision = ExportPrecision.Float64)
    {
        var names = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            if (!names.Add(t.Name) || t.Name == "__metadata__") throw new ArgumentException($"duplicate or reserved tensor name '{t.Name}'");
            if (t.Shape.Aggregate(1L, (a, b) => a * b) != t.Values.Length) throw new ArgumentException($"tensor '{t.Name}' shape {t.ShapeText} does not match its {t.Values.Length} values");
        }

        var width = precision == ExportPrecision.Float32 ? 4 : 8;
        var header = Header(file.Tensors.Map(t => (t.Name, t.Shape)), file.Metadata, precision);
        var paddedLength = (header.Length + 7) / 8 * 8;
        var dataLength = file.Tensors.Sum(t => (long)width * t.Values.Length);
        if (CheckSize(paddedLength, dataLength).Failed(out var sizeError, out var size)) return sizeError;
        var bytes = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)paddedLength);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, paddedLength - header.Length).Fill((byte)' ');
        var position = 8 + paddedLength;
        foreach (var t in file.Tensors)
            foreach (var v in t.Values)
            {
                if (width == 4) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(position), (float)v);
                else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(position), v);
                position += width;
            }
        return bytes;
    }

    /// <summary>
    /// <see cref="TrySerialize"/> for files known to be small (a test's, a few layers' gradients):
    /// what it would refuse is a bug here, and throws.
    /// </summary>
    public static byte[] Serialize(SafeTensorsFile file) =>
        TrySerialize(file).Match(bytes => bytes, error => throw new InvalidOperationException(error.Message));

    /// <summary>
    /// The size of the file <see cref="TrySerialize"/> would write for F64 tensors of these names
    /// and shapes (in file order) and this metadata, or its refusal: found without the values,
    /// so a writer can check a file before it exists.
    /// </summary>
    public static Fin<long> Measure(IEnumerable<(string Name, Arr<long> Shape)> tensors, Map<OrdString, string, string> metadata)
    {
        var list = tensors.ToList();
        var header = Header(list, metadata, ExportPrecision.Float64);
        var elements = list.Aggregate(Int128.Zero, (sum, t) => sum + t.Shape.Aggregate(Int128.One, (a, b) => a * b));
        var dataLength = elements > Limits.MaxFileBytes ? long.MaxValue / 2 : 8 * (long)elements;
        return CheckSize((header.Length + 7) / 8 * 8, dataLength);
    }

    /// <summary>The whole file's length, if a reader would accept a file of this header and data.</summary>
    private static Fin<long> CheckSize(long paddedHeaderLength, long dataLength)
    {
        if (paddedHeaderLength > MaxHeaderBytes)
            return Error.New($"its header would take {paddedHeaderLength:N0} bytes (the metadata and tensor names): more than the {MaxHeaderBytes:N0} a reader accepts");
        var size = 8 + paddedHeaderLength + dataLength;
        if (size > Limits.MaxFileBytes)
            return Error.New($"it would take {ByteSize.Text(size)} ({size:N0} bytes): more than the {ByteSize.Text(Limits.MaxFileBytes)} a reader accepts");
        return size;
    }

    /// <summary>The JSON header, unpadded: metadata first, then each tensor's dtype, shape and byte range.</summary>
    private static byte[] Header(IEnumerable<(string Name, Arr<long> Shape)> tensors, Map<OrdString, string, string> metadata, ExportPrecision precision)
    {
        var (dtype, width) = precision == ExportPrecision.Float32 ? ("F32", 4) : ("F64", 8);
        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (!metadata.IsEmpty)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += width * shape.Aggregate(1L, (a, b) => a * b);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return headerStream.ToArray();
    }

    /// <summary>Parses a whole file's bytes; a refusal names <paramref name="source"/> ("w.safetensors: …").</summary>
    public static Fin<SafeTensorsFile> Parse(string source, ReadOnlySpan<byte> bytes) => Parse(bytes).Within(source);

    /// <summary>
    /// Whether the first eight bytes are printable ASCII or white space: as a header length they
    /// would be at least 0x0909090909090909, far beyond any file, so nothing real is mistaken.
    /// </summary>
    private static bool StartsLikeText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes[..8])
            if (!(b is >= 0x20 and < 0x7F or (byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        return true;
    }

    /// <summary>Parses a whole file's bytes. F64, F32, F16 and BF16 tensors are read (the narrower ones widened exactly to double); any other dtype is refused.</summary>
    public static Fin<SafeTensorsFile> Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) return Error.New($"is not a safetensors file: {bytes.Length} bytes is too short (the header length alone takes 8)");
        // A CSV, a JSON file or a note handed over as a state: say so in words, not as a header length of 10^17.
        if (StartsLikeText(bytes))
            return Error.New($"is not a safetensors file: it starts with text ({Quote.Value(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 40)]))}), where a safetensors file starts with its header's length in 8 binary bytes");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes) return Error.New($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if ((long)headerLength > bytes.Length - 8) return Error.New($"header length {headerLength} runs past the end of the file ({bytes.Length} bytes): truncated or not safetensors");
        var headerBytes = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];

        string headerText;
        try { headerText = StrictUtf8.GetString(headerBytes); }
        catch (DecoderFallbackException) { return Error.New("header is not valid UTF-8"); }
        if (!headerText.StartsWith('{')) return Error.New("header does not start with '{': not safetensors");

        // A \u escape of a lone surrogate is valid JSON but not a .NET string: System.Text.Json throws
        // InvalidOperationException when it turns one into a string, while checking for duplicate
        // keys or when a name or value is read. Every JSON kind is checked before it is read, so
        // that is the one thing left that throws.
        JsonDocument document;
        try { document = JsonDocument.Parse(headerText, JsonOptions); }
        catch (JsonException e) { return Error.New($"header is not valid JSON ({Quote.Escape(FirstLine(e.Message), 200)})"); }
        catch (InvalidOperationException) { return LoneSurrogate; }

        using (document)
        {
            Fin<(List<Entry> Entries, Map<OrdString, string, string> Metadata)> header;
            try { header = ReadHeader(document.RootElement, data.Length); }
            catch (InvalidOperationException) { return LoneSurrogate; }
            if (header.Failed(out var headerError, out var contents)) return headerError;
            if (CheckCoverage(contents.Entries, data.Length).Failed(out var coverageError, out _)) return coverageError;

            var tensors = new List<Tensor>(contents.Entries.Count);
            foreach (var e in contents.Entries)
                tensors.Add(new Tensor(e.Name, e.Shape.ToArr(), Decode(e.DType, data[(int)e.Begin..(int)e.End])));
            return new SafeTensorsFile(tensors.ToArr(), contents.Metadata);
        }
    }

    private static readonly Error LoneSurrogate = Error.New("header holds a \\u escape that is not valid UTF-16 (a lone surrogate)");

    private sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    private static Fin<(List<Entry> Entries, Map<OrdString, string, string> Metadata)> ReadHeader(JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object) return Error.New("header is not a JSON object");
        var entries = new List<Entry>();
        var metadata = Map<OrdString, string, string>.Empty;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (ParseMetadata(property.Value).Failed(out var metadataError, out metadata)) return metadataError;
                continue;
            }
            if (ParseEntry(property.Name, property.Value, dataLength).Failed(out var entryError, out var entry)) return entryError;
            entries.Add(entry);
        }
        return (entries, metadata);
    }

    private static Fin<Map<OrdString, string, string>> ParseMetadata(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return Error.New("__metadata__ is not a JSON object");
        var map = Map<OrdString, string, string>.Empty;
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) return Error.New($"__metadata__ value {Quote.Value(p.Name)} is not a string");
            map = map.Add(p.Name, p.Value.GetString()!);
        }
        return map;
    }

    private static Fin<Entry> ParseEntry(string name, JsonElement element, long dataLength)
    {
        var tensor = $"tensor {Quote.Value(name)}";
        if (element.ValueKind != JsonValueKind.Object) return Error.New($"{tensor} is not described by a JSON object");
        foreach (var p in element.EnumerateObject())
            if (p.Name is not ("dtype" or "shape" or "data_offsets"))
                return Error.New($"{tensor} has unexpected field {Quote.Value(p.Name)}");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            return Error.New($"{tensor} has no dtype");
        var dtype = dtypeElement.GetString()!;
        var size = ElementSize(dtype);
        if (size == 0) return Error.New($"{tensor} has unknown dtype {Quote.Value(dtype)}");
        if (dtype is not ("F64" or "F32" or "F16" or "BF16")) return Error.New($"{tensor} has dtype {dtype}; only F64, F32, F16 and BF16 can be read");

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            return Error.New($"{tensor} has no shape");
        if (shapeElement.GetArrayLength() > MaxRank) return Error.New($"{tensor} has {shapeElement.GetArrayLength()} dimensions; at most {MaxRank} are supported");
        var shape = new List<long>();
        long count = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (NonNegativeInteger(d) is not long dim)
                return Error.New($"{tensor} has a shape entry that is not a non-negative integer");
            if (dim > 0 && count > Limits.MaxTensorElements / dim)
                return Error.New($"{tensor} shape is too large (more than {Limits.MaxTensorElements} elements)");
            count *= dim;
            shape.Add(dim);
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            return Error.New($"{tensor} has no [begin, end] data_offsets");
        if (NonNegativeInteger(offsets[0]) is not long begin || NonNegativeInteger(offsets[1]) is not long end || end < begin)
            return Error.New($"{tensor} has invalid data_offsets (two integers, 0 <= begin <= end)");
        if (end > dataLength)
            return Error.New($"{tensor} data_offsets [{begin}, {end}] run past the end of the data ({dataLength} bytes)");
        if (end - begin != count * size)
            return Error.New($"{tensor} shape [{string.Join(", ", shape)}] needs {count * size} bytes of {dtype} but data_offsets span {end - begin}");
        return new Entry(name, dtype, shape.ToArray(), begin, end);
    }

    private static long? NonNegativeInteger(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value >= 0 ? value : null;

    /// <summary>The byte ranges must tile the data exactly: no overlap, no gap, nothing left over.</summary>
    private static Fin<Unit> CheckCoverage(List<Entry> ranges, long dataLength)
    {
        long expected = 0;
        foreach (var r in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (r.Begin < expected) return Error.New($"tensor {Quote.Value(r.Name)} overlaps another tensor's bytes");
            if (r.Begin > expected) return Error.New($"bytes {expected}..{r.Begin} before tensor {Quote.Value(r.Name)} belong to no tensor");
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
        var widened = new double[bytes.Length / ElementSize(dtype)];
        // Every F32, F16 and BF16 value is a double exactly (BF16 is F32's upper half), so nothing rounds.
        for (var i = 0; i < widened.Length; i++)
            widened[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
            };
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
