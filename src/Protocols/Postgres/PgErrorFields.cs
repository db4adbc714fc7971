namespace Sluice.Protocols.Postgres;

/// <summary>The fields of an ErrorResponse or NoticeResponse that the gateway acts on.</summary>
/// <param name="Severity">Non-localized severity (field V) when sent, else the localized one (field S).</param>
/// <param name="Code">SQLSTATE (field C).</param>
/// <param name="Message">Primary message (field M).</param>
/// <param name="Detail">Field D, if present.</param>
/// <param name="Hint">Field H, if present.</param>
public readonly record struct PgErrorFields(string Severity, string Code, string Message, string? Detail,
    string? Hint);
