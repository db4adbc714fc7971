using System.Buffers;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres;

/// <summary>
/// Byte streams captured once from real PostgreSQL 15 sessions through a logging TCP relay: psql with SCRAM
/// (SSLRequest refused, simple queries, an error, a notice, COPY both ways, LISTEN/NOTIFY, \gdesc), psql with
/// md5, pgbench in extended mode, and psql fetching 10,000 seven-column text rows.
/// </summary>
internal static class Captures
{
    public static byte[] Read(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Postgres", "Captures", name));

    /// <summary>Splits a frontend capture: untyped packets until the StartupMessage, typed after it.</summary>
    public static List<byte[]> FrontendFrames(byte[] capture)
    {
        var frames = new List<byte[]>();
        var buffer = new ReadOnlySequence<byte>(capture);
        bool startup = true;
        while (!buffer.IsEmpty)
        {
            int length;
            if (startup)
            {
                Assert.Equal(PgScanStatus.Complete, PgFrameScanner.TryScanStartup(buffer, 1 << 20, out length));
                PgStartupPacket packet = PgStartupPacket.Parse(buffer.Slice(0, length).ToArray());
                startup = packet.Code != PgStartupCode.Startup30;
            }
            else
            {
                Assert.Equal(PgScanStatus.Complete, PgFrameScanner.TryScanMessage(buffer, 1 << 20, out _, out length));
            }

            frames.Add(buffer.Slice(0, length).ToArray());
            buffer = buffer.Slice(length);
        }

        return frames;
    }

    /// <summary>Splits a backend capture; a leading single 'N' is the answer to an SSLRequest.</summary>
    public static List<byte[]> BackendFrames(byte[] capture, bool answeredSsl)
    {
        var frames = new List<byte[]>();
        var buffer = new ReadOnlySequence<byte>(capture);
        if (answeredSsl)
        {
            Assert.Equal((byte)'N', capture[0]);
            buffer = buffer.Slice(1);
        }

        while (!buffer.IsEmpty)
        {
            Assert.Equal(PgScanStatus.Complete, PgFrameScanner.TryScanMessage(buffer, 1 << 20, out _, out int n));
            frames.Add(buffer.Slice(0, n).ToArray());
            buffer = buffer.Slice(n);
        }

        return frames;
    }
}
