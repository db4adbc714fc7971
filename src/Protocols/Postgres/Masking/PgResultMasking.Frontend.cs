using System.Buffers;
using System.Text;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgResultMasking
{
    /// <summary>
    /// Reads one frontend message before it is forwarded. Returns a waiting outcome when the catalog must be
    /// consulted first; the message is then inspected again, so nothing here changes state before that check.
    /// </summary>
    public PgRelayOutcome Frontend(scoped ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        switch ((PgFrontendMessageType)frame[0])
        {
            case PgFrontendMessageType.Query:
            {
                var text = PgMessages.QueryText(frame);
                var readsProtected = ReadsProtected(text, out var lookup);
                if (lookup is not null)
                {
                    return PgRelayOutcome.Wait(lookup);
                }

                var sql = Encoding.UTF8.GetString(text);
                var statements = SplitStatements(sql);
                if (CopyPlans(statements, readsProtected, out var copyPlans) is { } pendingCopy)
                {
                    return PgRelayOutcome.Wait(pendingCopy);
                }

                RememberCursors(sql, readsProtected);
                Expect(new PgExpectation(
                    PgExpectationKind.Query, ReadsProtected: readsProtected,
                    StatementFlags: readsProtected ? StatementFlags(sql) : null, CopyPlans: copyPlans));
                if (Refusal(copyPlans) is { } refusal)
                {
                    replacement = Substitute(w => PgWriter.Query(w, RefusingStatement(refusal)));
                    return new PgRelayOutcome(false, false, refusal, null);
                }

                break;
            }

            case PgFrontendMessageType.Parse:
            {
                PgMessages.ParseMessage(frame, out var name, out var text, out _);
                var readsProtected = ReadsProtected(text, out var lookup);
                if (lookup is not null)
                {
                    return PgRelayOutcome.Wait(lookup);
                }

                var sql = Encoding.UTF8.GetString(text);
                if (CopyPlans([sql], readsProtected, out var copyPlans) is { } pendingCopy)
                {
                    return PgRelayOutcome.Wait(pendingCopy);
                }

                RememberCursors(sql, readsProtected);
                _statementReadsProtected[Key(name)] = readsProtected;
                _statementCopyPlans[Key(name)] = copyPlans?[0];
                Expect(new PgExpectation(PgExpectationKind.Parse, Key(name)));
                if (Refusal(copyPlans) is { } refusal)
                {
                    var statementName = Key(name);
                    replacement = Substitute(w => PgWriter.Parse(w, statementName, RefusingStatement(refusal), []));
                    return new PgRelayOutcome(false, false, refusal, null);
                }

                break;
            }

            case PgFrontendMessageType.Bind:
            {
                var (portal, statement, formats) = ReadBind(frame);
                var portalInfo = new PgExpectation(
                    PgExpectationKind.Execute, portal, statement, formats,
                    _statementReadsProtected.TryGetValue(statement, out var flag) && flag,
                    CopyPlans: _statementCopyPlans.TryGetValue(statement, out var copy) && copy is not null ? [copy] : null);
                _portals[portal] = portalInfo;
                Expect(new PgExpectation(PgExpectationKind.Bind, portal, statement));
                break;
            }

            case PgFrontendMessageType.Describe:
            {
                var reader = new PgMessageReader(frame[5..]);
                var target = (char)reader.ReadByte();
                var name = Key(reader.ReadCString());
                Expect(target == 'S'
                    ? new PgExpectation(PgExpectationKind.DescribeStatement, name, name)
                    : PortalExpectation(PgExpectationKind.DescribePortal, name));
                break;
            }

            case PgFrontendMessageType.Execute:
            {
                PgMessages.ExecuteMessage(frame, out var portal, out _);
                Expect(PortalExpectation(PgExpectationKind.Execute, Key(portal)));
                break;
            }

            case PgFrontendMessageType.Close:
            {
                var reader = new PgMessageReader(frame[5..]);
                var target = (char)reader.ReadByte();
                var name = Key(reader.ReadCString());
                _ = target == 'S' ? _statementReadsProtected.Remove(name) : _portals.Remove(name);
                Expect(new PgExpectation(PgExpectationKind.Close, name, CloseTarget: target));
                break;
            }

            case PgFrontendMessageType.Sync:
                Expect(new PgExpectation(PgExpectationKind.Sync));
                break;
            case PgFrontendMessageType.FunctionCall:
                Expect(new PgExpectation(PgExpectationKind.FunctionCall));
                break;
        }

        return PgRelayOutcome.Continue;
    }

    /// <summary>
    /// The statements of a simple query, split as the guardrails' lexer splits them (it knows PostgreSQL's
    /// strings, comments, dollar quoting and BEGIN ATOMIC bodies). Where it finds fewer statements than the server
    /// runs, the later results fall back to the judgement of the whole text, which can only mask more.
    /// </summary>
    private static List<string> SplitStatements(string sql)
    {
        var statements = Sluice.Core.Sql.SqlClassifier.Classify(sql).Select(s => s.Text).ToList();
        return statements.Count == 0 ? [sql] : statements;
    }

    private static string? Refusal(PgCopyPlan?[]? plans) =>
        plans?.FirstOrDefault(p => p?.Refusal is not null)?.Refusal is { } reason
            ? $"the gateway cannot mask this COPY, so it refuses it: {reason}"
            : null;

    private static string RefusingStatement(string message) => PgRefusal.Statement("0A000", message);

    /// <summary>Builds a replacement frontend message into the session's buffer.</summary>
    private ReadOnlySpan<byte> Substitute(Action<IBufferWriter<byte>> write)
    {
        _frontendBuffer.ResetWrittenCount();
        write(_frontendBuffer);
        return _frontendBuffer.WrittenSpan;
    }

    /// <summary>
    /// Plans for every COPY … TO STDOUT among the statements, or a task that works out the missing ones (they need
    /// the catalog); the caller waits for it and inspects the message again. Null plans when there is no COPY.
    /// </summary>
    private Task? CopyPlans(List<string> statements, bool readsProtected, out PgCopyPlan?[]? plans)
    {
        plans = null;
        for (var i = 0; i < statements.Count; i++)
        {
            var sql = statements[i];
            if (!PgCopyStatement.TryParse(sql, out var copy) || copy is null || !copy.IsToStdout)
            {
                continue;
            }

            if (!_copyPlans.TryGetValue(sql, out var plan))
            {
                return PlanCopyAsync(sql, copy, readsProtected);
            }

            plans ??= new PgCopyPlan?[statements.Count];
            plans[i] = plan;
        }

        return null;
    }

    private async Task PlanCopyAsync(string sql, PgCopyStatement copy, bool readsProtected)
    {
        _copyPlans[sql] = await BuildCopyPlanAsync(copy, readsProtected);
    }

    private async Task<PgCopyPlan> BuildCopyPlanAsync(PgCopyStatement copy, bool readsProtected)
    {
        if (copy.UnsupportedReason is { } reason)
        {
            return PgCopyPlan.Refused(reason);
        }

        var format = copy.Options.Format == PgCopyFormat.Binary ? (short)1 : (short)0;
        PgFieldDescription[] fields;
        if (copy.Query is { } query)
        {
            fields = await _catalog.DescribeAsync(query, CancellationToken.None);
            var oids = fields.Where(f => f.TableOid != 0).Select(f => f.TableOid).Distinct().ToList();
            await _catalog.ResolveRelationsAsync(oids, CancellationToken.None);
            readsProtected |= ReadsProtectedText(query);
        }
        else
        {
            var relation = await _catalog.ResolveTableAsync(copy.Schema, copy.Table!, CancellationToken.None);
            if (relation is null || !relation.IsKnown)
            {
                return PgCopyPlan.Refused($"the gateway cannot find table \"{copy.Table}\" to mask its COPY");
            }

            var byName = relation.Columns.ToDictionary(c => c.Value, c => c.Key, StringComparer.Ordinal);
            var numbers = copy.Columns?.Select(c => byName.TryGetValue(c, out var n) ? n : (short)0).ToList()
                ?? [.. relation.Columns.Keys.Order()];
            if (numbers.Contains((short)0))
            {
                return PgCopyPlan.Refused("a column of the COPY is not in its table");
            }

            fields = [.. numbers.Select(n => new PgFieldDescription(
                relation.Columns[n], relation.Oid, n, relation.ColumnTypes[n], -1, -1, format))];
        }

        var plan = BuildPlan(fields, [format], readsProtected);
        return new PgCopyPlan(copy.Options, fields.Length, plan.Plan);
    }

    /// <summary>The inner query of a COPY, judged like any statement (its names are resolved by now or next time).</summary>
    private bool ReadsProtectedText(string query) =>
        ReadsProtected(Encoding.UTF8.GetBytes(query), out var lookup) || lookup is not null;

    /// <summary>
    /// Per statement of a multi-statement query, whether it may read a protected table, so that a harmless
    /// statement beside a protected one is not masked for its neighbour. Names were resolved for the whole text.
    /// </summary>
    private bool[]? StatementFlags(string sql)
    {
        var statements = SplitStatements(sql);
        if (statements.Count < 2)
        {
            return null;
        }

        var flags = new bool[statements.Count];
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = ReadsProtected(Encoding.UTF8.GetBytes(statements[i]), out var lookup) || lookup is not null;
        }

        return flags;
    }

    /// <summary>
    /// What the backend needs to know about a portal's results. A portal bound in an earlier round trip is known;
    /// an unknown one (bound before masking could see it) is treated as reading protected data.
    /// </summary>
    private PgExpectation PortalExpectation(PgExpectationKind kind, string portal) =>
        _portals.TryGetValue(portal, out var info)
            ? info with { Kind = kind }
            : new PgExpectation(kind, portal, "", null, ReadsProtected: true);

    /// <summary>Bind: portal, statement, then (after the parameters) the result format codes.</summary>
    private static (string Portal, string Statement, short[] Formats) ReadBind(ReadOnlySpan<byte> frame)
    {
        var reader = new PgMessageReader(frame[5..]);
        var portal = Key(reader.ReadCString());
        var statement = Key(reader.ReadCString());
        var parameterFormats = reader.ReadUInt16BigEndian();
        reader.ReadBytes(2 * parameterFormats);
        var parameters = reader.ReadUInt16BigEndian();
        for (var i = 0; i < parameters; i++)
        {
            var length = reader.ReadInt32BigEndian();
            if (length > 0)
            {
                reader.ReadBytes(length);
            }
        }

        var count = reader.ReadUInt16BigEndian();
        var formats = new short[count];
        for (var i = 0; i < count; i++)
        {
            formats[i] = reader.ReadInt16BigEndian();
        }

        return (portal, statement, formats);
    }
}
