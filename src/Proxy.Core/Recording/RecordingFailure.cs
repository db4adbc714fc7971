namespace Sluice.Core.Recording;

/// <summary>Why a recording could not be created or written, in terms an operator and a client can act on.</summary>
public enum RecordingFailureKind
{
    /// <summary>No space left on the recording disk, or the disk quota is spent.</summary>
    DiskFull,

    /// <summary>The recording directory is on a read-only file system or not writable by the gateway.</summary>
    NotWritable,

    /// <summary>Any other input/output error.</summary>
    IoError,
}

/// <summary>Sorts the exceptions a recorder can fail with into <see cref="RecordingFailureKind"/>s.</summary>
public static class RecordingFailure
{
    // .NET reports an unmapped errno as an IOException whose HResult is the raw errno (Linux numbering).
    private const int NoSpace = 28;       // ENOSPC
    private const int ReadOnlyFs = 30;    // EROFS
    private const int QuotaExceeded = 122; // EDQUOT

    public static RecordingFailureKind Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case UnauthorizedAccessException:
                case IOException { HResult: ReadOnlyFs }:
                    return RecordingFailureKind.NotWritable;
                case IOException { HResult: NoSpace or QuotaExceeded }:
                    return RecordingFailureKind.DiskFull;
            }
        }

        return RecordingFailureKind.IoError;
    }

    /// <summary>A short phrase for messages: "the recording disk is full" and the like.</summary>
    public static string Describe(RecordingFailureKind kind) => kind switch
    {
        RecordingFailureKind.DiskFull => "the recording disk is full",
        RecordingFailureKind.NotWritable => "the recording directory is not writable",
        _ => "the recording file cannot be written",
    };
}
