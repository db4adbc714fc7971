using Sluice.Core.Recording;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Session;

public sealed class PgRecordingFailureErrorTests
{
    [Fact]
    public void A_full_disk_is_disk_full_53100()
    {
        var error = PgSession.RecordingUnavailableError(RecordingFailureKind.DiskFull, starting: true);
        Assert.Equal("53100", error.SqlState);
        Assert.Equal(
            "session recording is unavailable (the recording disk is full), so the gateway refuses the session",
            error.Message);
    }

    [Theory]
    [InlineData(RecordingFailureKind.NotWritable)]
    [InlineData(RecordingFailureKind.IoError)]
    public void Other_failures_are_io_error_58030(RecordingFailureKind kind) =>
        Assert.Equal("58030", PgSession.RecordingUnavailableError(kind, starting: true).SqlState);

    [Fact]
    public void A_failure_mid_session_says_the_session_is_ended()
    {
        var error = PgSession.RecordingUnavailableError(RecordingFailureKind.DiskFull, starting: false);
        Assert.Equal(
            "session recording failed (the recording disk is full), so the gateway ends the session", error.Message);
    }
}
