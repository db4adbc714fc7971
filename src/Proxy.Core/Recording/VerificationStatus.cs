namespace Sluice.Core.Recording;

/// <summary>The outcome of <see cref="RecordingVerifier.Verify"/>.</summary>
public enum VerificationStatus
{
    /// <summary>Every byte belongs to a complete frame and the hash chain holds.</summary>
    Intact,

    /// <summary>The chain holds up to the last complete frame; a partial frame follows, as after a crash.</summary>
    IntactButTruncated,

    /// <summary>A hash, length, magic, sequence, compressed stream or event does not check out.</summary>
    Corrupt,
}
