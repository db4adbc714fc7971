using System.Buffers;
using System.Buffers.Binary;
using Sluice.Masking;

namespace Sluice.Protocols.Postgres;

internal sealed partial class PgResultMasking
{
    private const int MaxRowBufferBytes = 1 << 30;

    /// <summary>
    /// Reads one backend message. For a DataRow that needs masking, <paramref name="rewritten"/> is the whole
    /// replacement frame; otherwise it is empty and the frame passes as it is.
    /// </summary>
    public PgRelayOutcome Backend(scoped ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> rewritten)
    {
        rewritten = default;
        _expected.TryPeek(out var head);
        switch ((PgBackendMessageType)frame[0])
        {
            case PgBackendMessageType.DataRow:
                return MaskRow(frame, head, out rewritten);
            case PgBackendMessageType.RowDescription:
                return Describe(frame, head);
            case PgBackendMessageType.ParseComplete:
                _statementFields.Remove(Dequeue(PgExpectationKind.Parse).Name);
                break;
            case PgBackendMessageType.BindComplete:
                _portalPlans.Remove(Dequeue(PgExpectationKind.Bind).Name);
                break;
            case PgBackendMessageType.CloseComplete:
                var closed = Dequeue(PgExpectationKind.Close);
                _ = closed.CloseTarget == 'S' ? _statementFields.Remove(closed.Name) : _portalPlans.Remove(closed.Name);
                break;
            case PgBackendMessageType.NoData:
                var described = Dequeue(head?.Kind == PgExpectationKind.DescribeStatement
                    ? PgExpectationKind.DescribeStatement
                    : PgExpectationKind.DescribePortal);
                if (described.Kind == PgExpectationKind.DescribeStatement)
                {
                    _statementFields[described.Name] = [];
                }
                else
                {
                    _portalPlans[described.Name] = new PortalPlan(null, 0);
                }

                break;
            case PgBackendMessageType.CommandComplete:
                if (IsDdl(PgMessages.CommandTag(frame)))
                {
                    _catalog.Invalidate();
                    _copyPlans.Clear();
                }

                _copyRewriter = null;

                EndResult(head);
                break;
            case PgBackendMessageType.EmptyQueryResponse:
                EndResult(head);
                break;
            case PgBackendMessageType.PortalSuspended:
                Dequeue(PgExpectationKind.Execute);
                break;
            case PgBackendMessageType.ErrorResponse:
                _copyRewriter = null;
                OnError(head);
                break;
            case PgBackendMessageType.ReadyForQuery:
                _expected.TryDequeue(out _);
                _queryResult = null;
                _queryStatement = 0;
                break;
            case PgBackendMessageType.CopyOutResponse:
            case PgBackendMessageType.CopyBothResponse:
                return CopyOut(frame, head);
            case PgBackendMessageType.CopyData when _copyRewriter is not null:
                return MaskCopyData(frame, out rewritten);
            case PgBackendMessageType.CopyDone:
                _copyRewriter = null;
                break;
        }

        return PgRelayOutcome.Continue;
    }

    /// <summary>A result's rows are over: a simple query's next statement starts afresh, an Execute is answered.</summary>
    private void EndResult(PgExpectation? head)
    {
        if (head?.Kind == PgExpectationKind.Execute)
        {
            _portalPlans.Remove(Dequeue(PgExpectationKind.Execute).Name);
        }
        else
        {
            _queryResult = null;
            _queryStatement++;
        }
    }

    /// <summary>
    /// In the extended protocol the server skips everything up to Sync after an error, so every answer still
    /// owed before that Sync is dropped. A simple query goes on to its ReadyForQuery.
    /// </summary>
    private void OnError(PgExpectation? head)
    {
        _queryResult = null;
        if (head is null || head.Kind is PgExpectationKind.Query or PgExpectationKind.FunctionCall)
        {
            return;
        }

        while (_expected.TryPeek(out var next) && next.Kind != PgExpectationKind.Sync)
        {
            _expected.TryDequeue(out _);
        }
    }

    private PgExpectation Dequeue(PgExpectationKind kind)
    {
        if (!_expected.TryDequeue(out var head) || head.Kind != kind)
        {
            throw new MaskingException(
                $"the database answered out of the order the gateway expected (expected {kind}, had {head?.Kind})");
        }

        return head;
    }

    private PgRelayOutcome Describe(ReadOnlySpan<byte> frame, PgExpectation? head)
    {
        var count = PgMessages.RowDescriptionCount(frame);
        var fields = new PgFieldDescription[count];
        PgMessages.RowDescription(frame, fields);
        var unresolved = fields.Where(f => f.TableOid != 0 && !_catalog.TryGetRelation(f.TableOid, out _))
            .Select(f => f.TableOid).ToList();
        if (unresolved.Count > 0)
        {
            return PgRelayOutcome.Wait(_catalog.ResolveRelationsAsync(unresolved, CancellationToken.None));
        }

        switch (head?.Kind)
        {
            case PgExpectationKind.DescribeStatement:
                _statementFields[Dequeue(PgExpectationKind.DescribeStatement).Name] = fields;
                break;
            case PgExpectationKind.DescribePortal:
                var portal = Dequeue(PgExpectationKind.DescribePortal);
                _portalPlans[portal.Name] = BuildPlan(fields, null, portal.ReadsProtected);

                // The portal's columns are its statement's: later portals of the same statement (JDBC binds a
                // server-prepared statement again without describing it) are planned from them with their own
                // Bind formats.
                _statementFields[portal.Statement] = fields;
                break;
            case PgExpectationKind.Query or PgExpectationKind.FunctionCall:
                _queryResult = BuildPlan(fields, null, head.StatementReadsProtected(_queryStatement));
                break;
            default:
                throw new MaskingException("a result description arrived that no request asked for");
        }

        return PgRelayOutcome.Continue;
    }

    /// <summary>
    /// Builds a result's plan. Formats come from the RowDescription itself, or, for a statement described before
    /// its Bind, from the Bind's result format codes.
    /// </summary>
    private PortalPlan BuildPlan(PgFieldDescription[] fields, short[]? bindFormats, bool readsProtected)
    {
        var columns = new MaskColumn[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var format = bindFormats is null ? field.FormatCode : PgValueKinds.FormatOf(bindFormats, i);
            var kind = PgValueKinds.Of(field.TypeOid, format);
            columns[i] = new MaskColumn(field.Name, null, null, null, kind);
            if (field.TableOid == 0 || !_catalog.TryGetRelation(field.TableOid, out var relation) || !relation.IsKnown)
            {
                continue;
            }

            if (relation.IsView && relation.BaseTables.Any(t => _scope.IsProtectedTable(t.Schema, t.Table)))
            {
                // A view's column does not say which base column it shows: over a protected table it counts as
                // derived, masked unless a rule allows it.
                readsProtected = true;
                continue;
            }

            readsProtected |= _scope.IsProtectedTable(relation.Schema, relation.Name);
            var column = relation.Columns.TryGetValue(field.ColumnNumber, out var name) ? name : null;
            columns[i] = column is null
                ? columns[i]
                : new MaskColumn(field.Name, relation.Schema, relation.Name, column, kind);
        }

        return new PortalPlan(_scope.Plan(columns, readsProtected), fields.Length);
    }

    private PgRelayOutcome MaskRow(scoped ReadOnlySpan<byte> frame, PgExpectation? head, out ReadOnlySpan<byte> rewritten)
    {
        rewritten = default;
        var result = CurrentResult(head);
        if (result is null)
        {
            return PgRelayOutcome.Continue;
        }

        if (result.Plan is not { } plan)
        {
            return PgRelayOutcome.Continue;
        }

        var cells = PgMessages.DataRowCells(frame);
        while (true)
        {
            var written = plan.MaskRow(cells, _rowBuffer.AsSpan(5), out var maskedCells);
            if (written >= 0)
            {
                if (maskedCells == 0)
                {
                    return PgRelayOutcome.Continue;
                }

                // Check what we wrote as strictly as a client would read it before anyone sees it.
                if (PgMessages.ValidateCells(_rowBuffer.AsSpan(5, written)) != result.ColumnCount)
                {
                    throw new MaskingException("a masked row does not hold the result's columns");
                }

                _rowBuffer[0] = (byte)PgBackendMessageType.DataRow;
                BinaryPrimitives.WriteInt32BigEndian(_rowBuffer.AsSpan(1), written + 4);
                rewritten = _rowBuffer.AsSpan(0, written + 5);
                MaskedCells += maskedCells;
                return PgRelayOutcome.Continue;
            }

            if (_rowBuffer.Length >= MaxRowBufferBytes)
            {
                throw new MaskingException("a masked row would exceed the largest message the gateway writes");
            }

            var size = Math.Min(MaxRowBufferBytes, Math.Max(_rowBuffer.Length * 2, (cells.Length * 2) + 64));
            var larger = ArrayPool<byte>.Shared.Rent(size);
            ArrayPool<byte>.Shared.Return(_rowBuffer);
            _rowBuffer = larger;
        }
    }

    /// <summary>The plan for the rows arriving now: the simple query's current result, or the executing portal's.</summary>
    private PortalPlan? CurrentResult(PgExpectation? head)
    {
        switch (head?.Kind)
        {
            case PgExpectationKind.Query or PgExpectationKind.FunctionCall:
                return _queryResult ?? throw new MaskingException("rows arrived before their description");
            case PgExpectationKind.Execute:
                if (_portalPlans.TryGetValue(head.Name, out var known))
                {
                    return known;
                }

                if (!_statementFields.TryGetValue(head.Statement, out var fields))
                {
                    throw new MaskingException(
                        $"rows arrived for portal \"{head.Name}\" whose columns the gateway has not seen");
                }

                var plan = BuildPlan(fields, head.ResultFormats ?? [], head.ReadsProtected);
                _portalPlans[head.Name] = plan;
                return plan;
            default:
                throw new MaskingException("rows arrived that no request asked for");
        }
    }

    /// <summary>
    /// COPY TO STDOUT streams rows without column provenance: the plan was made from the COPY statement when the
    /// client sent it. The stream must be what the plan expects (columns, format), or the session ends.
    /// </summary>
    private PgRelayOutcome CopyOut(ReadOnlySpan<byte> frame, PgExpectation? head)
    {
        _copyRewriter = null;
        var plan = head?.Kind switch
        {
            PgExpectationKind.Query => head.CopyPlanOf(_queryStatement),
            PgExpectationKind.Execute => head.CopyPlanOf(0),
            _ => null,
        };
        if (plan is null)
        {
            // Only a COPY the gateway has planned may stream: any other (COPY BOTH for replication, a COPY the
            // statement split did not find) is refused.
            throw new MaskingException("a COPY stream arrived that the gateway did not plan to mask");
        }

        if (plan.Refusal is { } refusal)
        {
            // The statement was replaced by a refusal before it reached the server; a COPY stream for it means
            // the answers are not where the gateway expects them.
            throw new MaskingException($"a refused COPY streamed anyway: {refusal}");
        }

        var columns = PgCopyOutResponse.Read(frame, out var binary);
        if (columns != plan.ColumnCount || !PgCopyOutResponse.Matches(plan.Options.Format, binary))
        {
            throw new MaskingException("the COPY stream does not have the columns or format its statement announced");
        }

        if (plan.Plan is { } masking)
        {
            _copyRewriter = new PgCopyRowRewriter(plan.Options, columns);
            _copyMasker = PgCopyPlan.FieldMasker(masking);
        }

        return PgRelayOutcome.Continue;
    }

    /// <summary>Rewrites one CopyData of a masked COPY; the replacement frame is built in the row buffer.</summary>
    private PgRelayOutcome MaskCopyData(scoped ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> rewritten)
    {
        rewritten = default;
        var payload = frame[5..];
        while (true)
        {
            var status = _copyRewriter!.Rewrite(payload, _rowBuffer.AsSpan(5), _copyMasker!, out var written, out var masked);
            switch (status)
            {
                case PgCopyRewriteStatus.Unchanged:
                    return PgRelayOutcome.Continue;
                case PgCopyRewriteStatus.Rewritten:
                    _rowBuffer[0] = (byte)PgBackendMessageType.CopyData;
                    BinaryPrimitives.WriteInt32BigEndian(_rowBuffer.AsSpan(1), written + 4);
                    rewritten = _rowBuffer.AsSpan(0, written + 5);
                    MaskedCells += masked;
                    return PgRelayOutcome.Continue;
                case PgCopyRewriteStatus.DestinationTooSmall when _rowBuffer.Length < MaxRowBufferBytes:
                    var size = Math.Min(MaxRowBufferBytes, Math.Max(_rowBuffer.Length * 2,
                        PgCopyRowRewriter.MaxRewrittenLength(payload.Length, _copyRewriter.ColumnCount) + 5));
                    ArrayPool<byte>.Shared.Return(_rowBuffer);
                    _rowBuffer = ArrayPool<byte>.Shared.Rent(size);
                    break;
                default:
                    throw new MaskingException($"a COPY row could not be masked ({status})");
            }
        }
    }

    private static bool IsDdl(ReadOnlySpan<byte> tag) =>
        tag.StartsWith("CREATE"u8) || tag.StartsWith("ALTER"u8) || tag.StartsWith("DROP"u8);
}
