using System.Globalization;

namespace Sluice.Core.Recording;

/// <summary>Proves a recording is whole and untouched, or says where it is not.</summary>
public static class RecordingVerifier
{
    /// <summary>
    /// Said of a recording without its session end, which a gateway writes when it finalises a session: it was
    /// killed or crashed (or the session is still running), and everything after the last flush is missing.
    /// </summary>
    public const string NoClosingFrame =
        "ended without a closing frame: no session end was recorded, so the gateway stopped without finalising " +
        "this recording (killed or crashed) or the session is still open; events after the last flush are missing";

    private const string PartialTail = "the rest is a partial frame, as left by a crash";

    /// <summary>
    /// Checks every frame: magic, sequence, lengths, header check, hash chain, zstd stream and every event.
    /// A partial frame at the end gives <see cref="VerificationStatus.IntactButTruncated"/> with the valid
    /// prefix length; any other fault gives <see cref="VerificationStatus.Corrupt"/> naming the frame and offset.
    /// </summary>
    public static VerificationResult Verify(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var walker = RecordingWalker.Open(path);
        string? endReason = null;
        var result = walker.Start();
        while (result == ScanResult.Frame)
        {
            result = walker.NextFrame();
            if (result == ScanResult.Frame && walker.Events[^1] is SessionEndedEvent ended)
            {
                endReason = ended.Reason;
            }
        }

        var scanner = walker.Scanner;
        var status = result switch
        {
            ScanResult.Corrupt => VerificationStatus.Corrupt,
            ScanResult.End when scanner.Frames > 0 => VerificationStatus.Intact,
            _ => VerificationStatus.IntactButTruncated,
        };

        string counts = string.Create(
            CultureInfo.InvariantCulture, $"{scanner.Frames} frames, {walker.TotalEvents} events");
        string ending = endReason is null ? NoClosingFrame : $"session ended: {endReason}";
        string message = status switch
        {
            VerificationStatus.Intact => $"intact: {counts}, {ending}",
            VerificationStatus.IntactButTruncated => string.Create(
                CultureInfo.InvariantCulture,
                $"intact up to byte {scanner.ValidBytes} of {scanner.FileBytes} ({counts}, {ending}); {PartialTail}"),
            _ => $"corrupt: {walker.Error}; the {counts} before it are intact",
        };

        return new VerificationResult(
            status,
            scanner.Frames,
            walker.TotalEvents,
            scanner.ValidBytes,
            scanner.FileBytes,
            walker.SawSessionEnd,
            scanner.LastHashHex,
            message);
    }
}
