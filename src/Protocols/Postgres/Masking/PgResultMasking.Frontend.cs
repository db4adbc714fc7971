using System.Text;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgResultMasking
{
    /// <summary>
    /// Reads one frontend message before it is forwarded. Returns a waiting outcome when the catalog must be
    /// consulted first; the message is then inspected again, so nothing here changes state before that check.
    /// </summary>
    public PgRelayOutcome Frontend(ReadOnlySpan<byte> frame)
    {
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
                RememberCursors(sql, readsProtected);
                Expect(new PgExpectation(
                    PgExpectationKind.Query, ReadsProtected: readsProtected,
                    StatementFlags: readsProtected ? StatementFlags(sql) : null));
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

                RememberCursors(Encoding.UTF8.GetString(text), readsProtected);
                _statementReadsProtected[Key(name)] = readsProtected;
                Expect(new PgExpectation(PgExpectationKind.Parse, Key(name)));
                break;
            }

            case PgFrontendMessageType.Bind:
            {
                var (portal, statement, formats) = ReadBind(frame);
                var portalInfo = new PgExpectation(
                    PgExpectationKind.Execute, portal, statement, formats,
                    _statementReadsProtected.TryGetValue(statement, out var flag) && flag);
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
    /// Per statement of a multi-statement query, whether it may read a protected table, so that a harmless
    /// statement beside a protected one is not masked for its neighbour. Names were resolved for the whole text.
    /// </summary>
    private bool[]? StatementFlags(string sql)
    {
        var statements = PgSqlNames.SplitStatements(sql);
        if (statements is null || statements.Count < 2)
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
