using Sluice.Core.Recording;
using static Sluice.Core.Tests.Recording.RecordingTestData;

namespace Sluice.Core.Tests.Recording;

public sealed class ReplayFormatterTests
{
    [Fact]
    public async Task Replay_shows_identity_statements_rows_and_ending()
    {
        using var dir = new TempRecordingDirectory();
        var options = new RecordingOptions { RowBytesPerStatement = 40, FlushInterval = TimeSpan.FromHours(1) };
        var recorder = dir.Store.Create(Header(subject: "svc-reports"), options);
        recorder.Request(RequestKind.Query, default, Utf8("select id, name, avatar\nfrom users"));
        recorder.Columns(
        [
            new RecordedColumn("id", "int4", false),
            new RecordedColumn("name", "text", false),
            new RecordedColumn("avatar", "bytea", true),
        ]);
        recorder.Row(CellsCodec.Encode([Utf8("1"), Utf8("alice"), [0xCA, 0xFE]]));
        recorder.Row(CellsCodec.Encode([Utf8("2"), null, [0x01]]));
        recorder.Row(CellsCodec.Encode([Utf8("3"), Utf8("carol"), [0x02]]));  // past the 40-byte budget
        recorder.Completed(Utf8("SELECT 3"), 3, 60);
        recorder.Error(false, Utf8("42501"), Utf8("permission denied for table salaries"));
        recorder.Note("cancel", "client requested cancel");
        await recorder.CompleteAsync("client closed");

        var output = new StringWriter();
        ReplayFormatter.Write(output, RecordingReader.ReadEvents(recorder.FilePath), new ReplayOptions());
        string text = output.ToString();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains("svc-reports", text);
        Assert.Contains("orders (postgres)", text);
        Assert.Contains("select id, name, avatar", text);
        Assert.Contains("from users", text);
        Assert.Contains(lines, l => l.Trim() == "id | name  | avatar");
        Assert.Contains(lines, l => l.Trim() == "1  | alice | \\xcafe");
        Assert.Contains(lines, l => l.Trim() == "2  | NULL  | \\x01");
        Assert.DoesNotContain("carol", text);
        Assert.Contains("SELECT 3 (3 rows, 60 bytes)", text);
        Assert.Contains("(1 rows not recorded: budget)", text);
        Assert.Contains("ERROR 42501: permission denied for table salaries", text);
        Assert.Contains("note cancel: client requested cancel", text);
        Assert.Contains("session ended: client closed (1 statements, 3 rows, 60 bytes)", text);
        Assert.Matches(@"\[\+ *\d+\.\d{3}s\] query: select id, name, avatar", text);
    }

    [Fact]
    public void Replay_cuts_long_cells_and_limits_rows()
    {
        var at = DateTimeOffset.UnixEpoch;
        var events = new List<RecordingEvent>
        {
            new ColumnsEvent(at, [new RecordedColumn("v", "text", false)]),
        };
        for (int i = 0; i < 5; i++)
        {
            events.Add(new RowEvent(at, [Utf8(new string((char)('a' + i), 100))]));
        }

        events.Add(new CompletedEvent(at.AddSeconds(1.5), "SELECT 5", 5, 500, 5, false));
        var output = new StringWriter();

        ReplayFormatter.Write(output, events, new ReplayOptions(MaxRowsPerResult: 2, MaxCellChars: 10));
        string text = output.ToString();

        Assert.Contains("aaaaaaaaaa…", text);
        Assert.Contains("bbbbbbbbbb…", text);
        Assert.DoesNotContain("ccc", text);
        Assert.Contains("... 3 more rows recorded", text);
        Assert.Contains("[+   1.500s] SELECT 5", text);
    }

    [Fact]
    public void Control_characters_in_cells_are_escaped_so_tables_stay_aligned()
    {
        Assert.Equal("a\\nb\\tc", ReplayFormatter.Cell(Utf8("a\nb\tc"), binary: false, maxChars: 60));
        Assert.Equal("NULL", ReplayFormatter.Cell(null, binary: false, maxChars: 60));
        Assert.Equal("\\x0001ff", ReplayFormatter.Cell([0, 1, 255], binary: true, maxChars: 60));
    }
}
