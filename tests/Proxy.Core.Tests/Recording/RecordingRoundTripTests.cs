using Sluice.Core.Recording;
using static Sluice.Core.Tests.Recording.RecordingTestData;

namespace Sluice.Core.Tests.Recording;

public sealed class RecordingRoundTripTests
{
    [Fact]
    public async Task Every_event_type_reads_back_as_written()
    {
        using var dir = new TempRecordingDirectory();
        var header = Header();
        var options = new RecordingOptions { BindParameters = true, FlushInterval = TimeSpan.FromHours(1) };
        var recorder = dir.Store.Create(header, options);
        recorder.Request(RequestKind.Parse, Utf8("s1"), Utf8("select id, name from users where id = $1"));
        recorder.Request(RequestKind.Bind, Utf8("p1"), default);
        recorder.Parameters(Cells("42", null));
        recorder.Columns([new RecordedColumn("id", "int4", false), new RecordedColumn("photo", "bytea", true)]);
        recorder.Row(CellsCodec.Encode([Utf8("42"), new byte[] { 0xDE, 0xAD }]));
        recorder.Row(Cells("43", null));
        recorder.Completed(Utf8("SELECT 2"), 2, 99);
        recorder.CopyData(Utf8("1\talice\n"), fromClient: true);
        recorder.Error(false, Utf8("42P01"), Utf8("relation \"nope\" does not exist"));
        recorder.Notice(Utf8("01000"), Utf8("just so you know"));
        recorder.Note("cancel", "client requested cancel");
        await recorder.CompleteAsync("client closed");

        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();

        Assert.Collection(
            events,
            e =>
            {
                var started = Assert.IsType<SessionStartedEvent>(e);
                Assert.Equal(header with { Groups = started.Header.Groups }, started.Header);
                Assert.Equal(header.Groups, started.Header.Groups);
            },
            e =>
            {
                var request = Assert.IsType<RequestEvent>(e);
                Assert.Equal(
                    (RequestKind.Parse, "s1", "select id, name from users where id = $1", false),
                    (request.Kind, request.Name, request.Text, request.TextTruncated));
            },
            e => Assert.Equal((RequestKind.Bind, "p1", ""), Kind(e)),
            e => Assert.Equal(["42", "<null>"], Assert.IsType<ParametersEvent>(e).Values.Select(Text)),
            e => Assert.Equal(
                [new RecordedColumn("id", "int4", false), new RecordedColumn("photo", "bytea", true)],
                Assert.IsType<ColumnsEvent>(e).Columns),
            e =>
            {
                var cells = Assert.IsType<RowEvent>(e).Cells;
                Assert.Equal("42", Text(cells[0]));
                Assert.Equal(new byte[] { 0xDE, 0xAD }, cells[1]);
            },
            e => Assert.Equal(["43", "<null>"], Assert.IsType<RowEvent>(e).Cells.Select(Text)),
            e =>
            {
                var completed = Assert.IsType<CompletedEvent>(e);
                Assert.Equal(("SELECT 2", 2L, 99L, 2L, false), (completed.Tag, completed.Rows, completed.Bytes,
                    completed.RowsRecorded, completed.Truncated));
            },
            e =>
            {
                var copy = Assert.IsType<CopyDataEvent>(e);
                Assert.True(copy.FromClient);
                Assert.Equal("1\talice\n", Text(copy.Data));
            },
            e => Assert.Equal(
                (false, "42P01", "relation \"nope\" does not exist"),
                (((ErrorEvent)e).Fatal, ((ErrorEvent)e).Code, ((ErrorEvent)e).Message)),
            e => Assert.Equal(("01000", "just so you know"), (((NoticeEvent)e).Code, ((NoticeEvent)e).Message)),
            e => Assert.Equal(("cancel", "client requested cancel"), (((NoteEvent)e).Kind, ((NoteEvent)e).Detail)),
            e =>
            {
                var ended = Assert.IsType<SessionEndedEvent>(e);
                Assert.Equal(("client closed", 1L, 2L, 99L), (ended.Reason, ended.Statements, ended.Rows, ended.Bytes));
            });

        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].At >= events[i - 1].At, "timestamps never go backwards");
        }

        var verdict = RecordingVerifier.Verify(recorder.FilePath);
        Assert.Equal(VerificationStatus.Intact, verdict.Status);
        Assert.True(verdict.HasSessionEnd);
        Assert.Equal(events.Count, verdict.Events);
        Assert.Equal(recorder.FinalHashHex, verdict.FinalHashHex);
        Assert.Matches("^[0-9a-f]{64}$", recorder.FinalHashHex!);
        Assert.Equal(header.Subject, RecordingReader.ReadHeader(recorder.FilePath).Subject);
    }

    [Fact]
    public async Task Parameters_are_ignored_unless_configured()
    {
        using var dir = new TempRecordingDirectory();
        await using var recorder = dir.Store.Create(Header(), ManualFlush);
        recorder.Parameters(Cells("secret"));
        await recorder.CompleteAsync("done");

        Assert.DoesNotContain(RecordingReader.ReadEvents(recorder.FilePath), e => e is ParametersEvent);
    }

    [Fact]
    public async Task Events_spread_over_many_frames_read_back_in_order()
    {
        using var dir = new TempRecordingDirectory();
        var recorder = dir.Store.Create(Header(), ManualFlush);
        for (int i = 0; i < 40; i++)
        {
            recorder.Request(RequestKind.Query, default, Utf8($"select {i}"));
            recorder.Completed(Utf8("SELECT 1"), 1, 10);
            if (i % 3 == 0)
            {
                recorder.Flush();
            }
        }

        await recorder.CompleteAsync("done");

        var texts = RecordingReader.ReadEvents(recorder.FilePath).OfType<RequestEvent>().Select(r => r.Text);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"select {i}"), texts);
        var verdict = RecordingVerifier.Verify(recorder.FilePath);
        Assert.Equal(VerificationStatus.Intact, verdict.Status);
        Assert.Equal(16, verdict.Frames);  // header frame, 14 flushes, final frame
        Assert.Equal(40, dir.Store.List(new RecordingFilter()).Single().Statements);
    }

    [Fact]
    public async Task A_large_burst_is_cut_into_frames_no_larger_than_the_target()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions
        {
            RowBytesPerStatement = long.MaxValue,
            FlushInterval = TimeSpan.FromHours(1),
        };
        var recorder = dir.Store.Create(Header(), options);
        var cell = new string('x', 100_000);
        recorder.Columns([new RecordedColumn("blob", "text", false)]);
        for (int i = 0; i < 100; i++)
        {
            recorder.Row(Cells(cell + i));
        }

        recorder.Completed(Utf8("SELECT 100"), 100, 10_000_000);
        await recorder.CompleteAsync("done");

        var rows = RecordingReader.ReadEvents(recorder.FilePath).OfType<RowEvent>().ToList();
        Assert.Equal(100, rows.Count);
        Assert.Equal(cell + 99, Text(rows[99].Cells[0]));
        Assert.True(RecordingVerifier.Verify(recorder.FilePath).Frames >= 4, "10 MB of rows needs several frames");
    }

    [Fact]
    public async Task The_flusher_writes_frames_on_its_interval()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions { FlushInterval = TimeSpan.FromMilliseconds(20) };
        var recorder = dir.Store.Create(Header(), options);
        recorder.Request(RequestKind.Query, default, Utf8("select 1"));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (RecordingVerifier.Verify(recorder.FilePath).Frames < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Contains(RecordingReader.ReadEvents(recorder.FilePath), e => e is RequestEvent { Text: "select 1" });
        await recorder.CompleteAsync("done");
    }

    [Fact]
    public async Task Complete_is_idempotent_and_later_appends_are_ignored()
    {
        using var dir = new TempRecordingDirectory();
        var recorder = dir.Store.Create(Header(), ManualFlush);
        await recorder.CompleteAsync("first");
        await recorder.CompleteAsync("second");
        recorder.Request(RequestKind.Query, default, Utf8("select 'late'"));
        await recorder.DisposeAsync();

        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        Assert.Equal("first", Assert.IsType<SessionEndedEvent>(events[^1]).Reason);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task Oversized_request_text_is_cut_and_marked()
    {
        using var dir = new TempRecordingDirectory();
        var recorder = dir.Store.Create(Header(), ManualFlush);
        var text = new byte[RecordingFormat.MaxFieldBytes + 10];
        text.AsSpan().Fill((byte)'a');
        recorder.Request(RequestKind.Query, default, text);
        await recorder.CompleteAsync("done");

        var request = RecordingReader.ReadEvents(recorder.FilePath).OfType<RequestEvent>().Single();
        Assert.True(request.TextTruncated);
        Assert.Equal(RecordingFormat.MaxFieldBytes, request.Text.Length);
    }

    [Fact]
    public async Task Careless_input_still_produces_a_readable_recording()
    {
        using var dir = new TempRecordingDirectory();
        var header = Header() with { StartedAt = default, Issuer = null!, Groups = [null!] };
        var recorder = dir.Store.Create(header, ManualFlush);
        recorder.Request((RequestKind)200, default, Utf8("??"));
        recorder.Columns([default]);
        await recorder.CompleteAsync("done");

        var verdict = RecordingVerifier.Verify(recorder.FilePath);
        Assert.True(verdict.Status == VerificationStatus.Intact, verdict.Message);
        var events = RecordingReader.ReadEvents(recorder.FilePath).ToList();
        var started = Assert.IsType<SessionStartedEvent>(events[0]).Header;
        Assert.Equal(("", DateTimeOffset.UnixEpoch, ""), (started.Issuer, started.StartedAt, started.Groups[0]));
        Assert.Equal(RequestKind.Other, Assert.IsType<RequestEvent>(events[1]).Kind);
        Assert.Equal(new RecordedColumn("", "", false), Assert.IsType<ColumnsEvent>(events[2]).Columns[0]);
    }

    private static (RequestKind, string, string) Kind(RecordingEvent e)
    {
        var request = Assert.IsType<RequestEvent>(e);
        return (request.Kind, request.Name, request.Text);
    }
}
