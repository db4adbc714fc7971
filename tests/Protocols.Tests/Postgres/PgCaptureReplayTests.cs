using System.Buffers;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

/// <summary>Every captured server stream frames cleanly, and the relay's hot path over it allocates nothing.</summary>
public sealed class PgCaptureReplayTests
{
    [Theory]
    [InlineData("psql-scram.backend.bin", true, 8)]
    [InlineData("md5.backend.bin", false, 1)]
    [InlineData("pgbench-extended.backend.bin", false, 8)]
    [InlineData("rows.backend.bin", false, 10_000)]
    public void BackendCapture_EveryDataRowValidates(string name, bool answeredSsl, int expectedRows)
    {
        List<byte[]> frames = Captures.BackendFrames(Captures.Read(name), answeredSsl);
        int rows = 0;
        foreach (byte[] frame in frames.Where(f => f[0] == (byte)PgBackendMessageType.DataRow))
        {
            Assert.True(PgMessages.ValidateCells(PgMessages.DataRowCells(frame)) > 0);
            rows++;
        }

        Assert.Equal(expectedRows, rows);
        Assert.Equal('I', PgMessages.ReadyForQueryStatus(frames.Last(f => f[0] == 'Z')));
    }

    [Fact]
    public void ScanningTenThousandRows_AllocatesNothing()
    {
        var buffer = new ReadOnlySequence<byte>(Captures.Read("rows.backend.bin"));
        Assert.Equal(10_000, ScanRows(buffer));

        long before = GC.GetAllocatedBytesForCurrentThread();
        int rows = ScanRows(buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, rows);
        Assert.Equal(0, allocated);
    }

    private static int ScanRows(ReadOnlySequence<byte> buffer)
    {
        int rows = 0;
        while (PgFrameScanner.TryScanMessage(buffer, 1 << 20, out byte type, out int length) == PgScanStatus.Complete)
        {
            if (type == (byte)PgBackendMessageType.DataRow)
            {
                rows += PgMessages.DataRowCells(buffer.Slice(0, length).FirstSpan).IsEmpty ? 0 : 1;
            }

            buffer = buffer.Slice(length);
        }

        return rows;
    }
}
