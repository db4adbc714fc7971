using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Sluice.Core.Approvals;

/// <summary>
/// One JSON file per request in the data directory. Each save replaces the whole file through a temporary file
/// and a rename, so a crash leaves either the old or the new state, never half of one.
/// </summary>
internal sealed class ApprovalStore
{
    private const string Extension = ".json";
    private const string TempExtension = ".tmp";

    private readonly string _directory;
    private readonly ILogger _logger;

    public ApprovalStore(string directory, ILogger logger)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        Directory.CreateDirectory(_directory);
    }

    public string Folder => _directory;

    /// <summary>Reads every request file; a bad one is logged and skipped, never blocking the rest.</summary>
    public List<ApprovalRequest> LoadAll()
    {
        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + TempExtension))
        {
            // Left by a crash between write and rename; the real file still holds the previous state.
            TryDelete(temp);
        }

        var requests = new List<ApprovalRequest>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            var request = TryLoad(path);
            if (request is not null)
            {
                requests.Add(request);
            }
        }

        ApprovalLog.Loaded(_logger, requests.Count, _directory);
        return requests;
    }

    public void Save(ApprovalRequest request)
    {
        var final = PathFor(request.Id);
        var temp = Path.Combine(_directory, $"{request.Id}.{Guid.NewGuid():N}{TempExtension}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, request, ApprovalJsonContext.Default.ApprovalRequest);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, final, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private string PathFor(string id) => Path.Combine(_directory, id + Extension);

    private ApprovalRequest? TryLoad(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var request = JsonSerializer.Deserialize(stream, ApprovalJsonContext.Default.ApprovalRequest);
            if (request is null)
            {
                ApprovalLog.CorruptFile(_logger, path, "null document");
                return null;
            }

            // The id names the file; a mismatch means the file was copied or edited by hand.
            if (!ApprovalId.IsWellFormed(request.Id) || PathFor(request.Id) != path)
            {
                ApprovalLog.CorruptFile(_logger, path, "id does not match the file name");
                return null;
            }

            return request;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException
            or NotSupportedException or InvalidOperationException)
        {
            ApprovalLog.CorruptFile(_logger, path, e.Message);
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
