using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// How a PostgreSQL value reaches the client, in the masker's terms. Only the character types carry free text
/// (in either format: their binary form is UTF-8 too), so only they may receive a text replacement; binary
/// integers get integer replacements; every other value (numbers, dates, JSON… in text or binary form) is opaque,
/// and masking it yields NULL, because a marker such as "[redacted]" would not parse as its type.
/// </summary>
internal static class PgValueKinds
{
    public static MaskValueKind Of(uint typeOid, short format) => typeOid switch
    {
        25 or 1043 or 1042 or 19 or 705 => MaskValueKind.Text,
        21 when format == 1 => MaskValueKind.Int16,
        23 when format == 1 => MaskValueKind.Int32,
        20 when format == 1 => MaskValueKind.Int64,
        _ => MaskValueKind.Opaque,
    };

    /// <summary>The format of result column <paramref name="column"/> given a Bind's result format codes.</summary>
    public static short FormatOf(short[]? resultFormats, int column) => resultFormats switch
    {
        null or [] => 0,
        [var all] => all,
        _ => column < resultFormats.Length ? resultFormats[column] : (short)0,
    };
}
