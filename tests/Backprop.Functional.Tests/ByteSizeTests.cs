namespace Backprop.Functional.Tests;

/// <summary>Sizes and counts as messages show them, pinned at each unit's edges.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0L, "0 bytes")]
    [InlineData(1023L, "1023 bytes")]
    [InlineData(1024L, "1 KiB")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(1025L, "1.0 KiB")]
    [InlineData((1L << 20) - 1, "1024.0 KiB")]
    [InlineData(1L << 20, "1 MiB")]
    [InlineData(8L << 30, "8 GiB")]
    [InlineData(9_234_567_890L, "8.6 GiB")]
    [InlineData(3L << 40, "3 TiB")]
    [InlineData(5L << 50, "5 PiB")]
    [InlineData(long.MaxValue, "8 EiB")]
    public void Bytes_are_shown_in_binary_units_with_one_decimal_unless_whole(long bytes, string text) =>
        Assert.Equal(text, ByteSize.Text(bytes));

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(950L, "950")]
    [InlineData(9_999L, "9,999")]
    [InlineData(10_000L, "10K")]
    [InlineData(4_250L, "4,250")]
    [InlineData(42_460L, "42.5K")]
    [InlineData(999_999L, "1000K")]
    [InlineData(1_000_000L, "1M")]
    [InlineData(268_435_456L, "268.4M")]
    [InlineData(999_999_999L, "1000M")]
    [InlineData(1_000_000_000L, "1G")]
    [InlineData(12_345_678_901L, "12.3G")]
    public void Counts_take_a_metric_suffix_from_ten_thousand_up(long count, string text) =>
        Assert.Equal(text, ByteSize.Count(count));
}
