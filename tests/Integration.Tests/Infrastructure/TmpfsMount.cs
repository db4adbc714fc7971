namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A small tmpfs mounted over a directory, to give the gateway a real full or read-only disk. Needs root (the
/// test machines run as root); when the mount is refused the test fails with the reason, it does not pass
/// silently. Unmounted lazily on dispose, so files the gateway still holds open do not keep it mounted.
/// </summary>
internal sealed class TmpfsMount : IAsyncDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static async Task<TmpfsMount> MountAsync(string path, string size, bool readOnly = false)
    {
        Directory.CreateDirectory(path);
        var options = $"size={size},mode=0755" + (readOnly ? ",ro" : "");
        var result = await RunAsync("mount", ["-t", "tmpfs", "-o", options, "sluice-test", path]);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"cannot mount a tmpfs over {path} (mount -o {options}: exit {result.ExitCode}: " +
                $"{result.StandardError.Trim()}); these tests need root or CAP_SYS_ADMIN to build a full or " +
                "read-only disk");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Writes a filler file until the file system reports it is full; returns the bytes written.</summary>
    public long Fill()
    {
        var chunk = new byte[64 * 1024];
        long written = 0;
        try
        {
            using var filler = new FileStream(
                System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                filler.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, which is the point. Top up with small writes for the last partial chunk.
        }

        try
        {
            using var topUp = new FileStream(
                System.IO.Path.Combine(Path, "filler-tail"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                topUp.Write(chunk.AsSpan(0, 512));
                written += 512;
            }
        }
        catch (IOException)
        {
        }

        return written;
    }

    public async ValueTask DisposeAsync()
    {
        var result = await RunAsync("umount", ["-l", Path]);
        Assert.True(result.Succeeded, $"umount -l {Path} failed: {result.StandardError}");
    }

    private static async Task<ProcessResult> RunAsync(string command, string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await ProcessRunner.RunAsync(command, arguments, asPostgres: false, ct: timeout.Token);
    }
}
