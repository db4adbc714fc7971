namespace Sluice.Protocols.Postgres;

/// <summary>Outcome of asking <see cref="PgFrameScanner"/> whether a whole frame is buffered.</summary>
public enum PgScanStatus
{
    /// <summary>A whole frame is at the start of the buffer; its length was reported.</summary>
    Complete,

    /// <summary>The header or the body is not all here yet. Nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>The declared length exceeds the configured limit; the body was never examined.</summary>
    TooLarge,

    /// <summary>The declared length is impossible (below the header's own size).</summary>
    Malformed,
}
