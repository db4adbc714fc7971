using System.Text;
using Sluice.Core.Configuration;
using Sluice.Core.Recording;
using Sluice.Core.Sql;

namespace Sluice.Fuzz;

/// <summary>
/// Fuzz targets for the protocol-neutral core: the SQL classifier, recordings read back from disk, and the
/// configuration loader. Each states which outcome is acceptable; anything else escapes and is a finding.
/// The core's test project compiles this file too, to replay the seed corpus.
/// </summary>
public static class CoreTargets
{
    // Recordings are read from a path, so each input goes to a file first; one per process is enough.
    private static readonly string s_recordingPath = Path.Combine(
        Path.GetTempPath(), $"sluice-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}.sluicerec");

    // A configuration's relative paths resolve against its folder, which holds one secret file the seeds name.
    private static readonly string s_configPath = MakeConfigFolder();

    private static long s_configsLoaded;
    private static long s_recordingEventsRead;

    /// <summary>Inputs that loaded as a whole configuration.</summary>
    public static long ConfigsLoaded => Interlocked.Read(ref s_configsLoaded);

    /// <summary>Events read back from inputs taken as recording files or event payloads.</summary>
    public static long RecordingEventsRead => Interlocked.Read(ref s_recordingEventsRead);

    /// <summary>
    /// SQL text two ways, UTF-8 decoded leniently and each byte as one character (so invalid UTF-8 and control
    /// characters reach the lexer): the classifier must never throw, and must be deterministic.
    /// </summary>
    public static void Sql(ReadOnlySpan<byte> data)
    {
        ClassifyChecked(Encoding.UTF8.GetString(data));
        ClassifyChecked(Encoding.Latin1.GetString(data));
    }

    /// <summary>
    /// Arbitrary bytes as a recording file (verified, read to the end, header read) and as one frame's event
    /// payload (byte 0 is the event count the frame header would claim). Only
    /// <see cref="RecordingFormatException"/>, or a Corrupt or IntactButTruncated verdict, may come of damage;
    /// whatever reads as events must also print as a replay.
    /// </summary>
    public static void Recording(ReadOnlySpan<byte> data)
    {
        File.WriteAllBytes(s_recordingPath, data.ToArray());
        VerificationResult verdict = RecordingVerifier.Verify(s_recordingPath);
        if (verdict.ValidBytes > verdict.FileBytes || verdict.FileBytes != data.Length
            || (verdict.Status == VerificationStatus.Intact && verdict.ValidBytes != verdict.FileBytes))
        {
            throw new InvalidOperationException("verification counts do not add up: " + verdict.Message);
        }

        var events = new List<RecordingEvent>();
        try
        {
            events.AddRange(RecordingReader.ReadEvents(s_recordingPath));
            if (verdict.Status == VerificationStatus.Corrupt)
            {
                throw new InvalidOperationException("the verifier found damage the reader did not: " + verdict.Message);
            }
        }
        catch (RecordingFormatException) when (verdict.Status == VerificationStatus.Corrupt)
        {
        }

        if (events.Count > verdict.Events)
        {
            throw new InvalidOperationException("the reader returned more events than the verifier counted");
        }

        try
        {
            _ = RecordingReader.ReadHeader(s_recordingPath);
        }
        catch (RecordingFormatException)
        {
        }

        Replay(events);
        Interlocked.Add(ref s_recordingEventsRead, events.Count);

        if (!data.IsEmpty)
        {
            var decoded = new List<RecordingEvent>();
            if (EventDecoder.Decode(data[1..], data[0], decoded) is null)
            {
                Replay(decoded);
                Interlocked.Add(ref s_recordingEventsRead, decoded.Count);
            }
        }
    }

    /// <summary>
    /// Arbitrary text as the YAML configuration: it loads, or fails with <see cref="ConfigException"/>.
    /// Secrets named by environment variable resolve to a fixed value; no real environment is read.
    /// </summary>
    public static void Config(ReadOnlySpan<byte> data)
    {
        string yaml = Encoding.UTF8.GetString(data);
        try
        {
            _ = ConfigLoader.Parse(yaml, s_configPath, FakeEnvironment);
            Interlocked.Increment(ref s_configsLoaded);
        }
        catch (ConfigException e) when (e.Line >= 1 && e.Column >= 1 && e.Reason.Length > 0)
        {
        }
    }

    private static string MakeConfigFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "sluice-fuzz-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "upstream-password"), "fuzz-password\n");
        return Path.Combine(folder, "sluice.yaml");
    }

    private static string? FakeEnvironment(string name) =>
        name.StartsWith("FUZZ_", StringComparison.Ordinal) ? "fuzz-secret-value-0123456789abcdef0123" : null;

    private static void Replay(List<RecordingEvent> events)
    {
        using var output = new StringWriter();
        ReplayFormatter.Write(output, events, new ReplayOptions(MaxRowsPerResult: 5, MaxCellChars: 20));
    }

    private static void ClassifyChecked(string sql)
    {
        IReadOnlyList<SqlStatement> first = SqlClassifier.Classify(sql);
        IReadOnlyList<SqlStatement> second = SqlClassifier.Classify(sql);
        if (first.Count != second.Count)
        {
            throw new InvalidOperationException("classifying the same text twice gave different statement counts");
        }

        int searchFrom = 0;
        for (int i = 0; i < first.Count; i++)
        {
            SqlStatement a = first[i];
            SqlStatement b = second[i];
            if (a.Text != b.Text || a.Class != b.Class || a.Fingerprint != b.Fingerprint || a.Keyword != b.Keyword
                || a.IsWriteWithoutWhere != b.IsWriteWithoutWhere || a.Setting != b.Setting
                || a.BodyClass != b.BodyClass || !a.Relations.SequenceEqual(b.Relations)
                || !a.Functions.SequenceEqual(b.Functions))
            {
                throw new InvalidOperationException($"statement {i} classified differently the second time");
            }

            if (a.Fingerprint.Length != 64 || !a.Fingerprint.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
            {
                throw new InvalidOperationException($"statement {i} has a malformed fingerprint");
            }

            if ((a.Class == StatementClass.Unknown) != (a.Uncertainty is not null))
            {
                throw new InvalidOperationException($"statement {i} is Unknown without a reason, or has a reason but a class");
            }

            // Statements come in text order and each is a piece of the text as sent.
            int at = sql.IndexOf(a.Text, searchFrom, StringComparison.Ordinal);
            if (at < 0 || a.Text.Length == 0)
            {
                throw new InvalidOperationException($"statement {i} is not a piece of the text, in order");
            }

            searchFrom = at + a.Text.Length;
        }
    }
}
