using System.Globalization;

namespace Sluice.EndToEnd.Servers;

/// <summary>
/// CPU time and memory of one process, from /proc. Peak RSS is reset at the start of each case (writing 5 to
/// clear_refs resets VmHWM), so each case's peak is its own.
/// </summary>
internal static class ProcessMeter
{
    /// <summary>Clock ticks per second of /proc/PID/stat's times; 100 on every Linux the harness targets.</summary>
    private const double TicksPerSecond = 100.0;

    /// <summary>User plus system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name in parentheses may contain spaces; fields are counted after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (user + system) / TicksPerSecond;
    }

    /// <summary>Resident set size now, in bytes.</summary>
    public static long RssBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>Peak resident set size since the last <see cref="ResetPeak"/> (or since start), in bytes.</summary>
    public static long PeakRssBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>Starts a new peak; false where the kernel does not allow it (then the peak is since start).</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var value = line[field.Length..].Trim();
                return long.Parse(value[..value.IndexOf(' ')], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
