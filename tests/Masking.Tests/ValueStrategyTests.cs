using System.Buffers.Binary;
using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>Every strategy on every value kind, through a one-column plan.</summary>
public sealed class ValueStrategyTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("test pseudonym key, 32 bytes ok!");

    private static ResultMaskPlan PlanFor(MaskStrategy strategy, MaskValueKind kind, byte[]? key = null)
    {
        var rule = new MaskRule { Name = "r", Table = "t", Column = "c", Strategy = strategy };
        MaskingScope scope = new MaskingPolicy([rule], key ?? Key).ForPrincipal("svc", []);
        ResultMaskPlan? plan = scope.Plan([new MaskColumn("c", "public", "t", "c", kind)], false);
        Assert.NotNull(plan);
        return plan;
    }

    private static byte[]? Mask(ResultMaskPlan plan, byte[] value, out bool changed)
    {
        var destination = new byte[ResultMaskPlan.MaxMaskedLength(value.Length)];
        int written = plan.MaskValue(0, value, destination, out changed);
        Assert.NotEqual(int.MinValue, written);
        return written < 0 ? null : destination[..written];
    }

    private static string? MaskText(MaskStrategy strategy, string value)
    {
        byte[]? masked = Mask(PlanFor(strategy, MaskValueKind.Text), Encoding.UTF8.GetBytes(value), out _);
        return masked is null ? null : Encoding.UTF8.GetString(masked);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("x")]
    [InlineData("a much longer value that would show its length")]
    public void Text_redact_writes_one_marker_whatever_the_length(string value) =>
        Assert.Equal("[redacted]", MaskText(new MaskStrategy(MaskStrategyKind.Redact), value));

    [Theory]
    [InlineData("4111111111111111", 4, "************1111")]
    [InlineData("123-45-6789", 4, "*******6789")]
    [InlineData("Zoë Müller", 3, "*******ler")]
    [InlineData("ÄÖÜäöü", 2, "****öü")]
    [InlineData("1234", 4, "****")]
    [InlineData("12", 4, "**")]
    [InlineData("secret", 0, "******")]
    [InlineData("", 4, "")]
    public void Text_keep_last_counts_characters_not_bytes(string value, int keep, string expected) =>
        Assert.Equal(expected, MaskText(new MaskStrategy(MaskStrategyKind.KeepLast, keep), value));

    [Theory]
    [InlineData("alice@example.com", "****@example.com")]
    [InlineData("first.last@mail.example.co.uk", "****@mail.example.co.uk")]
    [InlineData("not an address", "[redacted]")]
    [InlineData("user@localhost", "[redacted]")]
    public void Text_keep_email_domain(string value, string expected) =>
        Assert.Equal(expected, MaskText(new MaskStrategy(MaskStrategyKind.KeepEmailDomain), value));

    [Fact]
    public void Text_pseudonym_is_deterministic_keyed_and_keeps_email_shape()
    {
        var strategy = new MaskStrategy(MaskStrategyKind.Pseudonym);
        string? a1 = MaskText(strategy, "Alice Smith");
        string? a2 = MaskText(strategy, "Alice Smith");
        string? b = MaskText(strategy, "Bob Jones");
        Assert.NotNull(a1);
        Assert.Matches("^pse_[0-9a-f]{16}$", a1);
        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b);

        string? email = MaskText(strategy, "alice@example.com");
        Assert.Matches("^pse_[0-9a-f]{16}@example.com$", email);
        Assert.True(Detectors.IsMatch(DetectorKind.Email, Encoding.UTF8.GetBytes(email!)));

        byte[] otherKey = Encoding.UTF8.GetBytes("another key of thirty-two bytes!");
        byte[]? withOtherKey = Mask(PlanFor(strategy, MaskValueKind.Text, otherKey), Cells.Text("Alice Smith"), out _);
        Assert.NotEqual(a1, Encoding.UTF8.GetString(withOtherKey!));
    }

    [Fact]
    public void Text_pseudonym_is_the_documented_hmac()
    {
        byte[] mac = System.Security.Cryptography.HMACSHA256.HashData(Key, Cells.Text("Alice Smith"));
        string expected = "pse_" + Convert.ToHexStringLower(mac, 0, 8);
        Assert.Equal(expected, MaskText(new MaskStrategy(MaskStrategyKind.Pseudonym), "Alice Smith"));
    }

    [Fact]
    public void Text_null_and_fixed()
    {
        Assert.Null(MaskText(new MaskStrategy(MaskStrategyKind.Null), "value"));
        Assert.Equal("n/a", MaskText(new MaskStrategy(MaskStrategyKind.Fixed, FixedValue: "n/a"), "value"));
        Assert.Equal("ünïcode", MaskText(new MaskStrategy(MaskStrategyKind.Fixed, FixedValue: "ünïcode"), "v"));
    }

    [Fact]
    public void Clear_leaves_the_column_alone()
    {
        var rule = new MaskRule { Name = "r", Table = "t", Column = "c", Strategy = new(MaskStrategyKind.Clear) };
        MaskingScope scope = new MaskingPolicy([rule], Key).ForPrincipal("svc", []);
        Assert.Null(scope.Plan([new MaskColumn("c", null, "t", "c", MaskValueKind.Text)], false));
    }

    [Theory]
    [InlineData(MaskValueKind.Int16, 2)]
    [InlineData(MaskValueKind.Int32, 4)]
    [InlineData(MaskValueKind.Int64, 8)]
    public void Integer_pseudonym_is_a_non_negative_integer_of_the_same_width(MaskValueKind kind, int width)
    {
        ResultMaskPlan plan = PlanFor(new MaskStrategy(MaskStrategyKind.Pseudonym), kind);
        byte[] value = new byte[width];
        value[^1] = 42;
        byte[]? first = Mask(plan, value, out bool changed);
        byte[]? again = Mask(plan, value, out _);
        value[^1] = 43;
        byte[]? other = Mask(plan, value, out _);

        Assert.True(changed);
        Assert.NotNull(first);
        Assert.Equal(width, first.Length);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(0, first[0] & 0x80);
    }

    [Theory]
    [InlineData(MaskValueKind.Int16, "-7", 2)]
    [InlineData(MaskValueKind.Int32, "123456", 4)]
    [InlineData(MaskValueKind.Int64, "-9000000000", 8)]
    public void Integer_fixed_is_written_big_endian(MaskValueKind kind, string fixedValue, int width)
    {
        ResultMaskPlan plan = PlanFor(new MaskStrategy(MaskStrategyKind.Fixed, FixedValue: fixedValue), kind);
        byte[]? masked = Mask(plan, new byte[width], out _);
        Assert.NotNull(masked);
        long read = width switch
        {
            2 => BinaryPrimitives.ReadInt16BigEndian(masked),
            4 => BinaryPrimitives.ReadInt32BigEndian(masked),
            _ => BinaryPrimitives.ReadInt64BigEndian(masked),
        };
        Assert.Equal(long.Parse(fixedValue, System.Globalization.CultureInfo.InvariantCulture), read);
    }

    [Theory]
    [InlineData(MaskValueKind.Int16, "70000")]
    [InlineData(MaskValueKind.Int32, "n/a")]
    [InlineData(MaskValueKind.Int64, "1.5")]
    public void Integer_fixed_that_is_not_an_integer_of_the_width_becomes_null(MaskValueKind kind, string fixedValue)
    {
        ResultMaskPlan plan = PlanFor(new MaskStrategy(MaskStrategyKind.Fixed, FixedValue: fixedValue), kind);
        Assert.Null(Mask(plan, new byte[8], out bool changed));
        Assert.True(changed);
    }

    [Theory]
    [InlineData(MaskValueKind.Int16, MaskStrategyKind.Redact)]
    [InlineData(MaskValueKind.Int32, MaskStrategyKind.KeepLast)]
    [InlineData(MaskValueKind.Int64, MaskStrategyKind.KeepEmailDomain)]
    [InlineData(MaskValueKind.Int64, MaskStrategyKind.Null)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.Redact)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.KeepLast)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.KeepEmailDomain)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.Pseudonym)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.Null)]
    [InlineData(MaskValueKind.Opaque, MaskStrategyKind.Fixed)]
    public void Strategies_without_a_valid_output_for_the_kind_give_null(MaskValueKind kind, MaskStrategyKind strategy)
    {
        ResultMaskPlan plan = PlanFor(new MaskStrategy(strategy, FixedValue: "1"), kind);
        Assert.Null(Mask(plan, [0, 0, 0, 0, 0, 0, 0, 1], out bool changed));
        Assert.True(changed);
    }

    [Fact]
    public void Too_small_destination_is_reported_not_overrun()
    {
        ResultMaskPlan plan = PlanFor(new MaskStrategy(MaskStrategyKind.Pseudonym), MaskValueKind.Text);
        byte[] destination = new byte[10];
        Assert.Equal(int.MinValue, plan.MaskValue(0, Cells.Text("Alice"), destination, out _));
        ResultMaskPlan integer = PlanFor(new MaskStrategy(MaskStrategyKind.Pseudonym), MaskValueKind.Int64);
        Assert.Equal(int.MinValue, integer.MaskValue(0, new byte[8], destination.AsSpan(0, 7), out _));
    }

    [Fact]
    public void Max_masked_length_covers_the_worst_detector_expansion()
    {
        Assert.True(ResultMaskPlan.MaxMaskedLength(0) >= 128);
        Assert.True(ResultMaskPlan.MaxMaskedLength(3) >= 3 + 128);
        Assert.True(ResultMaskPlan.MaxMaskedLength(int.MaxValue) > 0);
    }

    // Found by fuzzing: a value that is not valid UTF-8 ended in a lead byte and a run of continuation bytes,
    // which counted as one character, so keep_last 4 showed 15 bytes of it.
    [Fact]
    public void Text_keep_last_of_invalid_utf8_shows_at_most_that_many_bytes()
    {
        byte[] value = [.. "4111111111111111"u8, 0x0B, .. Enumerable.Repeat((byte)0xBC, 14)];
        byte[]? masked = Mask(PlanFor(new MaskStrategy(MaskStrategyKind.KeepLast, 4), MaskValueKind.Text), value, out _);
        Assert.Equal([.. Enumerable.Repeat((byte)'*', value.Length - 4), 0xBC, 0xBC, 0xBC, 0xBC], masked);
    }

    [Fact]
    public void Text_keep_last_of_valid_utf8_still_counts_characters() =>
        Assert.Equal(
            "****\u00e9\u00e8\u00ea\u00eb",
            MaskText(new MaskStrategy(MaskStrategyKind.KeepLast, 4), "abcd\u00e9\u00e8\u00ea\u00eb"));
}
