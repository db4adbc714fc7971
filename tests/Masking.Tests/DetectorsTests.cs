using System.Text;

namespace Sluice.Masking.Tests;

public sealed class DetectorsTests
{
    public static TheoryData<DetectorKind, string> PositiveCases() => Cases(DetectorSamples.Positives);

    public static TheoryData<DetectorKind, string> NegativeCases() => Cases(DetectorSamples.Negatives);

    [Theory]
    [MemberData(nameof(PositiveCases))]
    public void True_positive_matches_as_a_whole_value_and_inside_free_text(DetectorKind kind, string value)
    {
        Assert.True(Detectors.IsMatch(kind, Encoding.UTF8.GetBytes(value)), $"{kind} should match '{value}'");
        Assert.True(Detectors.IsMatch(kind, Encoding.UTF8.GetBytes($"  {value}\n")), "surrounding whitespace");

        byte[] prefix = Encoding.UTF8.GetBytes("note: ");
        byte[] text = Encoding.UTF8.GetBytes($"note: {value}, see above");
        Assert.True(Detectors.TryFind(kind, text, out int start, out int length));
        Assert.Equal(prefix.Length, start);
        Assert.Equal(Encoding.UTF8.GetByteCount(value), length);

        // At the end of a sentence, after text full of near misses, as in a support ticket's notes.
        string filler = "Customer called on 2024-01-15 at 10:30 about order 1000000000000001 (v1.2.3), ticket "
            + "550e8400-e29b-41d4-a716-446655440000 escalated; details: ";
        byte[] sentence = Encoding.UTF8.GetBytes($"{filler}{value}.");
        Assert.True(Detectors.TryFind(kind, sentence, out start, out length), "at the end of a sentence");
        Assert.Equal(Encoding.UTF8.GetByteCount(filler), start);
        Assert.Equal(Encoding.UTF8.GetByteCount(value), length);
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void Look_alike_does_not_match(DetectorKind kind, string value)
    {
        Assert.False(Detectors.IsMatch(kind, Encoding.UTF8.GetBytes(value)), $"{kind} should not match '{value}'");
        Assert.False(Detectors.TryFind(kind, Encoding.UTF8.GetBytes($"note: {value} end"), out int start, out _),
            $"{kind} found something at {start} in '{value}'");
    }

    [Fact]
    public void Every_detector_has_at_least_ten_positives_and_ten_negatives()
    {
        foreach (DetectorKind kind in Enum.GetValues<DetectorKind>())
        {
            Assert.True(DetectorSamples.Positives[kind].Length >= 10, $"{kind} positives");
            Assert.True(DetectorSamples.Negatives[kind].Length >= 10, $"{kind} negatives");
        }
    }

    [Fact]
    public void Value_with_other_text_is_not_a_whole_match()
    {
        Assert.False(Detectors.IsMatch(DetectorKind.Email, "mail alice@example.com"u8));
        Assert.False(Detectors.IsMatch(DetectorKind.IPv4, "10.0.0.1:5432"u8));
        Assert.False(Detectors.IsMatch(DetectorKind.Email, ""u8));
    }

    [Fact]
    public void Find_returns_the_first_of_several_occurrences()
    {
        byte[] text = "a 10.0.0.1 b 10.0.0.2"u8.ToArray();
        Assert.True(Detectors.TryFind(DetectorKind.IPv4, text, out int start, out int length));
        Assert.Equal("10.0.0.1", Encoding.UTF8.GetString(text, start, length));
    }

    [Fact]
    public void Card_separated_by_spaces_is_found_without_a_trailing_number()
    {
        byte[] text = "card 4111 1111 1111 1111 2 items"u8.ToArray();
        Assert.True(Detectors.TryFind(DetectorKind.CardNumber, text, out int start, out int length));
        Assert.Equal("4111 1111 1111 1111", Encoding.UTF8.GetString(text, start, length));
    }

    [Fact]
    public void Address_with_port_is_found_without_the_port()
    {
        byte[] text = "connect to 10.1.2.3:5432 now"u8.ToArray();
        Assert.True(Detectors.TryFind(DetectorKind.IPv4, text, out int start, out int length));
        Assert.Equal("10.1.2.3", Encoding.UTF8.GetString(text, start, length));
    }

    [Fact]
    public void Pem_block_in_text_ends_at_its_end_line()
    {
        string pem = DetectorSamples.Pem("RSA PRIVATE KEY", DetectorSamples.PemBody);
        byte[] text = Encoding.UTF8.GetBytes($"key:\n{pem}\ntrailer -----END OTHER-----");
        Assert.True(Detectors.TryFind(DetectorKind.PemPrivateKey, text, out int start, out int length));
        Assert.Equal(pem, Encoding.UTF8.GetString(text, start, length));
    }

    [Fact]
    public void Pem_block_without_end_line_runs_to_the_end_of_the_value()
    {
        byte[] text = Encoding.UTF8.GetBytes("key: -----BEGIN PRIVATE KEY-----\n" + DetectorSamples.PemBody + "tail");
        Assert.True(Detectors.TryFind(DetectorKind.PemPrivateKey, text, out int start, out int length));
        Assert.Equal(5, start);
        Assert.Equal(text.Length - 5, length);
    }

    [Fact]
    public void Jwt_shapes_at_the_edges()
    {
        string none = DetectorSamples.B64("{\"alg\":\"none\"}");
        string hs = DetectorSamples.B64("{\"alg\":\"HS256\"}");
        string jwe = DetectorSamples.B64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..aXY.Y3Q.dGFn";
        Assert.True(Detectors.IsMatch(DetectorKind.Jwt, Encoding.UTF8.GetBytes(jwe)), "JWE with an empty key");
        Assert.True(Detectors.TryFind(DetectorKind.Jwt, Encoding.UTF8.GetBytes($"t {none}.eyJ4IjoxfQ.. x"),
            out _, out int length));
        Assert.Equal(none.Length + ".eyJ4IjoxfQ.".Length, length);
        byte[] signedButEmpty = Encoding.UTF8.GetBytes($"t {hs}.eyJ4IjoxfQ.. x");
        Assert.False(Detectors.TryFind(DetectorKind.Jwt, signedButEmpty, out _, out _));
    }

    [Fact]
    public void Email_in_quotes_is_found_without_the_quote()
    {
        byte[] text = "name='bob@example.com'"u8.ToArray();
        Assert.True(Detectors.TryFind(DetectorKind.Email, text, out int start, out int length));
        Assert.Equal("bob@example.com", Encoding.UTF8.GetString(text, start, length));
    }

    [Theory]
    [InlineData("email", DetectorKind.Email)]
    [InlineData("card_number", DetectorKind.CardNumber)]
    [InlineData("us_ssn", DetectorKind.UsSsn)]
    [InlineData("iban", DetectorKind.Iban)]
    [InlineData("phone", DetectorKind.Phone)]
    [InlineData("ipv4", DetectorKind.IPv4)]
    [InlineData("IPv6", DetectorKind.IPv6)]
    [InlineData("jwt", DetectorKind.Jwt)]
    [InlineData("cloud_access_key", DetectorKind.CloudAccessKey)]
    [InlineData("pem_private_key", DetectorKind.PemPrivateKey)]
    public void Configuration_names_parse(string name, DetectorKind expected)
    {
        Assert.True(Detectors.TryParse(name, out DetectorKind kind));
        Assert.Equal(expected, kind);
        Assert.Equal(name.ToLowerInvariant(), Detectors.ConfigName(kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("credit_card")]
    [InlineData("Email ")]
    public void Unknown_names_do_not_parse(string name) => Assert.False(Detectors.TryParse(name, out _));

    private static TheoryData<DetectorKind, string> Cases(Dictionary<DetectorKind, string[]> source)
    {
        var data = new TheoryData<DetectorKind, string>();
        foreach ((DetectorKind kind, string[] values) in source)
        {
            foreach (string value in values)
            {
                data.Add(kind, value);
            }
        }

        return data;
    }
}
