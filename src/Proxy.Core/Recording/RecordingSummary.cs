namespace Sluice.Core.Recording;

/// <summary>
/// What <see cref="RecordingStore.List"/> learns about one recording without reading all of it.
/// Hashes are not checked here; use <see cref="RecordingVerifier"/> for that.
/// </summary>
/// <param name="Path">Full path of the recording file.</param>
/// <param name="Header">The session header from the first frame.</param>
/// <param name="EndedAt">When the session ended, if the recording holds its end.</param>
/// <param name="EndReason">Why the session ended, if the recording holds its end.</param>
/// <param name="Statements">Statements completed, as of the last complete frame.</param>
/// <param name="FileBytes">Size of the file.</param>
/// <param name="Complete">The recording ends with its session end and has no partial tail.</param>
public sealed record RecordingSummary(
    string Path,
    SessionHeader Header,
    DateTimeOffset? EndedAt,
    string? EndReason,
    long Statements,
    long FileBytes,
    bool Complete);
