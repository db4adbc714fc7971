using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// How a PostgreSQL value reaches the client, in the masker's terms. Text format is always text; in binary format
/// the text types are UTF-8 text too, the integer types are big-endian integers, and every other type is opaque
/// (the masker can only replace it with NULL).
/// </summary>
internal static class PgValueKinds
{
    public static MaskValueKind Of(uint typeOid, short format) => format == 0
        ? MaskValueKind.Text
        : typeOid switch
        {
            25 or 1043 or 1042 or 19 or 114 or 142 or 705 => MaskValueKind.Text,
            21 => MaskValueKind.Int16,
            23 => MaskValueKind.Int32,
            20 => MaskValueKind.Int64,
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
