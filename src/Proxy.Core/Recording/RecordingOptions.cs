namespace Sluice.Core.Recording;

/// <summary>Per-session recording settings; the host maps its configuration onto these.</summary>
public sealed class RecordingOptions
{
    /// <summary>
    /// Bytes of rows and COPY data stored per statement. Beyond it events are only counted,
    /// and the statement's completion says how many rows were left out.
    /// </summary>
    public long RowBytesPerStatement { get; init; } = 1024 * 1024;

    /// <summary>
    /// Whether <see cref="SessionRecorder.Parameters"/> stores bind values. Off by default because
    /// parameters often carry secrets and personal data; when off, the calls are ignored.
    /// </summary>
    public bool BindParameters { get; init; }

    /// <summary>Longest time an event waits in memory before it is written as part of a frame.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>zstd compression level for frames.</summary>
    public int ZstdLevel { get; init; } = 3;

    /// <summary>fsync after each frame; off by default, frames still reach the OS at once.</summary>
    public bool Fsync { get; init; }
}
