using System.Buffers.Binary;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using static Backprop.Functional.Tests.Support.SafeTensorsBytes;

namespace Backprop.Functional.Tests.IO;

/// <summary>Every kind of malformed safetensors file, each refused with one line naming the file and the problem.</summary>
public sealed class SafeTensorsReaderTests
{
    private const string Source = "w.safetensors";

    private static void Refused(byte[] bytes, params string[] fragments) =>
        ReaderRefusal.Expect(SafeTensors.Parse(Source, bytes), Source, fragments);

    private static void Refused(string header, int dataBytes, params string[] fragments) =>
        Refused(Of(header, dataBytes), fragments);

    [Fact]
    public void A_well_formed_file_with_an_F32_tensor_loads_and_widens_it_exactly()
    {
        var bytes = Of(Header(Entry("a", "F32", "[2]", 0, 8)), 8);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8), 0.1f);
        var file = (SafeTensorsFile)SafeTensors.Parse(Source, bytes);
        Assert.Equal([(double)0.1f, 0.0], file.Find("a").Map(t => t.Values).IfNone([]));
    }

    [Fact]
    public void Zero_sized_tensors_load_wherever_they_sit_between_others()
    {
        var header = Header(Entry("empty", "F64", "[0, 3]", 8, 8), Entry("a", "F64", "[1]", 0, 8), Entry("scalar", "F64", "[]", 8, 16));
        var file = (SafeTensorsFile)SafeTensors.Parse(Source, Of(header, 16));
        Assert.Equal([0, 1, 1], file.Tensors.Map(t => t.Values.Length).ToArray());
    }

    [Fact]
    public void An_empty_file_is_refused() => Refused([], "too short", "0 bytes");

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused() => Refused([1, 0, 0, 0, 0, 0, 0], "too short");

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        var bytes = Of(Header(Entry("a", "F64", "[1]", 0, 8)), 8);
        Refused(bytes[..20], "header length", "runs past the end of the file (20 bytes)");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData((1UL << 31) + 5)]
    [InlineData(100_000_001UL)]
    public void A_header_length_near_two_to_the_64_is_refused_before_anything_is_allocated(ulong length)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        Refused(bytes, $"header length {length} exceeds");
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_refused() => Refused(Of([(byte)'{', 0xC3, 0x28, (byte)'}']), "not valid UTF-8");

    [Theory]
    [InlineData("[]", "does not start with '{'")]
    [InlineData("", "does not start with '{'")]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"a\":1} {}", "not valid JSON")]
    [InlineData("{} \u0000", "not valid JSON")]
    public void A_header_that_is_not_one_json_object_is_refused(string header, string problem) => Refused(header, 0, problem);

    [Theory]
    [InlineData("[")]
    [InlineData("{\"a\":")]
    public void A_header_nested_a_million_deep_is_refused_without_a_stack_overflow(string level) =>
        Refused("{\"a\":" + string.Concat(Enumerable.Repeat(level, 1_000_000)), 0, "not valid JSON", "maximum configured depth");

    [Fact]
    public void A_tensor_named_twice_is_refused() =>
        Refused(Header(Entry("a", "F64", "[1]", 0, 8), Entry("a", "F64", "[1]", 8, 16)), 16, "not valid JSON", "Duplicate property 'a'");

    [Fact]
    public void A_field_given_twice_is_refused_rather_than_one_of_them_silently_winning() =>
        Refused("{\"a\":{\"dtype\":\"I8\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "Duplicate property 'dtype'");

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("[\"k\", \"v\"]")]
    [InlineData("7")]
    public void Metadata_that_is_not_an_object_is_refused(string metadata) =>
        Refused($"{{\"__metadata__\":{metadata}}}", 0, "__metadata__ is not a JSON object");

    [Fact]
    public void A_metadata_value_that_is_not_a_string_is_refused() =>
        Refused("{\"__metadata__\":{\"widths\":[1,2]}}", 0, "__metadata__ value 'widths' is not a string");

    [Fact]
    public void Tensors_whose_byte_ranges_overlap_are_refused() =>
        Refused(Header(Entry("a", "F64", "[2]", 0, 16), Entry("b", "F64", "[1]", 8, 16)), 16, "overlaps another tensor's bytes");

    [Fact]
    public void Bytes_that_belong_to_no_tensor_are_refused_between_tensors_and_at_the_end()
    {
        Refused(Header(Entry("a", "F64", "[1]", 0, 8), Entry("b", "F64", "[1]", 16, 24)), 24, "bytes 8..16 before tensor 'b' belong to no tensor");
        Refused(Header(Entry("a", "F64", "[1]", 0, 8)), 16, "8 bytes after the last tensor belong to no tensor");
    }

    [Theory]
    [InlineData("[0, 16]", "run past the end of the data (8 bytes)")]
    [InlineData("[9223372036854775800, 9223372036854775807]", "run past the end of the data")]
    [InlineData("[8, 0]", "invalid data_offsets")]
    [InlineData("[-8, 0]", "invalid data_offsets")]
    [InlineData("[0.5, 8]", "invalid data_offsets")]
    [InlineData("[1e30, 8]", "invalid data_offsets")]
    [InlineData("[\"0\", 8]", "invalid data_offsets")]
    [InlineData("[null, 8]", "invalid data_offsets")]
    [InlineData("[0, 8, 16]", "no [begin, end] data_offsets")]
    [InlineData("{\"begin\": 0}", "no [begin, end] data_offsets")]
    public void Offsets_out_of_range_or_not_integers_are_refused(string offsets, string problem) =>
        Refused($"{{\"a\":{{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":{offsets}}}}}", 8, "tensor 'a'", problem);

    [Theory]
    [InlineData("[2]", "shape [2] needs 16 bytes of F64 but data_offsets span 8")]
    [InlineData("[2, 2]", "shape [2, 2] needs 32 bytes")]
    [InlineData("[3, 0]", "shape [3, 0] needs 0 bytes")]
    public void A_shape_that_does_not_match_its_byte_count_is_refused(string shape, string problem) =>
        Refused(Header(Entry("a", "F64", shape, 0, 8), Entry("b", "F64", "[1]", 8, 16)), 16, "tensor 'a'", problem);

    [Theory]
    [InlineData("[-1]", "not a non-negative integer")]
    [InlineData("[1.5]", "not a non-negative integer")]
    [InlineData("[1e3]", "not a non-negative integer")]
    [InlineData("[\"1\"]", "not a non-negative integer")]
    [InlineData("[18446744073709551616]", "not a non-negative integer")]
    [InlineData("[4294967296, 4294967296]", "too large")]
    [InlineData("[2147483648, 2147483648, 2147483648, 2147483648, 0]", "too large")]
    [InlineData("3", "has no shape")]
    public void A_shape_that_is_negative_fractional_or_overflowing_is_refused(string shape, string problem) =>
        Refused(Header(Entry("a", "F64", shape, 0, 8)), 8, "tensor 'a'", problem);

    [Fact]
    public void A_shape_of_more_dimensions_than_any_array_library_has_is_refused() =>
        Refused(Header(Entry("a", "F64", "[" + string.Join(",", Enumerable.Repeat("1", 65)) + "]", 0, 8)), 8, "65 dimensions; at most 64");

    [Fact]
    public void An_unknown_dtype_is_refused_and_a_known_unsupported_one_is_named()
    {
        Refused(Header(Entry("a", "Q7", "[1]", 0, 8)), 8, "tensor 'a' has unknown dtype 'Q7'");
        Refused(Header(Entry("a", "I64", "[1]", 0, 8)), 8, "dtype I64; only F64, F32, F16 and BF16 can be read");
    }

    [Theory]
    [InlineData("{\"a\":[1]}", "is not described by a JSON object")]
    [InlineData("{\"a\":{\"shape\":[1],\"data_offsets\":[0,8]}}", "has no dtype")]
    [InlineData("{\"a\":{\"dtype\":64,\"shape\":[1],\"data_offsets\":[0,8]}}", "has no dtype")]
    [InlineData("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8],\"extra\":1}}", "unexpected field 'extra'")]
    public void A_tensor_description_missing_fields_or_with_extra_ones_is_refused(string header, string problem) =>
        Refused(header, 8, "tensor 'a'", problem);

    [Fact]
    public void Tensor_names_that_look_like_numbers_are_only_names()
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(Source, Of(Header(Entry("0", "F64", "[1]", 0, 8), Entry("-1e9", "F64", "[1]", 8, 16)), 16));
        Assert.Equal(["0", "-1e9"], file.Tensors.Map(t => t.Name).ToArray());
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_name_or_value_is_refused_instead_of_throwing()
    {
        Refused(Header(Entry("\\ud800", "F64", "[1]", 0, 8)), 8, "not valid UTF-16");
        Refused("{\"__metadata__\":{\"k\":\"\\udc00\"}}", 0, "not valid UTF-16");
    }

    [Fact]
    public void A_name_with_newlines_and_control_characters_is_escaped_in_the_message() =>
        Refused(Header(Entry("a\\nb\\u0007\\u202e", "X", "[1]", 0, 8)), 8, "tensor 'a\\nb\\u0007\\u202E' has unknown dtype");

    [Fact]
    public void A_huge_name_is_shortened_in_the_message()
    {
        var message = ReaderRefusal.Expect(SafeTensors.Parse(Source, Of(Header(Entry(new string('n', 1_000_000), "X", "[1]", 0, 8)), 8)), Source, "...' has unknown dtype");
        Assert.True(message.Length < 200, message);
    }

    [Fact]
    public void Huge_metadata_within_the_header_limit_loads()
    {
        var value = new string('m', 5_000_000);
        var file = (SafeTensorsFile)SafeTensors.Parse(Source, Of($"{{\"__metadata__\":{{\"note\":\"{value}\"}}}}"));
        Assert.Equal(value.Length, file.Meta("note").IfNone("").Length);
    }

    [Theory]
    [InlineData("F64")]
    [InlineData("I64")]
    [InlineData("U64")]
    [InlineData("F32")]
    [InlineData("I32")]
    [InlineData("U32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("I16")]
    [InlineData("U16")]
    [InlineData("I8")]
    [InlineData("U8")]
    [InlineData("BOOL")]
    [InlineData("F8_E4M3")]
    [InlineData("F8_E5M2")]
    public void A_known_dtype_is_told_from_an_unknown_one_and_a_float_is_sized_by_its_width(string dtype)
    {
        var width = dtype switch { "F64" or "I64" or "U64" => 8, "F32" or "I32" or "U32" => 4, "F16" or "BF16" or "I16" or "U16" => 2, _ => 1 };
        var file = SafeTensors.Parse(Source, Of(Header(Entry("a", dtype, "[3]", 0, 3 * width)), 3 * width));
        if (dtype is not ("F64" or "F32" or "F16" or "BF16"))
        {
            // Known, so not "unknown dtype": refused as a type this reader does not take.
            ReaderRefusal.Expect(file, Source, $"tensor 'a' has dtype {dtype}; only F64, F32, F16 and BF16 can be read");
            return;
        }
        Assert.True(file.IsSucc);
        Refused(Header(Entry("a", dtype, "[3]", 0, 3 * width - 1)), 3 * width - 1, $"needs {3 * width} bytes of {dtype} but data_offsets span {3 * width - 1}");
    }

    [Fact]
    public void A_span_that_does_not_fit_the_shape_is_measured_from_its_own_begin() =>
        Refused(Header(Entry("a", "F64", "[1]", 0, 8), Entry("b", "F64", "[2]", 8, 16)), 16, "tensor 'b' shape [2] needs 16 bytes of F64 but data_offsets span 8");

    [Fact]
    public void Sixty_four_dimensions_are_read_and_sixty_five_refused()
    {
        string Shape(int rank) => "[" + string.Join(",", Enumerable.Repeat(1, rank)) + "]";
        Assert.Equal(64, ((SafeTensorsFile)SafeTensors.Parse(Source, Of(Header(Entry("a", "F64", Shape(64), 0, 8)), 8))).Tensors[0].Shape.Count);
        Refused(Header(Entry("a", "F64", Shape(65), 0, 8)), 8, "tensor 'a' has 65 dimensions; at most 64 are supported");
    }

    [Fact]
    public void A_shape_of_exactly_the_most_elements_is_not_too_large()
    {
        // 2^14 × 2^14 = 2^28 elements, the limit: refused for its missing data, not for its shape.
        Refused(Header(Entry("a", "F32", "[16384, 16384]", 0, 1L << 30)), 8, "data_offsets [0, 1073741824] run past the end of the data (8 bytes)");
        Refused(Header(Entry("a", "F32", "[16384, 16385]", 0, 8)), 8, "shape is too large (more than 268435456 elements)");
    }

    [Fact]
    public void Eight_bytes_that_hold_a_delete_character_are_not_taken_for_text() =>
        Refused([(byte)'a', (byte)'b', 0x7F, (byte)'c', (byte)'d', (byte)'e', (byte)'f', (byte)'g', 0, 0], "header length", "exceeds");
}
