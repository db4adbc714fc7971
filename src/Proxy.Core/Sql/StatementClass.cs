namespace Sluice.Core.Sql;

/// <summary>What a statement does, as far as a guardrail is concerned.</summary>
public enum StatementClass
{
    /// <summary>Reads data only (SELECT, VALUES, TABLE, SHOW, plain EXPLAIN, DECLARE of a read).</summary>
    Read,

    /// <summary>Changes rows (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, a data-modifying CTE).</summary>
    Write,

    /// <summary>Changes the schema (CREATE, ALTER, DROP, COMMENT, SELECT … INTO and the like).</summary>
    Ddl,

    /// <summary>Changes who may do what, or who the session is (GRANT, REVOKE, roles, SET ROLE).</summary>
    Privilege,

    /// <summary>COPY in either direction, to or from the client, a file or a program.</summary>
    Copy,

    /// <summary>Sets or resets a run-time parameter, named in <see cref="SqlStatement.Setting"/>.</summary>
    SessionSetting,

    /// <summary>Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, two-phase commit).</summary>
    Transaction,

    /// <summary>Maintenance and session housekeeping (VACUUM, ANALYZE, LOCK, LISTEN, FETCH, DISCARD …).</summary>
    Admin,

    /// <summary>Runs SQL the text does not show: DO, EXECUTE, PREPARE, CALL, functions that run SQL text.</summary>
    Dynamic,

    /// <summary>Not certain; <see cref="SqlStatement.Uncertainty"/> says why. Deny by default.</summary>
    Unknown,
}
