namespace Sluice.Core.Recording;

/// <summary>What verification found.</summary>
/// <param name="Status">Overall verdict.</param>
/// <param name="Frames">Complete, valid frames.</param>
/// <param name="Events">Events in those frames.</param>
/// <param name="ValidBytes">Offset just past the last valid frame (the file header alone counts).</param>
/// <param name="FileBytes">Size of the file.</param>
/// <param name="HasSessionEnd">The valid part ends with the session end event.</param>
/// <param name="FinalHashHex">Lower-case hex SHA-256 of the last valid frame, or null if there is none.</param>
/// <param name="Message">One line for people: what was checked, or where and why it failed.</param>
public sealed record VerificationResult(
    VerificationStatus Status,
    int Frames,
    long Events,
    long ValidBytes,
    long FileBytes,
    bool HasSessionEnd,
    string? FinalHashHex,
    string Message);
