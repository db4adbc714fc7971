using Sluice.Core.Configuration;
using Sluice.Core.Identity;

namespace Sluice.Core.Policy;

/// <summary>
/// Decides which connections a principal may open. A rule admits a principal to the connections
/// it names when the principal's subject is among its identities or any of the principal's
/// groups is among its groups. Nothing is allowed unless some rule says so.
/// </summary>
public sealed class AccessPolicy
{
    private readonly Dictionary<string, Admission> _byConnection = new(StringComparer.Ordinal);

    public AccessPolicy(IReadOnlyList<AccessRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);

        // Folded per connection up front, so a check is two set lookups per group, not a rule scan.
        foreach (var rule in rules)
        {
            foreach (var connection in rule.Connections)
            {
                if (!_byConnection.TryGetValue(connection, out var admission))
                {
                    admission = new Admission();
                    _byConnection.Add(connection, admission);
                }

                admission.Identities.UnionWith(rule.Identities);
                admission.Groups.UnionWith(rule.Groups);
            }
        }
    }

    public bool Allows(Principal principal, string connection)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(connection);

        if (!_byConnection.TryGetValue(connection, out var admission))
        {
            return false;
        }

        if (admission.Identities.Contains(principal.Subject))
        {
            return true;
        }

        foreach (var group in principal.Groups)
        {
            if (admission.Groups.Contains(group))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Admission
    {
        public HashSet<string> Identities { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);
    }
}
