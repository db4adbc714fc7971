namespace Sluice.Protocols.Postgres;

/// <summary>What a frontend message will be answered with, so the backend side can tell which result is which.</summary>
internal enum PgExpectationKind : byte
{
    Query,
    Parse,
    Bind,
    DescribeStatement,
    DescribePortal,
    Execute,
    Close,
    Sync,
    FunctionCall,
}

/// <summary>
/// One answer the backend owes, queued by the frontend side in the order it forwarded the requests. Immutable once
/// queued: the two relay directions run on different threads.
/// </summary>
internal sealed record PgExpectation(
    PgExpectationKind Kind,
    string Name = "",
    string Statement = "",
    short[]? ResultFormats = null,
    bool ReadsProtected = false,
    char CloseTarget = '\0',
    bool[]? StatementFlags = null,
    PgCopyPlan?[]? CopyPlans = null)
{
    /// <summary>The COPY plan of the <paramref name="index"/>th statement, if it is a COPY TO STDOUT.</summary>
    public PgCopyPlan? CopyPlanOf(int index) => CopyPlans is { } plans && index < plans.Length ? plans[index] : null;

    /// <summary>
    /// Whether the <paramref name="index"/>th statement of a simple query may read a protected table. Past the
    /// statements the split found, every statement's flag counts: a miscount can only mask more.
    /// </summary>
    public bool StatementReadsProtected(int index) => StatementFlags is { } flags && index < flags.Length
        ? flags[index]
        : ReadsProtected;
}
