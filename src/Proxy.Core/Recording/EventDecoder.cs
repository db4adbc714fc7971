using System.Buffers.Binary;
using System.Text;

namespace Sluice.Core.Recording;

/// <summary>
/// Decodes the events of one frame payload (encoding in <see cref="RecordingFormat"/>). Strict: an unknown
/// type, a bad flag, a field running past its event or bytes left over make the whole frame invalid.
/// </summary>
internal static class EventDecoder
{
    /// <summary>Decodes exactly <paramref name="expectedCount"/> events; returns an error text or null.</summary>
    public static string? Decode(ReadOnlySpan<byte> payload, int expectedCount, List<RecordingEvent> output)
    {
        int position = 0;
        int decoded = 0;
        while (position < payload.Length)
        {
            if (payload.Length - position < RecordingFormat.EventHeaderSize)
            {
                return $"event {decoded}: header runs past the frame";
            }

            byte type = payload[position];
            int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(payload[(position + 1)..]);
            position += RecordingFormat.EventHeaderSize;
            if (bodyLength < 8 || bodyLength > payload.Length - position)
            {
                return $"event {decoded}: length {bodyLength} out of range";
            }

            var reader = new FieldReader(payload.Slice(position, bodyLength));
            var item = DecodeOne((EventType)type, ref reader);
            if (item is null)
            {
                return $"event {decoded}: type {type} unknown or malformed";
            }

            output.Add(item);
            position += bodyLength;
            decoded++;
        }

        return decoded == expectedCount ? null : $"frame holds {decoded} events, header says {expectedCount}";
    }

    private static RecordingEvent? DecodeOne(EventType type, ref FieldReader reader)
    {
        if (!reader.TryTime(out var at))
        {
            return null;
        }

        RecordingEvent? item = type switch
        {
            EventType.SessionStarted => DecodeSessionStarted(at, ref reader),
            EventType.Request => DecodeRequest(at, ref reader),
            EventType.Parameters => DecodeCells(ref reader) is { } values ? new ParametersEvent(at, values) : null,
            EventType.Columns => DecodeColumns(at, ref reader),
            EventType.Row => DecodeCells(ref reader) is { } cells ? new RowEvent(at, cells) : null,
            EventType.CopyData => reader.TryBool(out bool fromClient) && reader.TryBlob(out var data)
                ? new CopyDataEvent(at, fromClient, data.ToArray()) : null,
            EventType.Completed => DecodeCompleted(at, ref reader),
            EventType.Error => reader.TryBool(out bool fatal) && reader.TryString(out string? code)
                && reader.TryString(out string? message) ? new ErrorEvent(at, fatal, code!, message!) : null,
            EventType.Notice => reader.TryString(out string? code) && reader.TryString(out string? message)
                ? new NoticeEvent(at, code!, message!) : null,
            EventType.Note => reader.TryString(out string? kind) && reader.TryString(out string? detail)
                ? new NoteEvent(at, kind!, detail!) : null,
            EventType.SessionEnded => reader.TryString(out string? reason) && reader.TryInt64(out long statements)
                && reader.TryInt64(out long rows) && reader.TryInt64(out long bytes)
                ? new SessionEndedEvent(at, reason!, statements, rows, bytes) : null,
            _ => null,
        };

        return item is not null && reader.AtEnd ? item : null;
    }

    private static SessionStartedEvent? DecodeSessionStarted(DateTimeOffset at, ref FieldReader reader)
    {
        if (!reader.TryString(out string? sessionId) || !reader.TryTime(out var startedAt)
            || !reader.TryString(out string? subject) || !reader.TryUInt16(out ushort groupCount))
        {
            return null;
        }

        var groups = new string[groupCount];
        for (int i = 0; i < groupCount; i++)
        {
            if (!reader.TryString(out string? group))
            {
                return null;
            }

            groups[i] = group!;
        }

        if (!reader.TryString(out string? authMethod) || !reader.TryString(out string? issuer)
            || !reader.TryString(out string? connection) || !reader.TryString(out string? protocol)
            || !reader.TryString(out string? clientAddress)
            || !reader.TryOptionalString(out string? clientUser)
            || !reader.TryOptionalString(out string? applicationName)
            || !reader.TryString(out string? upstream) || !reader.TryBool(out bool clientTls))
        {
            return null;
        }

        var header = new SessionHeader(
            sessionId!, startedAt, subject!, groups, authMethod!, issuer!, connection!, protocol!,
            clientAddress!, clientUser, applicationName, upstream!, clientTls);
        return new SessionStartedEvent(at, header);
    }

    private static RequestEvent? DecodeRequest(DateTimeOffset at, ref FieldReader reader)
    {
        if (!reader.TryByte(out byte kind) || kind < (byte)RequestKind.Query || kind > (byte)RequestKind.Other
            || !reader.TryBool(out bool truncated) || !reader.TryString(out string? name)
            || !reader.TryString(out string? text))
        {
            return null;
        }

        return new RequestEvent(at, (RequestKind)kind, name!, text!, truncated);
    }

    private static ColumnsEvent? DecodeColumns(DateTimeOffset at, ref FieldReader reader)
    {
        if (!reader.TryUInt16(out ushort count))
        {
            return null;
        }

        var columns = new RecordedColumn[count];
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryString(out string? name) || !reader.TryString(out string? typeName)
                || !reader.TryBool(out bool binary))
            {
                return null;
            }

            columns[i] = new RecordedColumn(name!, typeName!, binary);
        }

        return new ColumnsEvent(at, columns);
    }

    private static CompletedEvent? DecodeCompleted(DateTimeOffset at, ref FieldReader reader)
    {
        if (!reader.TryString(out string? tag) || !reader.TryInt64(out long rows) || !reader.TryInt64(out long bytes)
            || !reader.TryInt64(out long recorded) || !reader.TryBool(out bool truncated))
        {
            return null;
        }

        return new CompletedEvent(at, tag!, rows, bytes, recorded, truncated);
    }

    private static byte[]?[]? DecodeCells(ref FieldReader reader) =>
        reader.TryBlob(out var cells) ? CellsCodec.Decode(cells) : null;

    /// <summary>Reads the fields of one event body; every method fails rather than read past the body.</summary>
    private ref struct FieldReader(ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private int _position;

        public readonly bool AtEnd => _position == _body.Length;

        public bool TryByte(out byte value)
        {
            value = 0;
            if (_body.Length - _position < 1)
            {
                return false;
            }

            value = _body[_position++];
            return true;
        }

        public bool TryBool(out bool value)
        {
            value = false;
            if (!TryByte(out byte raw) || raw > 1)
            {
                return false;
            }

            value = raw == 1;
            return true;
        }

        public bool TryUInt16(out ushort value)
        {
            value = 0;
            if (_body.Length - _position < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16LittleEndian(_body[_position..]);
            _position += 2;
            return true;
        }

        public bool TryInt64(out long value)
        {
            value = 0;
            if (_body.Length - _position < 8)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(_body[_position..]);
            _position += 8;
            return true;
        }

        public bool TryTime(out DateTimeOffset value)
        {
            value = default;
            return TryInt64(out long micros) && RecordingFormat.TryFromMicros(micros, out value);
        }

        public bool TryBlob(out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_body.Length - _position < 4)
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_body[_position..]);
            if (length > (uint)(_body.Length - _position - 4))
            {
                return false;
            }

            value = _body.Slice(_position + 4, (int)length);
            _position += 4 + (int)length;
            return true;
        }

        public bool TryString(out string? value)
        {
            value = null;
            if (!TryBlob(out var bytes))
            {
                return false;
            }

            value = Encoding.UTF8.GetString(bytes);
            return true;
        }

        public bool TryOptionalString(out string? value)
        {
            value = null;
            if (_body.Length - _position >= 4
                && BinaryPrimitives.ReadUInt32LittleEndian(_body[_position..]) == uint.MaxValue)
            {
                _position += 4;
                return true;
            }

            return TryString(out value);
        }
    }
}
