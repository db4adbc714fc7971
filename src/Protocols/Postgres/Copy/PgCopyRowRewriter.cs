using System.Buffers;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Rewrites the rows of one COPY ... TO STDOUT stream so that a <see cref="PgCopyFieldMasker"/> can replace
/// individual fields. Create one per COPY operation (after CopyOutResponse, with its column count) and pass it
/// every CopyData payload in order: it remembers whether the binary header and the text/CSV header line were
/// seen. Fields the masker keeps are copied byte for byte; replaced fields are re-encoded the way the server
/// encodes them, so a masker that returns the decoded value unchanged reproduces the server's bytes.
/// </summary>
/// <remarks>
/// <para>Text and CSV: PostgreSQL sends one row per CopyData, but the protocol does not promise it, so the
/// rewriter checks: a payload must hold exactly one row ending in '\n' (a "\r\n" ending is accepted and kept;
/// any other raw '\r' or '\n' outside CSV quotes, or a CSV quote left open, is
/// <see cref="PgCopyRewriteStatus.NotOneRow"/>).
/// A field count other than the column count is <see cref="PgCopyRewriteStatus.Malformed"/>.</para>
/// <para>Binary: the first payload must start with the PGCOPY header (any header extension is kept); a payload
/// may then hold any number of whole tuples and the -1 trailer. A tuple cut short by the end of the payload is
/// <see cref="PgCopyRewriteStatus.Malformed"/>, as is anything after the trailer.</para>
/// <para>Steady state allocates nothing: decoded values that need unescaping go to a scratch buffer that only
/// grows when a longer field than any before arrives. Not thread-safe.</para>
/// </remarks>
public sealed partial class PgCopyRowRewriter
{
    /// <summary>
    /// How many bytes longer than the original decoded value a masked value may be for
    /// <see cref="MaxRewrittenLength"/> to hold.
    /// </summary>
    public const int MaskedValueAllowance = 256;

    /// <summary>NULL-string length <see cref="MaxRewrittenLength"/> assumes (the defaults are 2 and 0 bytes).</summary>
    public const int NullStringAllowance = 16;

    private const int InitialScratchBytes = 256;

    private readonly PgCopyFormat _format;
    private readonly byte _delimiter;
    private readonly byte _quote;
    private readonly byte _escape;
    private readonly byte[] _null;
    private readonly bool _hasHeaderLine;
    private readonly int _columnCount;
    private readonly SearchValues<byte> _csvUnquotedStops;
    private readonly SearchValues<byte> _textEscaped;
    private byte[] _scratch = new byte[InitialScratchBytes];
    private bool _headerDone;
    private bool _trailerSeen;

    /// <summary>Starts a rewriter for one COPY operation.</summary>
    /// <param name="options">The options of the COPY statement (see <see cref="PgCopyStatement"/>).</param>
    /// <param name="columnCount">The column count from CopyOutResponse.</param>
    /// <exception cref="ArgumentException">The options are ones PostgreSQL itself rejects.</exception>
    public PgCopyRowRewriter(PgCopyOptions options, int columnCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnCount, short.MaxValue);

        _format = options.Format;
        _delimiter = options.Delimiter;
        _quote = options.Quote;
        _escape = options.Escape;
        _null = Encoding.UTF8.GetBytes(options.Null);
        _hasHeaderLine = options.Header && options.Format != PgCopyFormat.Binary;
        _columnCount = columnCount;
        _headerDone = !_hasHeaderLine && _format != PgCopyFormat.Binary;
        _csvUnquotedStops = SearchValues.Create([_delimiter, _quote, (byte)'\n', (byte)'\r']);
        _textEscaped = SearchValues.Create([0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, (byte)'\\', _delimiter]);
        Validate();
    }

    /// <summary>The column count every row must have.</summary>
    public int ColumnCount => _columnCount;

    /// <summary>Binary format: the -1 trailer has been seen, so no further CopyData is valid.</summary>
    public bool TrailerSeen => _trailerSeen;

    /// <summary>
    /// A destination size that is always enough when every masked value is at most
    /// <see cref="MaskedValueAllowance"/> bytes longer than the value it replaces and the NULL string is at most
    /// <see cref="NullStringAllowance"/> bytes: escaping can at most double a value, CSV adds two quotes. With
    /// longer masked values, grow the buffer and retry on <see cref="PgCopyRewriteStatus.DestinationTooSmall"/>
    /// (the call changes no state then); each retry may double the size.
    /// </summary>
    public static int MaxRewrittenLength(int payloadLength, int columnCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        long perField = (2L * MaskedValueAllowance) + 2 + NullStringAllowance;
        long bound = (2L * payloadLength) + (columnCount * perField) + 8;
        return (int)Math.Min(bound, Array.MaxLength);
    }

    /// <summary>
    /// Rewrites the payload of one CopyData message (without the 'd' type byte and length) into
    /// <paramref name="destination"/>, calling <paramref name="masker"/> once per field of every data row (never
    /// for a header line or the binary header and trailer).
    /// </summary>
    /// <param name="payload">The CopyData payload as the server sent it.</param>
    /// <param name="destination">Receives the new payload; it must not overlap <paramref name="payload"/>.</param>
    /// <param name="masker">Decides each field's new value.</param>
    /// <param name="written">Bytes of the new payload in <paramref name="destination"/> (Rewritten, Unchanged).</param>
    /// <param name="maskedFields">Fields for which the masker returned something other than Unchanged.</param>
    /// <returns>
    /// <see cref="PgCopyRewriteStatus.Rewritten"/> or <see cref="PgCopyRewriteStatus.Unchanged"/> (the
    /// destination then holds an exact copy) on success; otherwise why not. Never throws for any payload.
    /// </returns>
    public PgCopyRewriteStatus Rewrite(
        ReadOnlySpan<byte> payload,
        Span<byte> destination,
        PgCopyFieldMasker masker,
        out int written,
        out int maskedFields)
    {
        ArgumentNullException.ThrowIfNull(masker);
        written = 0;
        maskedFields = 0;
        PgCopyRewriteStatus status = _format switch
        {
            PgCopyFormat.Binary => RewriteBinary(payload, destination, masker, ref written, ref maskedFields),
            PgCopyFormat.Csv => RewriteRow(payload, destination, masker, csv: true, ref written, ref maskedFields),
            _ => RewriteRow(payload, destination, masker, csv: false, ref written, ref maskedFields),
        };

        if (status != PgCopyRewriteStatus.Unchanged)
        {
            written = 0;
            maskedFields = 0;
            return status;
        }

        return maskedFields > 0 ? PgCopyRewriteStatus.Rewritten : PgCopyRewriteStatus.Unchanged;
    }

    private void Validate()
    {
        if (_format == PgCopyFormat.Binary)
        {
            return;
        }

        if (_delimiter is (byte)'\r' or (byte)'\n' or >= 0x80)
        {
            throw new ArgumentException("the COPY delimiter must be a single one-byte character other than CR/LF");
        }

        if (Array.IndexOf(_null, (byte)'\r') >= 0 || Array.IndexOf(_null, (byte)'\n') >= 0)
        {
            throw new ArgumentException("the COPY NULL string cannot contain CR or LF");
        }

        if (Array.IndexOf(_null, _delimiter) >= 0)
        {
            throw new ArgumentException("the COPY delimiter must not appear in the NULL string");
        }

        if (_format == PgCopyFormat.Text && _delimiter == (byte)'\\')
        {
            throw new ArgumentException("the COPY delimiter cannot be a backslash in text format");
        }

        if (_format == PgCopyFormat.Csv
            && (_quote is (byte)'\r' or (byte)'\n' or >= 0x80 || _escape is (byte)'\r' or (byte)'\n' or >= 0x80
                || _quote == _delimiter))
        {
            throw new ArgumentException(
                "the CSV quote and escape must be one-byte characters, the quote not the delimiter");
        }
    }

    /// <summary>Makes sure the scratch buffer can hold <paramref name="length"/> decoded bytes.</summary>
    private Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[(int)Math.Min(Array.MaxLength, Math.Max(length, 2L * _scratch.Length))];
        }

        return _scratch;
    }

    private static bool TryCopy(ReadOnlySpan<byte> source, Span<byte> destination, ref int position)
    {
        if (source.Length > destination.Length - position)
        {
            return false;
        }

        source.CopyTo(destination[position..]);
        position += source.Length;
        return true;
    }
}
