namespace Sluice.Core.Configuration;

/// <summary>
/// A credential read from the configuration (inline, environment variable or file). Its
/// <see cref="ToString"/> never shows the value, so a secret that reaches a log line or an
/// exception message stays hidden.
/// </summary>
public sealed class Secret
{
    private readonly string _value;

    public Secret(string value, string origin)
    {
        _value = value;
        Origin = origin;
    }

    /// <summary>Where the value came from ("inline", "env:NAME", "file:/path"), safe to show.</summary>
    public string Origin { get; }

    public string Reveal() => _value;

    public override string ToString() => $"<secret from {Origin}>";
}
