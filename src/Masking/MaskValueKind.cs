namespace Sluice.Masking;

/// <summary>
/// How a value is encoded on the wire, as the protocol tells the masker. The masker only ever writes output that
/// is valid for the kind: a kind it cannot write a masked form of gets NULL instead.
/// </summary>
/// <remarks>
/// Describe a column as <see cref="Text"/> only when its type accepts arbitrary text (text, varchar, name, ...).
/// A non-text type sent in text format (a date, a uuid, a numeric) should be described as <see cref="Opaque"/>:
/// a marker such as "[redacted]" would not parse as that type on the client.
/// </remarks>
// The members name the wire widths on purpose; protocols map their integer types onto them.
#pragma warning disable CA1720
public enum MaskValueKind : byte
{
    /// <summary>UTF-8 text: text format, or the binary format of text types.</summary>
    Text,

    /// <summary>A 2-byte big-endian integer.</summary>
    Int16,

    /// <summary>A 4-byte big-endian integer.</summary>
    Int32,

    /// <summary>An 8-byte big-endian integer.</summary>
    Int64,

    /// <summary>A binary encoding the masker cannot write: any masking yields NULL.</summary>
    Opaque,
}
#pragma warning restore CA1720
