using System.Buffers.Binary;

namespace Sluice.EndToEnd.Client;

/// <summary>
/// Walks the messages of one answer as they arrive, in whatever pieces the socket delivers, looking only at the
/// five-byte headers: counts rows (DataRow or CopyData), keeps an ErrorResponse's text, and stops at
/// ReadyForQuery.
/// </summary>
internal sealed class AnswerWalker
{
    private readonly byte[] _header = new byte[5];
    private int _headerBytes;
    private long _bodyLeft;
    private byte _type;
    private byte[]? _error;
    private int _errorBytes;

    public long Rows { get; private set; }

    public bool Done { get; private set; }

    public string? Error { get; private set; }

    public void Walk(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (Done)
            {
                throw new WireClientException("the server sent more after ReadyForQuery than was asked for");
            }

            if (_bodyLeft > 0)
            {
                var take = (int)Math.Min(_bodyLeft, data.Length);
                if (_error is not null)
                {
                    data[..take].CopyTo(_error.AsSpan(_errorBytes));
                    _errorBytes += take;
                }

                _bodyLeft -= take;
                data = data[take..];
                if (_bodyLeft == 0)
                {
                    EndOfMessage();
                }

                continue;
            }

            var headerTake = Math.Min(5 - _headerBytes, data.Length);
            data[..headerTake].CopyTo(_header.AsSpan(_headerBytes));
            _headerBytes += headerTake;
            data = data[headerTake..];
            if (_headerBytes < 5)
            {
                continue;
            }

            _headerBytes = 0;
            _type = _header[0];
            var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1));
            if (length < 4)
            {
                throw new WireClientException($"message '{(char)_type}' declares an impossible length {length}");
            }

            _bodyLeft = length - 4;
            if (_type is (byte)'D' or (byte)'d')
            {
                Rows++;
            }
            else if (_type == (byte)'E')
            {
                _error = new byte[length - 4];
                _errorBytes = 0;
            }

            if (_bodyLeft == 0)
            {
                EndOfMessage();
            }
        }
    }

    public void ThrowIfFailed(string sql)
    {
        if (Error is not null)
        {
            throw new WireClientException($"the server refused \"{sql}\": {Error}");
        }
    }

    private void EndOfMessage()
    {
        if (_error is not null)
        {
            Error ??= WireClient.ErrorText(_error);
            _error = null;
        }

        if (_type == (byte)'Z')
        {
            Done = true;
        }
    }
}
