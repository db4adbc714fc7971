namespace Sluice.Core.Sql;

public enum StatementClass { Read, Write, Ddl, Privilege, Copy, SessionSetting, Transaction, Admin, Dynamic, Unknown }

public readonly record struct SqlName(string? Schema, string Name);

public sealed record SqlStatement(string Text, StatementClass Class, IReadOnlyList<SqlName> Relations,
    IReadOnlyList<SqlName> Functions, bool IsWriteWithoutWhere, string? Setting, string Keyword,
    string Fingerprint, string? Uncertainty);
