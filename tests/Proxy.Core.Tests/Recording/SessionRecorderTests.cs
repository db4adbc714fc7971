using Sluice.Core.Recording;
using static Sluice.Core.Tests.Recording.RecordingTestData;

namespace Sluice.Core.Tests.Recording;

public sealed class SessionRecorderTests
{
    [Fact]
    public async Task Rows_past_the_statement_budget_are_counted_but_not_stored()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions { RowBytesPerStatement = 100, FlushInterval = TimeSpan.FromHours(1) };
        var recorder = dir.Store.Create(Header(), options);
        var row = Cells(new string('r', 30));  // 2 + 4 + 30 = 36 bytes: two fit in 100, the third does not
        recorder.Columns([new RecordedColumn("v", "text", false)]);
        for (int i = 0; i < 5; i++)
        {
            recorder.Row(row);
        }

        recorder.Completed(Utf8("SELECT 5"), 5, 180);

        // The budget starts again with the next statement.
        recorder.Columns([new RecordedColumn("v", "text", false)]);
        recorder.Row(row);
        recorder.Completed(Utf8("SELECT 1"), 1, 36);
        recorder.CopyData(new byte[60], fromClient: true);
        recorder.CopyData(new byte[60], fromClient: true);
        recorder.Completed(Utf8("COPY 2"), 2, 120);
        await recorder.CompleteAsync("done");

        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        Assert.Equal(3, events.OfType<RowEvent>().Count());
        Assert.Single(events.OfType<CopyDataEvent>());
        var completions = events.OfType<CompletedEvent>().ToList();
        Assert.Equal((5L, 180L, 2L, true), (completions[0].Rows, completions[0].Bytes, completions[0].RowsRecorded,
            completions[0].Truncated));
        Assert.Equal((1L, 1L, false), (completions[1].Rows, completions[1].RowsRecorded, completions[1].Truncated));
        Assert.True(completions[2].Truncated);
        var ended = Assert.IsType<SessionEndedEvent>(events[^1]);
        Assert.Equal((3L, 8L, 336L), (ended.Statements, ended.Rows, ended.Bytes));
    }

    [Fact]
    public async Task Malformed_cells_are_not_stored()
    {
        using var dir = new TempRecordingDirectory();
        var recorder = dir.Store.Create(Header(), ManualFlush);
        recorder.Row([0, 1, 0, 0, 0, 9, 1]);  // one cell claiming 9 bytes, holding 1
        recorder.Completed(Utf8("SELECT 1"), 1, 7);
        await recorder.CompleteAsync("done");

        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        Assert.DoesNotContain(events, e => e is RowEvent);
        Assert.Equal(VerificationStatus.Intact, RecordingVerifier.Verify(recorder.FilePath).Status);
    }

    [Fact]
    public async Task A_recorder_that_is_never_completed_leaves_a_verifiable_file()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions { FlushInterval = TimeSpan.FromMilliseconds(30) };
        var recorder = dir.Store.Create(Header(), options);
        recorder.Request(RequestKind.Query, default, Utf8("select now()"));
        recorder.Completed(Utf8("SELECT 1"), 1, 8);

        // Nothing is disposed: as after a crash, only what the flusher wrote is on disk.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        VerificationResult verdict;
        do
        {
            await Task.Delay(20);
            verdict = RecordingVerifier.Verify(recorder.FilePath);
        }
        while (verdict.Events < 3 && DateTime.UtcNow < deadline);

        Assert.Equal(VerificationStatus.Intact, verdict.Status);
        Assert.False(verdict.HasSessionEnd);
        Assert.Equal(3, verdict.Events);
        Assert.Contains("ended without a closing frame", verdict.Message, StringComparison.Ordinal);
        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        Assert.Equal("select now()", events.OfType<RequestEvent>().Single().Text);
        var summary = dir.Store.List(new RecordingFilter()).Single();
        Assert.False(summary.Complete);
        Assert.Null(summary.EndReason);
        Assert.Equal(1, summary.Statements);
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task The_header_frame_is_on_disk_as_soon_as_the_recorder_exists()
    {
        using var dir = new TempRecordingDirectory();
        var header = Header(subject: "early-bird");
        await using var recorder = dir.Store.Create(header, ManualFlush);

        Assert.Equal("early-bird", RecordingReader.ReadHeader(recorder.FilePath).Subject);
        Assert.Equal(1, RecordingVerifier.Verify(recorder.FilePath).Frames);
    }

    [Fact]
    public async Task Concurrent_appends_from_two_threads_are_all_recorded()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions
        {
            RowBytesPerStatement = long.MaxValue,
            FlushInterval = TimeSpan.FromMilliseconds(5),
        };
        var recorder = dir.Store.Create(Header(), options);
        const int PerThread = 5000;
        using var start = new Barrier(2);
        var client = Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                recorder.Request(RequestKind.Query, default, Utf8($"select {i}"));
            }
        });
        var upstream = Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                recorder.Row(Cells(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        });
        await Task.WhenAll(client, upstream);
        await recorder.CompleteAsync("done");

        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        Assert.Equal(
            Enumerable.Range(0, PerThread).Select(i => $"select {i}"),
            events.OfType<RequestEvent>().Select(r => r.Text));
        Assert.Equal(
            Enumerable.Range(0, PerThread).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            events.OfType<RowEvent>().Select(r => Text(r.Cells[0])));
        Assert.Equal(VerificationStatus.Intact, RecordingVerifier.Verify(recorder.FilePath).Status);
    }

    [Fact]
    public async Task Steady_state_row_appends_allocate_nothing()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions
        {
            RowBytesPerStatement = long.MaxValue,
            FlushInterval = TimeSpan.FromHours(1),
        };
        var recorder = dir.Store.Create(Header(), options);
        var row = Cells("12345", "alice@example.com", null);
        recorder.Columns([new RecordedColumn("id", "int4", false)]);

        // Warm up: grow both buffers to their working size and run the code once.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 10_000; i++)
            {
                recorder.Row(row);
            }

            recorder.Flush();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            recorder.Row(row);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        await recorder.CompleteAsync("done");
    }

    [Fact]
    public void Create_rejects_session_ids_that_are_not_plain_file_names()
    {
        using var dir = new TempRecordingDirectory();
        Assert.Throws<ArgumentException>(() => dir.Store.Create(Header(sessionId: "../escape"), ManualFlush));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Create_refuses_to_overwrite_an_existing_recording()
    {
        using var dir = new TempRecordingDirectory();
        var header = Header();
        await using var first = dir.Store.Create(header, ManualFlush);
        Assert.Throws<IOException>(() => dir.Store.Create(header, ManualFlush));
    }

    [Fact]
    public async Task An_unrecorded_recorder_accepts_every_call_writes_nothing_and_says_why()
    {
        using var dir = new TempRecordingDirectory();
        var reason = new IOException("No space left on device", 28);
        var recorder = SessionRecorder.Unrecorded("s-unrecorded", "", ManualFlush, reason);

        recorder.Request(RequestKind.Query, default, Utf8("select 1"));
        recorder.Columns([new RecordedColumn("v", "text", false)]);
        recorder.Row(Cells("1"));
        recorder.Completed(Utf8("SELECT 1"), 1, 7);
        recorder.Note("masking", "0 values masked");
        recorder.Flush();
        await recorder.CompleteAsync("client disconnected");

        Assert.False(recorder.IsRecording);
        Assert.Same(reason, recorder.Fault);
        Assert.Same(reason, await recorder.Faulted.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Null(recorder.FinalHashHex);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task A_recorder_that_keeps_working_never_reports_a_fault()
    {
        using var dir = new TempRecordingDirectory();
        var recorder = dir.Store.Create(Header(), ManualFlush);
        recorder.Request(RequestKind.Query, default, Utf8("select 1"));
        recorder.Flush();
        await recorder.CompleteAsync("done");

        Assert.True(recorder.IsRecording);
        Assert.Null(recorder.Fault);
        Assert.False(recorder.Faulted.IsCompleted);
    }
}
