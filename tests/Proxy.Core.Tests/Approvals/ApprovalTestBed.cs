using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Core.Approvals;
using Sluice.Core.Audit;
using Sluice.Core.Identity;
using Sluice.Core.Policy;

namespace Sluice.Core.Tests.Approvals;

/// <summary>A temporary data directory, an audit file, a fake clock and helpers to make services over them.</summary>
public abstract class ApprovalTestBed : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    protected static readonly Principal Alice = Person("alice", "developers");
    protected static readonly Principal Bob = Person("bob", "dba");
    protected static readonly Principal Carol = Person("carol", "dba", "developers");
    protected static readonly Principal Mallory = Person("mallory", "developers");

    private readonly List<ApprovalService> _services = [];
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "sluice-approvals-" + Guid.NewGuid().ToString("N"));

    protected ApprovalTestBed()
    {
        Directory.CreateDirectory(_root);
        AuditPath = Path.Combine(_root, "audit.jsonl");
        Audit = new AuditLog(AuditPath, Clock);
    }

    protected TimerClock Clock { get; } = new(Start);

    protected string DataDirectory => Path.Combine(_root, "approvals");

    protected string AuditPath { get; }

    protected AuditLog Audit { get; }

    protected ListLogger Logger { get; } = new();

    protected static ApprovalOptions DefaultOptions { get; } = new()
    {
        ApproverGroups = ["dba"],
        GrantLifetime = TimeSpan.FromMinutes(15),
        TicketLifetime = TimeSpan.FromHours(1),
    };

    protected static Principal Person(string subject, params string[] groups) =>
        new(subject, groups, AuthenticationMethod.Oidc, "https://idp.test", null);

    protected ApprovalService NewService(ApprovalOptions? options = null, HttpClient? webhookClient = null)
    {
        var service = new ApprovalService(
            DataDirectory, options ?? DefaultOptions, Clock, Audit, webhookClient, Logger);
        _services.Add(service);
        return service;
    }

    protected static ApprovalRequest RequestFrom(
        ApprovalService service, Principal who, ApprovalMode mode = ApprovalMode.Wait, string connection = "orders",
        string fingerprint = "fp-delete-orders", string statement = "DELETE FROM orders WHERE id = 7",
        TimeSpan? timeout = null) =>
        service.Request(
            "s-1", who, connection, statement, fingerprint, "prod-writes",
            "writes on production need a second pair of eyes", mode, timeout ?? TimeSpan.FromMinutes(2));

    /// <summary>The audit file's events, in order. Opened with sharing because the log keeps its handle open.</summary>
    protected List<JsonElement> AuditEvents()
    {
        using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var events = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return events;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        Audit.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Collects log lines so tests can check warnings.</summary>
    protected sealed class ListLogger : ILogger
    {
        private readonly Lock _gate = new();
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_gate)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (_gate)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
