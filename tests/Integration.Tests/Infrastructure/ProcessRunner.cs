using System.Diagnostics;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Runs short-lived helper programs (initdb, pg_ctl, psql) and captures their output.</summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Tests run as root, but initdb and the postmaster refuse to; when privileged, commands are wrapped in
    /// <c>runuser -u postgres --</c>. A non-root developer runs them as themselves.
    /// </summary>
    public static bool RunAsPostgresUser => Environment.IsPrivilegedProcess;

    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, bool asPostgres)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A working directory the postgres user can enter; the test's own directory may be root-only.
            WorkingDirectory = "/",
        };

        if (asPostgres && RunAsPostgresUser)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postgres");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Stable, untranslated messages so failures can be matched and read; no stray client defaults.
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";
        foreach (string name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE" })
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        bool asPostgres,
        string? standardInput = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken ct = default)
    {
        var info = CreateStartInfo(fileName, arguments, asPostgres);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);

        try
        {
            await WriteInputAsync(process, standardInput, ct);
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task WriteInputAsync(Process process, string? input, CancellationToken ct)
    {
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child stopped reading early (psql quits at the first error with ON_ERROR_STOP); its exit code
            // and stderr tell the story, not the broken pipe.
        }
    }

    /// <summary>Synchronous variant for process-exit handlers, where nothing may be awaited.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, bool asPostgres, TimeSpan timeout)
    {
        using var process = Process.Start(CreateStartInfo(fileName, arguments, asPostgres))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
