namespace Sluice.Core.Recording;

/// <summary>A recording is damaged: thrown by <see cref="RecordingReader"/> at the first bad frame.</summary>
public sealed class RecordingFormatException : IOException
{
    public RecordingFormatException()
    {
    }

    public RecordingFormatException(string message)
        : base(message)
    {
    }

    public RecordingFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RecordingFormatException(string message, int frameIndex, long offset)
        : base(message)
    {
        FrameIndex = frameIndex;
        Offset = offset;
    }

    /// <summary>Index of the frame that failed, or -1 for the file header.</summary>
    public int FrameIndex { get; } = -1;

    /// <summary>Byte offset of the frame (or file header) that failed.</summary>
    public long Offset { get; }
}
