namespace Sluice.Core.Recording;

/// <summary>
/// The directory of recordings: one file per session, named <c>&lt;session id&gt;.sluicerec</c>.
/// </summary>
public sealed class RecordingStore
{
    /// <summary>File name extension of recordings, dot included.</summary>
    public const string Extension = ".sluicerec";

    public RecordingStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>A new unique session id that sorts by creation time (a version 7 GUID, 32 hex digits).</summary>
    public static string NewSessionId() => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// Creates the recording file for a session and writes its header frame before returning, so a crash
    /// right after the session starts still leaves a readable recording.
    /// </summary>
    /// <exception cref="ArgumentException">The session id is not a plain file-name-safe token.</exception>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public SessionRecorder Create(SessionHeader header, RecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsSafeId(header.SessionId))
        {
            throw new ArgumentException("A session id must be 1 to 128 letters, digits, '-' or '_'.", nameof(header));
        }

        return new SessionRecorder(Path.Combine(Directory, header.SessionId + Extension), header, options);
    }

    /// <summary>
    /// Summaries of the recordings that match <paramref name="filter"/>, newest start first. Reads each file's
    /// header frame and last frame only and does not check hashes; files without an intact header frame
    /// are left out.
    /// </summary>
    public IReadOnlyList<RecordingSummary> List(RecordingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = new List<RecordingSummary>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            RecordingSummary? summary;
            try
            {
                summary = RecordingSummarizer.Summarize(path, filter);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (summary is not null)
            {
                result.Add(summary);
            }
        }

        result.Sort(static (a, b) =>
        {
            int order = b.Header.StartedAt.CompareTo(a.Header.StartedAt);
            return order != 0 ? order : string.CompareOrdinal(b.Header.SessionId, a.Header.SessionId);
        });
        return result;
    }

    /// <summary>
    /// Finds a recording by an existing file path, a full session id or a unique prefix of one
    /// (case-insensitive). Returns null when nothing matches or the prefix is ambiguous;
    /// <see cref="FindByPrefix"/> lists the candidates for a message.
    /// </summary>
    public string? Resolve(string idOrPrefixOrPath)
    {
        if (string.IsNullOrEmpty(idOrPrefixOrPath))
        {
            return null;
        }

        if (File.Exists(idOrPrefixOrPath))
        {
            return Path.GetFullPath(idOrPrefixOrPath);
        }

        var matches = FindByPrefix(idOrPrefixOrPath);
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Paths of all recordings whose session id starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> FindByPrefix(string prefix)
    {
        var matches = new List<string>();
        if (string.IsNullOrEmpty(prefix) || !IsSafeId(prefix))
        {
            return matches;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            if (Path.GetFileNameWithoutExtension(path).StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(path);
            }
        }

        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    private static bool IsSafeId(string id)
    {
        if (id.Length is 0 or > 128)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
