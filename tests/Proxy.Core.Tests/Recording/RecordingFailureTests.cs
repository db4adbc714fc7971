using Sluice.Core.Recording;

namespace Sluice.Core.Tests.Recording;

public sealed class RecordingFailureTests
{
    [Theory]
    [InlineData(28)]   // ENOSPC
    [InlineData(122)]  // EDQUOT
    public void No_space_and_spent_quota_are_a_full_disk(int errno) =>
        Assert.Equal(RecordingFailureKind.DiskFull, RecordingFailure.Classify(new IOException("full", errno)));

    [Fact]
    public void A_read_only_file_system_or_missing_permission_is_not_writable()
    {
        Assert.Equal(RecordingFailureKind.NotWritable, RecordingFailure.Classify(new IOException("ro", 30)));
        Assert.Equal(RecordingFailureKind.NotWritable, RecordingFailure.Classify(new UnauthorizedAccessException()));
    }

    [Fact]
    public void The_cause_is_found_inside_a_wrapping_exception()
    {
        var wrapped = new IOException("Cannot write recording x", new IOException("No space left on device", 28));
        Assert.Equal(RecordingFailureKind.DiskFull, RecordingFailure.Classify(wrapped));
    }

    [Fact]
    public void Any_other_error_is_an_io_error() =>
        Assert.Equal(RecordingFailureKind.IoError, RecordingFailure.Classify(new IOException("Input/output error", 5)));

    [Theory]
    [InlineData(RecordingFailureKind.DiskFull, "the recording disk is full")]
    [InlineData(RecordingFailureKind.NotWritable, "the recording directory is not writable")]
    [InlineData(RecordingFailureKind.IoError, "the recording file cannot be written")]
    public void Each_kind_reads_as_a_plain_phrase(RecordingFailureKind kind, string phrase) =>
        Assert.Equal(phrase, RecordingFailure.Describe(kind));
}
