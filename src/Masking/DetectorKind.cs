namespace Sluice.Masking;

/// <summary>The kinds of sensitive value <see cref="Detectors"/> recognises in text.</summary>
public enum DetectorKind : byte
{
    /// <summary>An e-mail address with a dotted domain and an alphabetic top-level label.</summary>
    Email,

    /// <summary>A payment card number: 13 to 19 digits, Luhn-valid, issuer digit 2 to 6.</summary>
    CardNumber,

    /// <summary>A US social security number in the dashed AAA-GG-SSSS form, invalid ranges excluded.</summary>
    UsSsn,

    /// <summary>An IBAN whose mod-97 check holds.</summary>
    Iban,

    /// <summary>An E.164 number (+ and 8 to 15 digits) or a formatted North American number.</summary>
    Phone,

    /// <summary>A dotted-quad IPv4 address.</summary>
    IPv4,

    /// <summary>An IPv6 address, full, compressed, or with an embedded IPv4 tail.</summary>
    IPv6,

    /// <summary>A JSON Web Token (JWS compact form, or a five-part JWE).</summary>
    Jwt,

    /// <summary>An AWS access key id, a Google API key, or a GitHub token.</summary>
    CloudAccessKey,

    /// <summary>A PEM private key block, BEGIN line through END line.</summary>
    PemPrivateKey,
}
