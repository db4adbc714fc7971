using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sluice.Masking;

namespace Sluice.Benchmarks;

/// <summary>
/// Masks rows in the neutral cells encoding as the relay would per DataRow: a realistic seven-column text row
/// with four claimed columns (pseudonym, keep-domain, redact, keep-last) and detectors on the rest, and a
/// binary variant with integer columns. Each invocation masks <see cref="Rows"/> rows; the Allocated column
/// must read 0 B (or "-").
/// </summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private const int Rows = 1000;

    private static readonly MaskColumn[] TextColumns =
    [
        new("id", "public", "customers", "id", MaskValueKind.Text),
        new("full_name", "public", "customers", "full_name", MaskValueKind.Text),
        new("email", "public", "customers", "email", MaskValueKind.Text),
        new("phone", "public", "customers", "phone", MaskValueKind.Text),
        new("ssn", "public", "customers", "ssn", MaskValueKind.Text),
        new("card_number", "public", "customers", "card_number", MaskValueKind.Text),
        new("notes", "public", "customers", "notes", MaskValueKind.Text),
    ];

    private static readonly MaskColumn[] BinaryColumns =
    [
        new("id", "public", "customers", "id", MaskValueKind.Int32),
        new("account", "public", "customers", "account", MaskValueKind.Int64),
        new("full_name", "public", "customers", "full_name", MaskValueKind.Text),
        new("email", "public", "customers", "email", MaskValueKind.Text),
        new("balance", "public", "customers", "balance", MaskValueKind.Int64),
        new("notes", "public", "customers", "notes", MaskValueKind.Text),
    ];

    private ResultMaskPlan _textPlan = null!;
    private ResultMaskPlan _binaryPlan = null!;
    private byte[] _textRow = [];
    private byte[] _binaryRow = [];
    private byte[] _destination = [];

    /// <summary>Builds the policy, both plans and both rows once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var policy = new MaskingPolicy(
        [
            Rule("name", "full_name", MaskStrategyKind.Pseudonym),
            Rule("email", "email", MaskStrategyKind.KeepEmailDomain),
            Rule("ssn", "ssn", MaskStrategyKind.Redact),
            Rule("card", "card_number", MaskStrategyKind.KeepLast),
            Rule("id", "id", MaskStrategyKind.Pseudonym),
            Rule("balance", "balance", MaskStrategyKind.Null),
            Detector(DetectorKind.Email), Detector(DetectorKind.Phone), Detector(DetectorKind.CardNumber),
            Detector(DetectorKind.UsSsn), Detector(DetectorKind.Iban), Detector(DetectorKind.IPv4),
            Detector(DetectorKind.Jwt), Detector(DetectorKind.CloudAccessKey),
        ], MaskingPolicy.DeriveKey("benchmark secret"u8));
        MaskingScope scope = policy.ForPrincipal("support-1", ["support"]);
        _textPlan = scope.Plan(TextColumns, true) ?? throw new InvalidOperationException("no text plan");
        _binaryPlan = scope.Plan(BinaryColumns, true) ?? throw new InvalidOperationException("no binary plan");
        const string Notes = "called from +1-555-0199-0001 on 2024-01-15 about order 1000000000000001, "
            + "asked us to mail bob@example.org; address on file unchanged";
        _textRow = Row(T("1042"), T("Alice Smith"), T("alice@example.com"), T("+1-555-0123-4567"), T("123-45-6789"),
            T("4111 1111 1111 1111"), T(Notes));
        _binaryRow = Row(Int(4, 1042), Int(8, 9_000_000_001), T("Alice Smith"), T("alice@example.com"),
            Int(8, 123_456), T(Notes));
        _destination = new byte[ResultMaskPlan.MaxMaskedLength(_textRow.Length)];
        Console.WriteLine($"// text row {_textRow.Length} bytes, binary row {_binaryRow.Length} bytes");
    }

    /// <summary>Seven text columns: four claimed, three scanned by eight detectors.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int MaskTextRows()
    {
        int total = 0;
        for (int i = 0; i < Rows; i++)
        {
            total += _textPlan.MaskRow(_textRow, _destination, out _);
        }

        return total;
    }

    /// <summary>Integer columns (pseudonym, NULL) mixed with text.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public int MaskBinaryRows()
    {
        int total = 0;
        for (int i = 0; i < Rows; i++)
        {
            total += _binaryPlan.MaskRow(_binaryRow, _destination, out _);
        }

        return total;
    }

    private static MaskRule Rule(string name, string column, MaskStrategyKind kind) =>
        new() { Name = name, Table = "customers", Column = column, Strategy = new MaskStrategy(kind) };

    private static MaskRule Detector(DetectorKind kind) =>
        new()
        {
            Name = Detectors.ConfigName(kind), Detector = kind, Strategy = new MaskStrategy(MaskStrategyKind.Redact),
        };

    private static byte[] T(string value) => Encoding.UTF8.GetBytes(value);

    private static byte[] Int(int width, long value)
    {
        byte[] bytes = new byte[width];
        if (width == 4)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes, (int)value);
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        }

        return bytes;
    }

    private static byte[] Row(params byte[][] cells)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)cells.Length);
        stream.Write(header[..2]);
        foreach (byte[] cell in cells)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, cell.Length);
            stream.Write(header);
            stream.Write(cell);
        }

        return stream.ToArray();
    }
}
