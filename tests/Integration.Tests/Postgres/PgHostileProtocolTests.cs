using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Core.Recording;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Well-framed but hostile protocol use: invalid UTF-8 where text belongs, messages out of their order, and
/// messages at PostgreSQL's own size extremes. What the server would accept passes and works; what it refuses
/// is refused the same way; the gateway never crashes, never mangles the recording, and other sessions go on.
/// </summary>
[Collection("postgres")]
public sealed class PgHostileProtocolTests(PostgresFixture postgres) : PgHostileTestBase(postgres)
{
    private static readonly byte[] Invalid = [0xC3, 0x28, 0xFF];

    private readonly PostgresFixture _postgres = postgres;

    private protected override HarnessOptions Options { get; } = new()
    {
        AllowPlaintext = true,
        RecordBindParameters = true,
    };

    public static TheoryData<string> StartupIdentifiers => new() { "user", "database", "application_name" };

    [Theory]
    [MemberData(nameof(StartupIdentifiers))]
    public async Task InvalidUtf8InAStartupIdentifier_IsRefusedWith22021_AndNothingIsRecorded(string parameter)
    {
        (byte[], byte[])[] parameters =
        [
            ("user"u8.ToArray(), parameter == "user" ? [.. "raw"u8, .. Invalid] : "raw"u8.ToArray()),
            ("database"u8.ToArray(), parameter == "database" ? [.. "demo"u8, .. Invalid] : "demo"u8.ToArray()),
            ("application_name"u8.ToArray(), parameter == "application_name" ? [.. "app"u8, .. Invalid] : "app"u8.ToArray()),
        ];
        await using var client = await RawPgClient.ConnectAsync(Gateway.Port);
        await client.SendRawAsync(PgRawFrame.Startup(parameters));

        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("22021", error.Code);
        Assert.Contains($"\"{parameter}\" is not valid UTF-8", error.Message, StringComparison.Ordinal);
        await ExpectLogAsync(1005, LogLevel.Information, "not valid UTF-8");
        Assert.DoesNotContain(Gateway.Recordings.List(new RecordingFilter()), r => r.Header.Subject != "bystander");
        await AssertGatewayUnharmedAsync();
    }

    public static TheoryData<string> InvalidTextPlaces => new() { "query", "parse-text", "parse-name" };

    [Theory]
    [MemberData(nameof(InvalidTextPlaces))]
    public async Task InvalidUtf8InStatementText_IsRefusedByTheServer_AndRecordedAsSent(string place)
    {
        var application = UniqueName("utf8-" + place);
        byte[] text = [.. "SELECT 'caf"u8, .. Invalid, .. "'"u8];
        await using var client = await RawPgClient.ConnectAsync(Gateway.Port);
        await client.LoginAsync(Gateway.MintDevToken("utf8-" + place, "demo"), applicationName: application);
        if (place == "query")
        {
            await client.SendRawAsync(new PgRawFrame().CString(text).Build('Q'));
        }
        else
        {
            var name = place == "parse-name" ? [.. "stmt"u8, .. Invalid] : "stmt"u8.ToArray();
            var statement = place == "parse-text" ? text : "SELECT 1"u8.ToArray();
            await client.SendFramesAsync(
                new PgRawFrame().CString(name).CString(statement).Int16(0).Build('P'),
                new PgRawFrame().Build('S'));
        }

        var answer = await client.ReadUntilReadyAsync();
        var error = PgMessages.ErrorOrNotice(Assert.Single(answer, m => m.Type == (byte)'E').Frame);
        Assert.Equal("22021", error.Code);
        Assert.Equal("ERROR", error.Severity);
        Assert.Equal((byte)'Z', answer[^1].Type);

        // The session goes on, as it would on a direct connection.
        await client.SendAsync(w => PgWriter.Query(w, "SELECT 'still here'"));
        Assert.Contains(await client.ReadUntilReadyAsync(), m => m.Type == (byte)'D');
        await client.SendAsync(PgWriter.Terminate);
        Assert.True(await client.IsClosedByPeerAsync());

        var recording = await Gateway.WaitForRecordingAsync(r => r.Header.ApplicationName == application);
        var events = RecordingReader.ReadEvents(recording.Path).ToList();
        var request = events.OfType<RequestEvent>().First();
        if (place == "parse-name")
        {
            Assert.Equal("SELECT 1", request.Text);
        }
        else
        {
            // Recorded byte for byte; the reader shows the invalid bytes as U+FFFD, exactly where they were.
            Assert.Equal(Encoding.UTF8.GetString(text), request.Text);
        }

        Assert.Contains(events, e => e is ErrorEvent { Code: "22021" });
        Assert.Contains(events, e => e is SessionEndedEvent { Reason: "client terminated the session" });
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task BindAndExecuteWithoutParse_GetTheServersError_AndTheSessionGoesOn()
    {
        await using var client = await LoginAsync();
        await client.SendFramesAsync(
            new PgRawFrame().CString(""u8).CString("never_prepared"u8).Int16(0).Int16(0).Int16(0).Build('B'),
            new PgRawFrame().CString(""u8).Int32(0).Build('E'),
            new PgRawFrame().Build('S'),
            new PgRawFrame().CString("no_such_portal"u8).Int32(0).Build('E'),
            new PgRawFrame().Build('S'));

        var first = await client.ReadUntilReadyAsync();
        Assert.Equal("26000", PgMessages.ErrorOrNotice(Assert.Single(first, m => m.Type == (byte)'E').Frame).Code);
        var second = await client.ReadUntilReadyAsync();
        Assert.Equal("34000", PgMessages.ErrorOrNotice(Assert.Single(second, m => m.Type == (byte)'E').Frame).Code);
        await AssertQueryWorksAsync(client);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task CopyMessagesOutsideCopy_AreIgnoredAsTheServerIgnoresThem()
    {
        await using var client = await LoginAsync();
        await client.SendFramesAsync(
            new PgRawFrame().Bytes("1\t2\n"u8).Build('d'),
            new PgRawFrame().Build('c'),
            new PgRawFrame().CString("giving up"u8).Build('f'));
        await AssertQueryWorksAsync(client);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task SyncStorm_GetsOneReadyForQueryPerSync()
    {
        const int Syncs = 20_000;
        await using var client = await LoginAsync();
        var sync = new PgRawFrame().Build('S');
        var storm = new byte[sync.Length * Syncs];
        for (var i = 0; i < Syncs; i++)
        {
            sync.CopyTo(storm, i * sync.Length);
        }

        await client.SendRawAsync(storm);
        for (var i = 0; i < Syncs; i++)
        {
            Assert.Equal((byte)'Z', (await client.ReadMessageAsync()).Type);
        }

        await AssertQueryWorksAsync(client);
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task SecondStartupMessageAfterLogin_EndsTheSessionWith08P01()
    {
        await using var client = await LoginAsync();
        await client.SendAsync(w => PgWriter.StartupMessage(w, [new("user", "again"), new("database", "demo")]));
        var error = await client.ReadFatalErrorAsync();
        Assert.Equal("08P01", error.Code);
        await ExpectLogAsync(1007, LogLevel.Warning, "not valid after start-up");
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task TerminateInTheMiddleOfAnExtendedBatch_EndsTheSessionCleanly()
    {
        var application = UniqueName("terminate");
        await using var client = await LoginAsync(application);
        await client.SendFramesAsync(
            new PgRawFrame().CString(""u8).CString("SELECT pg_sleep(0.1)"u8).Int16(0).Build('P'),
            new PgRawFrame().CString(""u8).CString(""u8).Int16(0).Int16(0).Int16(0).Build('B'),
            new PgRawFrame().CString(""u8).Int32(0).Build('E'),
            new PgRawFrame().Build('X'));

        Assert.True(await client.IsClosedByPeerAsync() || await client.IsClosedByPeerAsync());
        await WaitForNoBackendAsync(application);
        var recording = await Gateway.WaitForRecordingAsync(r => r.Header.ApplicationName == application);
        Assert.Contains(
            RecordingReader.ReadEvents(recording.Path), e => e is SessionEndedEvent { Reason: "client terminated the session" });
        await AssertGatewayUnharmedAsync();
    }

    [Fact]
    public async Task BindWith65535Parameters_AndParseDeclaring65535Types_RunAndAreRecorded()
    {
        const int Count = ushort.MaxValue;
        var application = UniqueName("params");
        await using var client = await LoginAsync(application);
        var parse = new PgRawFrame().CString("wide"u8).CString("SELECT $65535::int4 + $1"u8).Int16(Count);
        var bind = new PgRawFrame().CString(""u8).CString("wide"u8).Int16(0).Int16(Count);
        for (var i = 1; i <= Count; i++)
        {
            parse.Int32(23);
            if (i is 1 or Count)
            {
                bind.Int32(1).Bytes(i == 1 ? "1"u8 : "6"u8);
            }
            else
            {
                bind.Int32(-1);
            }
        }

        await client.SendFramesAsync(
            parse.Build('P'),
            bind.Int16(0).Build('B'),
            new PgRawFrame().CString(""u8).Int32(0).Build('E'),
            new PgRawFrame().Build('S'));

        var answer = await client.ReadUntilReadyAsync();
        Assert.Equal("12DCZ"u8.ToArray(), answer.Select(m => m.Type).ToArray());
        Assert.Equal("7", Encoding.ASCII.GetString(answer[2].Frame.AsSpan(11)));
        await client.SendAsync(PgWriter.Terminate);
        Assert.True(await client.IsClosedByPeerAsync());

        var recording = await Gateway.WaitForRecordingAsync(r => r.Header.ApplicationName == application);
        var events = RecordingReader.ReadEvents(recording.Path).ToList();
        Assert.Contains(events, e => e is RequestEvent { Kind: RequestKind.Parse, Text: "SELECT $65535::int4 + $1" });
        var parameters = Assert.Single(events.OfType<ParametersEvent>());
        Assert.Equal(Count, parameters.Values.Count);
        Assert.Equal("6", Encoding.ASCII.GetString(parameters.Values[^1]!));
        Assert.Null(parameters.Values[1]);
        await AssertGatewayUnharmedAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResultWith1600Columns_ArrivesWhole_MaskedWhenMaskingIsOn(bool masking)
    {
        const int Columns = 1600;
        var subject = masking ? "wide-masked" : "wide-clear";
        await using var gateway = masking
            ? await GatewayHarness.StartAsync(_postgres, new HarnessOptions { MaskingYaml = MaskingRules.Yaml })
            : Gateway;
        var sql = "SELECT " + string.Join(", ", Enumerable.Range(1, Columns).Select(i => $"'user{i}@example.org'::text AS c{i}"));
        await using (var connection = await gateway.OpenAsync(gateway.MintDevToken(subject, "demo")))
        {
            foreach (var prepared in new[] { false, true })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                if (prepared)
                {
                    await command.PrepareAsync();
                }

                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(Columns, reader.FieldCount);
                for (var i = 0; i < Columns; i++)
                {
                    Assert.Equal(masking ? "****@example.org" : $"user{i + 1}@example.org", reader.GetString(i));
                }
            }
        }

        var recording = await gateway.WaitForRecordingAsync(r => r.Header.Subject == subject);
        var events = RecordingReader.ReadEvents(recording.Path).ToList();
        // Npgsql's own type-loading queries are in the recording too; the wide result is there once per run.
        Assert.Equal(2, events.OfType<ColumnsEvent>().Count(c => c.Columns.Count == Columns));
        var rows = events.OfType<RowEvent>().Where(r => r.Cells.Count == Columns).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(masking ? "****@example.org" : "user1600@example.org", Encoding.UTF8.GetString(rows[0].Cells[^1]!));
        if (masking)
        {
            Assert.All(gateway.Logs.Entries, e => Assert.True(e.Level < LogLevel.Error, e.ToString()));
            await gateway.DisposeAsync();
        }

        await AssertGatewayUnharmedAsync();
    }

    private async Task<RawPgClient> LoginAsync(string? applicationName = null)
    {
        var client = await RawPgClient.ConnectAsync(Gateway.Port);
        await client.LoginAsync(Gateway.MintDevToken(), applicationName: applicationName);
        return client;
    }

    private static async Task AssertQueryWorksAsync(RawPgClient client)
    {
        await client.SendAsync(w => PgWriter.Query(w, "SELECT 'after'"));
        var answer = await client.ReadUntilReadyAsync();
        Assert.Equal("TDCZ"u8.ToArray(), answer.Select(m => m.Type).ToArray());
    }
}
