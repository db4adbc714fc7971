using System.Text;
using Sluice.Core.Recording;

namespace Sluice.Fuzz;

/// <summary>
/// Writes the recording target's seeds: small real recordings made by <see cref="SessionRecorder"/> (one frame,
/// several frames, a session cut short) and the decompressed event payload of each of their frames, in the
/// layout <see cref="CoreTargets.Recording"/> reads (byte 0: the frame's event count).
/// </summary>
internal static class RecordingSeeds
{
    public static async Task WriteAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        string scratch = Path.Combine(Path.GetTempPath(), "sluice-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        var store = new RecordingStore(scratch);
        var options = new RecordingOptions { FlushInterval = TimeSpan.FromHours(1), BindParameters = true };
        try
        {
            await using (SessionRecorder one = store.Create(Header(), options))
            {
                Statement(one, "SELECT id, email FROM customers WHERE id = 1", rows: 2);
            }

            SessionRecorder many = store.Create(Header(), options);
            Statement(many, "SELECT 1", rows: 1);
            many.Flush();
            many.Parameters(Cells("42", null));
            Statement(many, "UPDATE t SET x = $1", rows: 0);
            many.Flush();
            many.CopyData("1\tone\n"u8, fromClient: false);
            many.Error(fatal: false, "42P01"u8, "relation \"nope\" does not exist"u8);
            many.Notice("01000"u8, "careful"u8);
            many.Note("guardrail", "held for approval");
            await many.CompleteAsync("client closed");

            SessionRecorder cut = store.Create(Header(), options);
            Statement(cut, "DELETE FROM t WHERE id = 7", rows: 0);
            cut.Flush();
            await cut.DisposeAsync();

            int index = 0;
            foreach (string path in Directory.EnumerateFiles(scratch).Order())
            {
                byte[] whole = await File.ReadAllBytesAsync(path);
                string name = index switch { 0 => "one-frame", 1 => "several-frames", _ => "short-session" };
                await File.WriteAllBytesAsync(Path.Combine(folder, name), whole);
                if (index == 2)
                {
                    // A crash in the middle of the last frame.
                    await File.WriteAllBytesAsync(Path.Combine(folder, "cut-mid-frame"), whole[..(whole.Length - 9)]);
                }

                using FrameScanner scanner = FrameScanner.Open(path);
                scanner.ReadFileHeader();
                for (int frame = 0; scanner.Next(readPayload: true) == ScanResult.Frame; frame++)
                {
                    byte[] seed = [(byte)scanner.EventCount, .. scanner.Payload];
                    await File.WriteAllBytesAsync(Path.Combine(folder, $"{name}-payload-{frame}"), seed);
                }

                index++;
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Statement(SessionRecorder recorder, string sql, int rows)
    {
        recorder.Request(RequestKind.Query, [], Encoding.UTF8.GetBytes(sql));
        if (rows > 0)
        {
            recorder.Columns([new RecordedColumn("id", "int8", IsBinary: true), new RecordedColumn("email", "text", false)]);
            for (int i = 0; i < rows; i++)
            {
                recorder.Row(Cells("\0\0\0\0\0\0\0\u0001", i == 0 ? "a@example.com" : null));
            }
        }

        recorder.Completed(Encoding.UTF8.GetBytes(rows > 0 ? $"SELECT {rows}" : "UPDATE 0"), rows, 64);
    }

    private static byte[] Cells(params string?[] values) =>
        CellsCodec.Encode(values.Select(v => v is null ? null : Encoding.Latin1.GetBytes(v)).ToArray());

    private static SessionHeader Header() => new(
        RecordingStore.NewSessionId(), new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), "svc-fuzz",
        ["team-a"], "oidc", "https://issuer.example", "orders", "postgres", "127.0.0.1:50000", "app", "psql",
        "db.internal:5432", ClientTls: true);
}
