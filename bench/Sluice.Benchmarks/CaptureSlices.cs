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
}
