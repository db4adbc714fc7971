using System.CommandLine;
using System.Globalization;
using System.Text;
using Sluice.Core.Approvals;
using Sluice.Host.Admin;

namespace Sluice.Host.Commands;

/// <summary>
/// <c>sluice approvals</c>, <c>sluice approve</c> and <c>sluice deny</c>: an approver's view of the running
/// gateway's approval requests, through its admin API. Exit codes: 0 done, 1 the gateway refused or could not
/// be reached, 2 a usage or configuration error.
/// </summary>
internal static class ApprovalCommands
{
    private const string TokenVariable = "SLUICE_TOKEN";

    public static Command List()
    {
        var config = CommonOptions.Config();
        var status = new Option<string?>("--status")
        {
            Description = "Requests in this state: pending (the default), approved, denied, expired, used or all",
            DefaultValueFactory = _ => "pending",
        };
        var token = TokenOption();
        var command = new Command("approvals", "List approval requests held by the running gateway")
        {
            config, status, token,
        };
        command.SetAction(async (result, ct) =>
        {
            ApprovalStatus? filter = null;
            if (result.GetValue(status) is { } text && !string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
            {
                if (!ApprovalView.TryParseStatus(text, out var parsed))
                {
                    Console.Error.WriteLine(
                        $"sluice: unknown --status '{text}'; use pending, approved, denied, expired, used or all");
                    return 2;
                }

                filter = parsed;
            }

            using var client = Connect(result.GetValue(config)!, result.GetValue(token));
            if (client is null)
            {
                return 2;
            }

            var answer = await client.ListAsync(filter, ct);
            if (answer.Value is not { } requests)
            {
                return Refused(answer.Error);
            }

            PrintTable(requests, DateTimeOffset.UtcNow);
            return 0;
        });
        return command;
    }

    public static Command Approve() => Decision("approve", "Approve a pending request", approve: true);

    public static Command Deny() => Decision("deny", "Deny a pending request", approve: false);

    private static Command Decision(string name, string description, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The approval request's id, as `sluice approvals` shows" };
        var config = CommonOptions.Config();
        var reason = new Option<string?>("--reason", "-r") { Description = "Why; recorded with the decision" };
        var token = TokenOption();
        var command = new Command(name, description) { id, config, reason, token };
        command.SetAction(async (result, ct) =>
        {
            using var client = Connect(result.GetValue(config)!, result.GetValue(token));
            if (client is null)
            {
                return 2;
            }

            var answer = await client.DecideAsync(result.GetValue(id)!, approve, result.GetValue(reason), ct);
            if (answer.Value is not { } decided)
            {
                return Refused(answer.Error);
            }

            Console.WriteLine(DecisionLine(decided));
            return 0;
        });
        return command;
    }

    private static Option<string?> TokenOption() => new("--token", "-t")
    {
        Description = $"An approver's token or API key; defaults to the {TokenVariable} environment variable",
    };

    /// <summary>A client for the configured admin API, or null after printing why there is none.</summary>
    private static AdminClient? Connect(FileInfo configFile, string? tokenOption)
    {
        var loaded = CommonOptions.LoadConfig(configFile, resolveSecrets: false);
        if (loaded is null)
        {
            return null;
        }

        if (loaded.Admin.Listen is not { } listen)
        {
            Console.Error.WriteLine(
                "sluice: the configuration has no admin section; " +
                "the approval commands talk to the gateway's admin API");
            return null;
        }

        if (AdminClient.BaseAddressFor(listen) is not { } baseAddress)
        {
            Console.Error.WriteLine(
                $"sluice: admin.listen in {loaded.SourcePath} uses port 0, so there is no fixed port to reach; " +
                "configure a port");
            return null;
        }

        var token = tokenOption ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            Console.Error.WriteLine(
                $"sluice: no token: pass --token or set {TokenVariable} to an approver's token or API key");
            return null;
        }

        return new AdminClient(baseAddress, token.Trim());
    }

    private static int Refused(string? error)
    {
        Console.Error.WriteLine($"sluice: {error ?? "the admin API refused the request"}");
        return 1;
    }

    internal static void PrintTable(IReadOnlyList<ApprovalView> requests, DateTimeOffset now)
    {
        Console.WriteLine(
            $"{"ID",-24}  {"AGE",5}  {"STATUS",-8}  {"IDENTITY",-16}  {"CONNECTION",-12}  {"RULE",-16}  STATEMENT");
        foreach (var request in requests)
        {
            Console.WriteLine(
                $"{request.Id,-24}  {Age(now - request.CreatedAt),5}  {request.Status,-8}  " +
                $"{Cut(request.Subject, 16),-16}  {Cut(request.Connection, 12),-12}  {Cut(request.Rule, 16),-16}  " +
                $"{Cut(OneLine(request.Statement), 60)}");
            Console.WriteLine($"{string.Empty,-24}  reason: {request.Reason}");
        }

        Console.WriteLine($"{requests.Count} request(s)");
    }

    internal static string DecisionLine(ApprovalView decided)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{decided.Status} {decided.Id}: {decided.Subject} on ")
            .Append(CultureInfo.InvariantCulture, $"{decided.Connection} (rule {decided.Rule})");
        if (decided.GrantExpiresAt is { } grant)
        {
            line.Append(
                CultureInfo.InvariantCulture, $"; the grant lasts until {grant.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        }

        if (decided.DecidedBy is { } by)
        {
            line.Append(CultureInfo.InvariantCulture, $"; decided by {by}");
        }

        return line.ToString();
    }

    internal static string Age(TimeSpan age) => age switch
    {
        _ when age < TimeSpan.FromMinutes(1) => $"{Math.Max(0, (int)age.TotalSeconds)}s",
        _ when age < TimeSpan.FromHours(1) => $"{(int)age.TotalMinutes}m",
        _ when age < TimeSpan.FromDays(1) => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    /// <summary>Statements span lines; a table row must not.</summary>
    internal static string OneLine(string statement)
    {
        var text = new StringBuilder(statement.Length);
        var space = false;
        foreach (var c in statement.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(c);
        }

        return text.ToString();
    }

    private static string Cut(string value, int width) => value.Length <= width ? value : value[..(width - 1)] + "…";
}
