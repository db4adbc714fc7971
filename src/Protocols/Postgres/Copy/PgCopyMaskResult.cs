namespace Sluice.Protocols.Postgres;

/// <summary>
/// Special return values of a <see cref="PgCopyFieldMasker"/>. A delegate type cannot carry constants, so they
/// live here; any other negative value is treated as <see cref="PgCopyRewriteStatus.Malformed"/> output.
/// </summary>
public static class PgCopyMaskResult
{
    /// <summary>The field becomes NULL.</summary>
    public const int Null = -1;

    /// <summary>The masker's destination was too small for the new value.</summary>
    public const int DestinationTooSmall = int.MinValue;

    /// <summary>Keep the field's original bytes as they are (not re-encoded, not counted as masked).</summary>
    public const int Unchanged = int.MinValue + 1;
}
