using System.Security.Cryptography;

namespace Sluice.Masking.Tests;

/// <summary>
/// The reused keyed context must give the one-shot HMAC-SHA256 for every key and message length, value after value.
/// </summary>
public sealed class PseudonymKeyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void Equals_the_platform_hmac_for_every_message_length_up_to_three_blocks(int keyLength)
    {
        var random = new Random(keyLength);
        byte[] key = new byte[keyLength];
        random.NextBytes(key);
        var saved = new PseudonymKey(key);
        byte[] message = new byte[3 * 64 + 1];
        random.NextBytes(message);
        Span<byte> mac = stackalloc byte[PseudonymKey.MacBytes];

        // Every length crosses the padding's edge cases: 55/56 bytes (the length field fits or needs a second
        // block) and whole blocks (64, 128, 192).
        for (int length = 0; length <= message.Length; length++)
        {
            saved.Compute(message.AsSpan(0, length), mac);
            Assert.Equal(HMACSHA256.HashData(key, message.AsSpan(0, length)), mac.ToArray());
        }
    }

    [Fact]
    public void A_larger_destination_gets_the_mac_in_its_first_bytes_and_the_rest_untouched()
    {
        byte[] key = "pseudonym key of thirty-two byte"u8.ToArray();
        byte[] destination = new byte[40];
        destination.AsSpan(32).Fill(0xEE);

        var pseudonymKey = new PseudonymKey(key);
        pseudonymKey.Compute("Alice Smith"u8, destination);

        Assert.Equal(HMACSHA256.HashData(key, "Alice Smith"u8), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0xEE, b));
    }
}
