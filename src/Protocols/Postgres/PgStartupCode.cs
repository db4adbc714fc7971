namespace Sluice.Protocols.Postgres;

/// <summary>The Int32 code that follows the length of an untyped startup-phase packet.</summary>
public enum PgStartupCode
{
    /// <summary>StartupMessage for protocol major version 3 (code 196608 for 3.0; any 3.x minor maps here).</summary>
    Startup30,

    /// <summary>SSLRequest, code 80877103.</summary>
    SslRequest,

    /// <summary>GSSENCRequest, code 80877104.</summary>
    GssEncRequest,

    /// <summary>CancelRequest, code 80877102.</summary>
    CancelRequest,

    /// <summary>Any other code, e.g. the long-gone protocol 2.0.</summary>
    Unknown,
}
