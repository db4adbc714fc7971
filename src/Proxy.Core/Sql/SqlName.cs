namespace Sluice.Core.Sql;

/// <summary>
/// A possibly schema-qualified object name. Unquoted parts are folded as the dialect folds them (PostgreSQL: ASCII
/// lower case); quoted parts keep their case, with escapes resolved.
/// </summary>
/// <param name="Schema">The qualifier just before the name, or null when the name is unqualified.</param>
/// <param name="Name">The object's own name.</param>
public readonly record struct SqlName(string? Schema, string Name)
{
    /// <summary>The name as <c>schema.name</c> or <c>name</c>, for logs and messages.</summary>
    public override string ToString() => Schema is null ? Name : Schema + "." + Name;
}
