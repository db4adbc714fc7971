using Sluice.Core.Recording;
using static Sluice.Core.Tests.Recording.RecordingTestData;

namespace Sluice.Core.Tests.Recording;

public sealed class RecordingStoreTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempRecordingDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task List_returns_newest_first_with_end_and_statement_counts()
    {
        await RecordAsync("aaaa0001", "alice", "orders", Day.AddHours(1), statements: 2);
        await RecordAsync("aaaa0002", "bob", "orders", Day.AddHours(3), statements: 1);
        await RecordAsync("bbbb0003", "alice", "billing", Day.AddHours(2), statements: 0);

        var all = _dir.Store.List(new RecordingFilter());

        Assert.Equal(["aaaa0002", "bbbb0003", "aaaa0001"], all.Select(s => s.Header.SessionId));
        var first = all[2];
        Assert.Equal((2L, "done", true), (first.Statements, first.EndReason, first.Complete));
        Assert.NotNull(first.EndedAt);
        Assert.Equal(new FileInfo(first.Path).Length, first.FileBytes);
    }

    [Fact]
    public async Task List_filters_by_subject_connection_and_start_time()
    {
        await RecordAsync("aaaa0001", "alice", "orders", Day.AddHours(1), statements: 1);
        await RecordAsync("aaaa0002", "bob", "orders", Day.AddHours(3), statements: 1);
        await RecordAsync("bbbb0003", "alice", "billing", Day.AddHours(2), statements: 1);

        Assert.Equal(["bbbb0003", "aaaa0001"], Ids(new RecordingFilter(Subject: "alice")));
        Assert.Equal(["aaaa0002", "aaaa0001"], Ids(new RecordingFilter(Connection: "orders")));
        Assert.Equal(["aaaa0002", "bbbb0003"], Ids(new RecordingFilter(Since: Day.AddHours(2))));
        Assert.Equal(["bbbb0003", "aaaa0001"], Ids(new RecordingFilter(Until: Day.AddHours(3))));
        Assert.Equal(["bbbb0003"], Ids(new RecordingFilter("alice", "billing", Day, Day.AddDays(1))));
        Assert.Empty(Ids(new RecordingFilter(Subject: "ALICE")));
    }

    [Fact]
    public async Task List_skips_files_without_a_readable_header_and_marks_cut_files_incomplete()
    {
        string path = await RecordAsync("aaaa0001", "alice", "orders", Day, statements: 3);
        byte[] whole = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, whole.AsMemory(0, whole.Length - 5).ToArray());
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "junk" + RecordingStore.Extension), "junk");

        var summary = Assert.Single(_dir.Store.List(new RecordingFilter()));

        Assert.False(summary.Complete);
        Assert.Null(summary.EndReason);
        Assert.Equal("alice", summary.Header.Subject);
    }

    [Fact]
    public async Task Resolve_accepts_a_unique_prefix_a_full_id_or_a_path()
    {
        string first = await RecordAsync("abcd0001", "alice", "orders", Day, statements: 0);
        string second = await RecordAsync("abcd0002", "alice", "orders", Day, statements: 0);

        Assert.Equal(first, _dir.Store.Resolve("abcd0001"));
        Assert.Equal(second, _dir.Store.Resolve("ABCD0002"));
        Assert.Equal(first, _dir.Store.Resolve(first));
        Assert.Null(_dir.Store.Resolve("abcd"));  // ambiguous
        Assert.Equal([first, second], _dir.Store.FindByPrefix("abcd"));
        Assert.Null(_dir.Store.Resolve("ffff"));
        Assert.Null(_dir.Store.Resolve("../abcd"));
        Assert.Null(_dir.Store.Resolve(""));
    }

    [Fact]
    public void New_session_ids_are_unique_and_sort_by_creation()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => RecordingStore.NewSessionId()).ToList();

        Assert.Equal(50, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        var first = RecordingStore.NewSessionId();
        Thread.Sleep(5);
        var later = RecordingStore.NewSessionId();
        Assert.True(string.CompareOrdinal(first, later) < 0);
    }

    private List<string> Ids(RecordingFilter filter) =>
        _dir.Store.List(filter).Select(s => s.Header.SessionId).ToList();

    private async Task<string> RecordAsync(
        string id, string subject, string connection, DateTimeOffset startedAt, int statements)
    {
        var recorder = _dir.Store.Create(Header(id, subject, connection, startedAt), ManualFlush);
        for (int i = 0; i < statements; i++)
        {
            recorder.Request(RequestKind.Query, default, Utf8("select 1"));
            recorder.Completed(Utf8("SELECT 1"), 1, 5);
            recorder.Flush();
        }

        await recorder.CompleteAsync("done");
        return recorder.FilePath;
    }
}
