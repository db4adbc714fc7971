using System.Text;
using BenchmarkDotNet.Attributes;
using Sluice.Masking;

namespace Sluice.Benchmarks;

/// <summary>
/// Each detector's <see cref="Detectors.IsMatch"/> over a typical whole value and <see cref="Detectors.TryFind"/>
/// over a 200-byte line of free text that holds one occurrence near its end (the scan's usual cost).
/// </summary>
[MemoryDiagnoser]
public class MaskingDetectorBenchmarks
{
    private byte[] _value = [];
    private byte[] _text = [];

    /// <summary>The detector under test.</summary>
    [Params(DetectorKind.Email, DetectorKind.CardNumber, DetectorKind.UsSsn, DetectorKind.Iban, DetectorKind.Phone,
        DetectorKind.IPv4, DetectorKind.IPv6, DetectorKind.Jwt, DetectorKind.CloudAccessKey,
        DetectorKind.PemPrivateKey)]
    public DetectorKind Kind { get; set; }

    /// <summary>Picks the typical value and embeds it in text.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string value = Kind switch
        {
            DetectorKind.Email => "alice.smith@example.com",
            DetectorKind.CardNumber => "4111 1111 1111 1111",
            DetectorKind.UsSsn => "123-45-6789",
            DetectorKind.Iban => "DE89 3704 0044 0532 0130 00",
            DetectorKind.Phone => "+1-555-0123-4567",
            DetectorKind.IPv4 => "192.168.10.24",
            DetectorKind.IPv6 => "2001:db8:85a3::8a2e:370:7334",
            DetectorKind.Jwt => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl",
            DetectorKind.CloudAccessKey => "AKIAIOSFODNN7EXAMPLE",
            _ => "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        };
        _value = Encoding.UTF8.GetBytes(value);
        string filler = "Customer called on 2024-01-15 at 10:30 about order 1000000000000001 (v1.2.3), ticket "
            + "550e8400-e29b-41d4-a716-446655440000 escalated; details: ";
        _text = Encoding.UTF8.GetBytes(filler + value + ".");
        if (!Detectors.IsMatch(Kind, _value) || !Detectors.TryFind(Kind, _text, out _, out _))
        {
            throw new InvalidOperationException($"{Kind} does not match its benchmark value");
        }
    }

    /// <summary>Whole-value check.</summary>
    [Benchmark]
    public bool IsMatch() => Detectors.IsMatch(Kind, _value);

    /// <summary>Scan of a line of free text.</summary>
    [Benchmark]
    public int TryFind() => Detectors.TryFind(Kind, _text, out int start, out _) ? start : -1;
}
