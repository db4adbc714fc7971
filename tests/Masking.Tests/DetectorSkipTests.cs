using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>
/// The scanners jump over bytes no match can start with (vectorised searches) and stop when too few bytes remain
/// for the shortest match. These cases sit on those edges: every sample after runs of skipped bytes of every
/// length across the vector widths, with nothing after it, and the shortest value of each kind at the very end.
/// </summary>
public sealed class DetectorSkipTests
{
    /// <summary>Near misses for every scanner, each followed by a space so none glues to the next.</summary>
    private const string NearMisses = "ab 12 CD + ( f: 9 x.y 4-5 Q ";

    public static TheoryData<DetectorKind, string> Shortest() => new()
    {
        { DetectorKind.CardNumber, "4222222222222" },
        { DetectorKind.UsSsn, "123-45-6789" },
        { DetectorKind.Iban, "NO9386011117947" },
        { DetectorKind.Phone, "+12345678" },
        { DetectorKind.IPv4, "1.2.3.4" },
        { DetectorKind.IPv6, "::1" },
        { DetectorKind.CloudAccessKey, "AKIAIOSFODNN7EXAMPLE" },
        { DetectorKind.Email, "a@b.co" },
    };

    /// <summary>The positive samples of every detector, less those already among the shortest values.</summary>
    public static TheoryData<DetectorKind, string> Samples()
    {
        var shortest = new HashSet<(DetectorKind, string)>();
        foreach (var row in Shortest())
        {
            shortest.Add(((DetectorKind)row[0]!, (string)row[1]!));
        }

        var data = new TheoryData<DetectorKind, string>();
        foreach ((DetectorKind kind, string[] values) in DetectorSamples.Positives)
        {
            foreach (string value in values)
            {
                if (!shortest.Contains((kind, value)))
                {
                    data.Add(kind, value);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    [MemberData(nameof(Shortest))]
    public void Found_at_the_end_after_any_run_of_skipped_bytes(DetectorKind kind, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        for (int run = 0; run <= 70; run++)
        {
            foreach (string filler in new[] { new string(' ', run), Repeat(NearMisses, run) })
            {
                string prefix = run == 0 ? "" : filler + "; ";
                byte[] text = Encoding.UTF8.GetBytes(prefix + value);
                Assert.True(Detectors.TryFind(kind, text, out int start, out int found), $"{kind} after {run} bytes");
                Assert.Equal((Encoding.UTF8.GetByteCount(prefix), length), (start, found));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shortest))]
    public void Shortest_value_is_found_alone_and_one_byte_less_is_not(DetectorKind kind, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Assert.True(Detectors.TryFind(kind, bytes, out int start, out int length));
        Assert.Equal((0, bytes.Length), (start, length));
        Assert.True(Detectors.IsMatch(kind, bytes));
        Assert.False(Detectors.TryFind(kind, bytes.AsSpan(1), out _, out _), $"{kind} matched a shorter value");
    }

    [Fact]
    public void A_scan_resuming_inside_text_still_checks_the_byte_before_its_start()
    {
        // "x4111 1111 1111 1111" glues the number to a letter: resuming at the digit must not forget the 'x'.
        Assert.False(Detectors.Find(DetectorKind.CardNumber, "x4111 1111 1111 1111"u8, 1, out _, out _));
        Assert.True(Detectors.Find(DetectorKind.CardNumber, " 4111 1111 1111 1111"u8, 1, out int start, out _));
        Assert.Equal(1, start);
        Assert.False(Detectors.Find(DetectorKind.UsSsn, "7123-45-6789"u8, 1, out _, out _));
        Assert.False(Detectors.Find(DetectorKind.IPv4, "1.10.0.0.1"u8, 2, out _, out _));
    }

    private static string Repeat(string pattern, int length)
    {
        var builder = new StringBuilder(length + pattern.Length);
        while (builder.Length < length)
        {
            builder.Append(pattern);
        }

        return builder.ToString(0, length);
    }
}
