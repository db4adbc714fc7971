namespace Sluice.Core.Configuration;

/// <summary>
/// A configuration file that cannot be used, with the position of the offending node and a
/// reason that says what to change. The message never contains a secret value.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, int line, int column, string reason)
        : base($"{file}:{line}:{column}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public ConfigException(string file, int line, int column, string reason, Exception innerException)
        : base($"{file}:{line}:{column}: {reason}", innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The configuration file, as it was named to the loader.</summary>
    public string File { get; }

    /// <summary>1-based line of the node at fault.</summary>
    public int Line { get; }

    /// <summary>1-based column of the node at fault.</summary>
    public int Column { get; }

    /// <summary>What is wrong and what to do about it, without the position.</summary>
    public string Reason { get; }
}
