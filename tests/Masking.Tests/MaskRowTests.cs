using System.Buffers.Binary;
using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>Rewriting whole rows in the neutral cells encoding.</summary>
public sealed class MaskRowTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("row tests pseudonym key 32 bytes");

    internal static readonly MaskColumn[] CustomerColumns =
    [
        new("id", "public", "customers", "id", MaskValueKind.Text),
        new("full_name", "public", "customers", "full_name", MaskValueKind.Text),
        new("email", "public", "customers", "email", MaskValueKind.Text),
        new("phone", "public", "customers", "phone", MaskValueKind.Text),
        new("ssn", "public", "customers", "ssn", MaskValueKind.Text),
        new("card_number", "public", "customers", "card_number", MaskValueKind.Text),
        new("notes", "public", "customers", "notes", MaskValueKind.Text),
    ];

    /// <summary>Three masked columns (email, ssn, card) and detectors on the other four.</summary>
    internal static MaskingPolicy CustomerPolicy() => new(
    [
        new MaskRule
        {
            Name = "email", Table = "customers", Column = "email", Strategy = new(MaskStrategyKind.KeepEmailDomain),
        },
        new MaskRule { Name = "ssn", Table = "customers", Column = "ssn", Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule
        {
            Name = "card", Table = "customers", Column = "card_number", Strategy = new(MaskStrategyKind.KeepLast, 4),
        },
        new MaskRule { Name = "d-email", Detector = DetectorKind.Email, Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule { Name = "d-phone", Detector = DetectorKind.Phone, Strategy = new(MaskStrategyKind.KeepLast, 2) },
        new MaskRule { Name = "d-card", Detector = DetectorKind.CardNumber, Strategy = new(MaskStrategyKind.Redact) },
        new MaskRule { Name = "d-ssn", Detector = DetectorKind.UsSsn, Strategy = new(MaskStrategyKind.Redact) },
    ], Key);

    internal static byte[] CustomerRow() => Cells.TextRow(
        "1042", "Alice Smith", "alice@example.com", "+1-555-0123-4567", "123-45-6789", "4111 1111 1111 1111",
        "called from +1-555-0199-0001, asked to mail bob@example.org about card 5555555555554444");

    private static ResultMaskPlan CustomerPlan()
    {
        ResultMaskPlan? plan = CustomerPolicy().ForPrincipal("support-1", ["support"]).Plan(CustomerColumns, true);
        Assert.NotNull(plan);
        return plan;
    }

    [Fact]
    public void Row_is_rewritten_cell_by_cell_and_reparses()
    {
        ResultMaskPlan plan = CustomerPlan();
        byte[] source = CustomerRow();
        byte[] destination = new byte[1024];
        int written = plan.MaskRow(source, destination, out int maskedCells);

        List<string?> cells = Cells.ReadText(destination.AsSpan(0, written));
        Assert.Equal(
        [
            "1042", "Alice Smith", "****@example.com", "**************67", "[redacted]", "***************1111",
            "called from **************01, asked to mail [redacted:email] about card [redacted:card_number]",
        ], cells);
        Assert.Equal(5, maskedCells);
        Assert.Equal(7, plan.ColumnCount);
    }

    [Fact]
    public void Unmasked_cells_and_nulls_are_copied_byte_for_byte()
    {
        ResultMaskPlan plan = CustomerPlan();
        byte[] source = Cells.TextRow("7", null, null, "no phone", null, null, "nothing to see");
        byte[] destination = new byte[512];
        int written = plan.MaskRow(source, destination, out int maskedCells);
        Assert.Equal(0, maskedCells);
        Assert.Equal(source, destination[..written]);
    }

    [Fact]
    public void Null_strategy_writes_minus_one_length()
    {
        var policy = new MaskingPolicy(
            [new MaskRule { Name = "n", ColumnNamePattern = "b", Strategy = new(MaskStrategyKind.Null) }], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
            [new("a", null, "t", "a", MaskValueKind.Text), new("b", null, "t", "b", MaskValueKind.Int32)], false);
        Assert.NotNull(plan);
        byte[] source = Cells.Row(Cells.Text("keep"), [0, 0, 0, 5]);
        byte[] destination = new byte[64];
        int written = plan.MaskRow(source, destination, out int maskedCells);
        Assert.Equal(1, maskedCells);
        List<byte[]?> cells = Cells.Read(destination.AsSpan(0, written));
        Assert.Equal(Cells.Text("keep"), cells[0]);
        Assert.Null(cells[1]);
        Assert.Equal(2 + 4 + 4 + 4, written);
    }

    [Fact]
    public void Binary_row_keeps_integer_widths()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule { Name = "id", Table = "t", Column = "id", Strategy = new(MaskStrategyKind.Pseudonym) },
            new MaskRule { Name = "amount", Table = "t", Column = "amount", Strategy = new(MaskStrategyKind.Redact) },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
        [
            new("id", null, "t", "id", MaskValueKind.Int32), new("amount", null, "t", "amount", MaskValueKind.Int64),
            new("name", null, "t", "name", MaskValueKind.Text),
        ], false);
        Assert.NotNull(plan);
        byte[] id = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(id, 1042);
        byte[] source = Cells.Row(id, new byte[8], Cells.Text("x"));
        byte[] destination = new byte[64];
        int written = plan.MaskRow(source, destination, out _);
        List<byte[]?> cells = Cells.Read(destination.AsSpan(0, written));
        Assert.Equal(4, cells[0]!.Length);
        Assert.NotEqual(id, cells[0]);
        Assert.Null(cells[1]);
        Assert.Equal(Cells.Text("x"), cells[2]);
    }

    [Fact]
    public void Too_small_destination_returns_minus_one_at_every_size()
    {
        ResultMaskPlan plan = CustomerPlan();
        byte[] source = CustomerRow();
        byte[] full = new byte[1024];
        int needed = plan.MaskRow(source, full, out _);
        for (int size = 0; size < needed; size++)
        {
            Assert.Equal(-1, plan.MaskRow(source, new byte[size], out _));
        }

        byte[] exact = new byte[needed];
        Assert.Equal(needed, plan.MaskRow(source, exact, out _));
        Assert.Equal(full[..needed], exact);
    }

    [Fact]
    public void Wrong_cell_count_throws()
    {
        ResultMaskPlan plan = CustomerPlan();
        byte[] source = Cells.TextRow("1", "2", "3");
        Assert.Throws<MaskingException>(() => plan.MaskRow(source, new byte[256], out _));
    }

    public static TheoryData<byte[]> MalformedRows()
    {
        byte[] good = CustomerRow();
        byte[] badLength = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(badLength.AsSpan(2), -2);
        byte[] overlong = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(overlong.AsSpan(2), good.Length);
        byte[] trailing = [.. good, 0];
        return new TheoryData<byte[]>(Array.Empty<byte>(), new byte[] { 0 }, good[..^1], good[..8], trailing,
            badLength, overlong);
    }

    [Theory]
    [MemberData(nameof(MalformedRows))]
    public void Malformed_row_throws_masking_exception(byte[] source)
    {
        ResultMaskPlan plan = CustomerPlan();
        MaskingException error = Assert.Throws<MaskingException>(() => plan.MaskRow(source, new byte[4096], out _));
        Assert.DoesNotContain("alice", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Detector_null_strategy_nulls_the_whole_cell_and_clear_keeps_the_occurrence()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "keys", Detector = DetectorKind.CloudAccessKey,
                Strategy = new(MaskStrategyKind.Null),
            },
            new MaskRule { Name = "ips", Detector = DetectorKind.IPv4, Strategy = new(MaskStrategyKind.Clear) },
            new MaskRule { Name = "mails", Detector = DetectorKind.Email, Strategy = new(MaskStrategyKind.Pseudonym) },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
            [new("log", null, "t", "log", MaskValueKind.Text)], false);
        Assert.NotNull(plan);
        byte[] destination = new byte[256];
        Assert.Equal(-1, plan.MaskValue(0, "key AKIAIOSFODNN7EXAMPLE leaked"u8, destination, out bool changed));
        Assert.True(changed);

        int written = plan.MaskValue(0, "from 10.0.0.1 by alice@example.com"u8, destination, out changed);
        string masked = Encoding.UTF8.GetString(destination, 0, written);
        Assert.True(changed);
        Assert.StartsWith("from 10.0.0.1 by pse_", masked, StringComparison.Ordinal);
        Assert.EndsWith("@example.com", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_occurrences_of_several_detectors_are_all_replaced_in_order()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule { Name = "ip4", Detector = DetectorKind.IPv4, Strategy = new(MaskStrategyKind.Redact) },
            new MaskRule
            {
                Name = "jwt", Detector = DetectorKind.Jwt,
                Strategy = new(MaskStrategyKind.Fixed, FixedValue: "<token>"),
            },
            new MaskRule { Name = "ip6", Detector = DetectorKind.IPv6, Strategy = new(MaskStrategyKind.KeepLast, 1) },
        ], Key);
        ResultMaskPlan? plan = policy.ForPrincipal("x", []).Plan(
            [new("m", null, null, null, MaskValueKind.Text)], false);
        Assert.NotNull(plan);
        string input = $"a 10.0.0.1 b {DetectorSamples.JwtHs256} c ::1 d 192.168.0.1";
        byte[] destination = new byte[ResultMaskPlan.MaxMaskedLength(input.Length)];
        int written = plan.MaskValue(0, Encoding.UTF8.GetBytes(input), destination, out _);
        Assert.Equal("a [redacted:ipv4] b <token> c **1 d [redacted:ipv4]",
            Encoding.UTF8.GetString(destination, 0, written));
    }
}
