using System.Globalization;

namespace Sluice.EndToEnd.Reporting;

/// <summary>What the figures were measured on, for the table's heading and the JSON.</summary>
internal sealed record MachineDescription(string Cpu, int Cores, double MemoryGiB, string Kernel, string Os)
{
    public static MachineDescription Read()
    {
        var cpu = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memoryKiB = File.ReadLines("/proc/meminfo")
            .First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?
                .Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";
        return new MachineDescription(
            cpu,
            Environment.ProcessorCount,
            long.Parse(memoryKiB, CultureInfo.InvariantCulture) / 1048576.0,
            File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            os);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Os}, {Cores} cores ({Cpu}), {MemoryGiB:F0} GiB, Linux {Kernel}");
}
