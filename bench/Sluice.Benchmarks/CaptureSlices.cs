using System.Buffers;
using Sluice.Protocols.Postgres;

namespace Sluice.Benchmarks;

/// <summary>Cuts pieces out of captured backend streams.</summary>
internal static class CaptureSlices
{
    /// <summary>The bytes from the first RowDescription to the CommandComplete that ends its result.</summary>
    public static byte[] OneResult(byte[] capture)
    {
        var buffer = new ReadOnlySequence<byte>(capture);
        long offset = 0;
        long start = -1;
        while (PgFrameScanner.TryScanMessage(buffer.Slice(offset), int.MaxValue, out var type, out var length)
            == PgScanStatus.Complete)
        {
            if (type == (byte)PgBackendMessageType.RowDescription && start < 0)
            {
                start = offset;
            }

            offset += length;
            if (type == (byte)PgBackendMessageType.CommandComplete && start >= 0)
            {
                return capture[(int)start..(int)offset];
            }
        }

        throw new InvalidOperationException("the capture holds no complete result");
    }

    /// <summary>Where each DataRow's body (its cell list, the recording's row format) lies in a result.</summary>
    public static (int Start, int Length)[] DataRowBodies(byte[] result)
    {
        var rows = new List<(int, int)>();
        var buffer = new ReadOnlySequence<byte>(result);
        long offset = 0;
        while (PgFrameScanner.TryScanMessage(buffer.Slice(offset), int.MaxValue, out var type, out var length)
            == PgScanStatus.Complete)
        {
            if (type == (byte)PgBackendMessageType.DataRow)
            {
                rows.Add(((int)offset + 5, (int)length - 5));
            }

            offset += length;
        }

        return [.. rows];
    }
}
