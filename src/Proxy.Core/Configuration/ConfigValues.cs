using System.Globalization;
using System.Net;

namespace Sluice.Core.Configuration;

/// <summary>Parsers for the scalar formats the configuration uses: durations, sizes, endpoints.</summary>
internal static class ConfigValues
{
    /// <summary>Parses "500ms", "10s", "5m" or "1h" (a whole number and one unit).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (!TrySplitNumberAndUnit(text, out var n, out var unit))
        {
            return false;
        }

        long unitMs = unit switch
        {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => 0,
        };
        if (unitMs == 0 || n > TimeSpan.MaxValue.TotalMilliseconds / unitMs)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(n * unitMs);
        return true;
    }

    /// <summary>Splits "15s" or "16MiB" into the leading whole number and the unit after it.</summary>
    private static bool TrySplitNumberAndUnit(string text, out long number, out ReadOnlySpan<char> unit)
    {
        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && char.IsAsciiDigit(span[digits]))
        {
            digits++;
        }

        unit = span[digits..];
        number = 0;
        return digits > 0 && long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Parses a byte count: a plain integer, or a whole number with KiB, MiB or GiB.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (!TrySplitNumberAndUnit(text, out var n, out var suffix))
        {
            return false;
        }

        long unit = suffix switch
        {
            "" => 1,
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            _ => 0,
        };
        if (unit == 0 || n > long.MaxValue / unit)
        {
            return false;
        }

        bytes = n * unit;
        return true;
    }

    /// <summary>
    /// Parses "192.0.2.1:6432" or "[2001:db8::1]:6432". Host names are refused on purpose: a
    /// listener binds to an address, and resolving a name at start-up hides which one.
    /// </summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}' is not an address and port; write an IPv6 address as [::1]:6432";
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 || text.IndexOf(':') != colon)
            {
                error = $"'{text}' is not an address and port such as 127.0.0.1:6432 or [::1]:6432";
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        if (!IPAddress.TryParse(host, out var address) || (text.StartsWith('[') != (host.Contains(':'))))
        {
            error = $"'{host}' is not an IP address; listen takes an IPv4 or [IPv6] literal, not a host name";
            return false;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber)
            || portNumber > 65535)
        {
            error = $"port '{port}' is out of range; use 1 to 65535, or 0 for any free port";
            return false;
        }

        endpoint = new IPEndPoint(address, portNumber);
        error = string.Empty;
        return true;
    }

    /// <summary>Two listeners collide when they share a port and an address, or one binds every address.</summary>
    public static bool Overlap(IPEndPoint a, IPEndPoint b)
    {
        // Port 0 asks the system for a free port, so two such listeners never clash.
        if (a.Port != b.Port || a.Port == 0)
        {
            return false;
        }

        return a.Address.Equals(b.Address) || IsWildcard(a.Address) || IsWildcard(b.Address);
    }

    private static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
