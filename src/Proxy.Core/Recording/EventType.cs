namespace Sluice.Core.Recording;

/// <summary>The type byte that starts every encoded event. Values are part of the file format.</summary>
internal enum EventType : byte
{
    SessionStarted = 1,
    Request = 2,
    Parameters = 3,
    Columns = 4,
    Row = 5,
    CopyData = 6,
    Completed = 7,
    Error = 8,
    Notice = 9,
    Note = 10,
    SessionEnded = 11,
}
