namespace Sluice.Core.Sql;

/// <summary>The SQL dialect whose lexical rules and statement grammar <see cref="SqlClassifier"/> applies.</summary>
public enum SqlDialect
{
    /// <summary>PostgreSQL 15 with standard_conforming_strings on (the server default).</summary>
    PostgreSql,
}
