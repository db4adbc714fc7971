using System.Buffers.Binary;
using System.Text.Unicode;

namespace Sluice.Masking;

/// <summary>
/// Writes masked values into caller-supplied spans without allocating. Results follow
/// <see cref="ResultMaskPlan.MaskValue"/>: the length written, <see cref="Null"/>, or <see cref="TooSmall"/>.
/// </summary>
/// <remarks>
/// Text output shapes: Redact writes "[redacted]" whatever the input, so the marker reveals neither the value
/// nor its length; a detector occurrence becomes "[redacted:email]" (the detector's configuration name) so a
/// reader of free text still sees what was there. KeepLast writes one '*' per character (not byte) but the
/// last N, and all '*' when the value has N characters or fewer, since showing all of it would mask nothing.
/// KeepEmailDomain writes "****@domain". Pseudonym writes "pse_" and 16 lower-case hex digits of
/// HMAC-SHA256(key, exact value bytes), with "@domain" appended when the value is an e-mail address so the
/// result still looks like one; equal inputs give equal outputs, which keeps joins and GROUP BY working.
/// </remarks>
internal static class ValueMasker
{
    internal const int Null = -1;

    internal const int TooSmall = int.MinValue;

    internal const int PseudonymHexDigits = 16;

    private static ReadOnlySpan<byte> Redacted => "[redacted]"u8;

    private static ReadOnlySpan<byte> HiddenLocalPart => "****"u8;

    private static ReadOnlySpan<byte> PseudonymPrefix => "pse_"u8;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Masks a whole value of a column claimed by a rule (or failed closed).</summary>
    internal static int Apply(CompiledStrategy strategy, MaskValueKind kind, ReadOnlySpan<byte> value,
        Span<byte> destination, PseudonymKey key)
    {
        if (strategy.Kind == MaskStrategyKind.Clear)
        {
            return Copy(value, destination);
        }

        return kind switch
        {
            MaskValueKind.Text => ApplyText(strategy, value, destination, key),
            MaskValueKind.Int16 => ApplyInteger(strategy, 2, value, destination, key),
            MaskValueKind.Int32 => ApplyInteger(strategy, 4, value, destination, key),
            MaskValueKind.Int64 => ApplyInteger(strategy, 8, value, destination, key),
            _ => Null,
        };
    }

    /// <summary>Masks one detector occurrence inside a text value. Null strategies are the caller's business.</summary>
    internal static int ApplyOccurrence(CompiledStrategy strategy, DetectorKind detector, ReadOnlySpan<byte> match,
        Span<byte> destination, PseudonymKey key) => strategy.Kind switch
        {
            MaskStrategyKind.Clear => Copy(match, destination),
            MaskStrategyKind.KeepLast => KeepLast(match, strategy.Keep, destination),
            MaskStrategyKind.KeepEmailDomain when detector == DetectorKind.Email => KeepDomain(match, destination),
            MaskStrategyKind.Pseudonym => Pseudonym(match, detector == DetectorKind.Email, destination, key),
            MaskStrategyKind.Fixed => Copy(strategy.FixedText, destination),
            _ => Copy(DetectorMarker(detector), destination),
        };

    internal static int Copy(ReadOnlySpan<byte> value, Span<byte> destination) =>
        value.TryCopyTo(destination) ? value.Length : TooSmall;

    private static int ApplyText(CompiledStrategy strategy, ReadOnlySpan<byte> value, Span<byte> destination,
        PseudonymKey key) => strategy.Kind switch
        {
            MaskStrategyKind.KeepLast => KeepLast(value, strategy.Keep, destination),
            MaskStrategyKind.KeepEmailDomain => Detectors.IsMatch(DetectorKind.Email, value)
                ? KeepDomain(value, destination)
                : Copy(Redacted, destination),
            MaskStrategyKind.Pseudonym => Pseudonym(value, Detectors.IsMatch(DetectorKind.Email, value),
                destination, key),
            MaskStrategyKind.Null => Null,
            MaskStrategyKind.Fixed => Copy(strategy.FixedText, destination),
            _ => Copy(Redacted, destination),
        };

    /// <summary>
    /// Integers can only be replaced by integers: a pseudonym is the HMAC's first bytes with the sign bit
    /// cleared (non-negative, as identifiers usually are), a fixed value is written when it fits the width,
    /// and everything else (including a fixed value that does not fit) is NULL.
    /// </summary>
    private static int ApplyInteger(CompiledStrategy strategy, int width, ReadOnlySpan<byte> value,
        Span<byte> destination, PseudonymKey key)
    {
        if (strategy.Kind == MaskStrategyKind.Pseudonym)
        {
            Span<byte> mac = stackalloc byte[PseudonymKey.MacBytes];
            key.Compute(value, mac);
            mac[0] &= 0x7F;
            if (destination.Length < width)
            {
                return TooSmall;
            }

            mac[..width].CopyTo(destination);
            return width;
        }

        if (strategy.Kind != MaskStrategyKind.Fixed || strategy.FixedInteger is not long fixedValue)
        {
            return Null;
        }

        long result = fixedValue;
        bool fits = width switch
        {
            2 => result is >= short.MinValue and <= short.MaxValue,
            4 => result is >= int.MinValue and <= int.MaxValue,
            _ => true,
        };
        if (!fits)
        {
            return Null;
        }

        if (destination.Length < width)
        {
            return TooSmall;
        }

        switch (width)
        {
            case 2:
                BinaryPrimitives.WriteInt16BigEndian(destination, (short)result);
                break;
            case 4:
                BinaryPrimitives.WriteInt32BigEndian(destination, (int)result);
                break;
            default:
                BinaryPrimitives.WriteInt64BigEndian(destination, result);
                break;
        }

        return width;
    }

    /// <remarks>
    /// Characters are UTF-8 characters. A value that is not valid UTF-8 (a SQL_ASCII database stores any bytes)
    /// is counted in bytes: counting lead bytes there would let a run of continuation bytes pass as part of one
    /// "character" and show far more than N bytes.
    /// </remarks>
    private static int KeepLast(ReadOnlySpan<byte> value, int keep, Span<byte> destination)
    {
        bool utf8 = Utf8.IsValid(value);
        int characters = 0;
        foreach (byte b in value)
        {
            if (!utf8 || (b & 0xC0) != 0x80)
            {
                characters++;
            }
        }

        int hidden = characters <= keep ? characters : characters - keep;
        int keptFrom = value.Length;
        for (int seen = 0; seen < characters - hidden; keptFrom--)
        {
            if (!utf8 || (value[keptFrom - 1] & 0xC0) != 0x80)
            {
                seen++;
            }
        }

        ReadOnlySpan<byte> kept = value[keptFrom..];
        if (destination.Length < hidden + kept.Length)
        {
            return TooSmall;
        }

        destination[..hidden].Fill((byte)'*');
        kept.CopyTo(destination[hidden..]);
        return hidden + kept.Length;
    }

    private static ReadOnlySpan<byte> Domain(ReadOnlySpan<byte> email)
    {
        ReadOnlySpan<byte> trimmed = email.Trim(" \t\r\n"u8);
        return trimmed[trimmed.LastIndexOf((byte)'@')..];
    }

    private static int KeepDomain(ReadOnlySpan<byte> email, Span<byte> destination)
    {
        ReadOnlySpan<byte> domain = Domain(email);
        if (destination.Length < HiddenLocalPart.Length + domain.Length)
        {
            return TooSmall;
        }

        HiddenLocalPart.CopyTo(destination);
        domain.CopyTo(destination[HiddenLocalPart.Length..]);
        return HiddenLocalPart.Length + domain.Length;
    }

    private static int Pseudonym(ReadOnlySpan<byte> value, bool email, Span<byte> destination,
        PseudonymKey key)
    {
        ReadOnlySpan<byte> domain = email ? Domain(value) : [];
        int length = PseudonymPrefix.Length + PseudonymHexDigits + domain.Length;
        if (destination.Length < length)
        {
            return TooSmall;
        }

        Span<byte> mac = stackalloc byte[PseudonymKey.MacBytes];
        key.Compute(value, mac);
        PseudonymPrefix.CopyTo(destination);
        Span<byte> hex = destination.Slice(PseudonymPrefix.Length, PseudonymHexDigits);
        for (int i = 0; i < PseudonymHexDigits / 2; i++)
        {
            hex[2 * i] = HexDigits[mac[i] >> 4];
            hex[(2 * i) + 1] = HexDigits[mac[i] & 0xF];
        }

        domain.CopyTo(destination[(PseudonymPrefix.Length + PseudonymHexDigits)..]);
        return length;
    }

    private static ReadOnlySpan<byte> DetectorMarker(DetectorKind kind) => kind switch
    {
        DetectorKind.Email => "[redacted:email]"u8,
        DetectorKind.CardNumber => "[redacted:card_number]"u8,
        DetectorKind.UsSsn => "[redacted:us_ssn]"u8,
        DetectorKind.Iban => "[redacted:iban]"u8,
        DetectorKind.Phone => "[redacted:phone]"u8,
        DetectorKind.IPv4 => "[redacted:ipv4]"u8,
        DetectorKind.IPv6 => "[redacted:ipv6]"u8,
        DetectorKind.Jwt => "[redacted:jwt]"u8,
        DetectorKind.CloudAccessKey => "[redacted:cloud_access_key]"u8,
        _ => "[redacted:pem_private_key]"u8,
    };
}
