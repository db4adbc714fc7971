namespace Sluice.EndToEnd;

/// <summary>What to measure and how long; <see cref="Quick"/> is a smoke run that proves the harness works.</summary>
internal sealed record HarnessOptions
{
    public required string Repository { get; init; }

    public required string SluiceBinary { get; init; }

    public required string OutputDirectory { get; init; }

    public string? WorkDirectory { get; init; }

    public bool KeepWorkDirectory { get; init; }

    public long Rows { get; init; } = 2_000_000;

    public long ImportRows { get; init; } = 500_000;

    public int Rounds { get; init; } = 3;

    public int Seconds { get; init; } = 10;

    public IReadOnlyList<int> Clients { get; init; } = [1, 8, 32];

    public int ConnectClients { get; init; } = 4;

    public int IdleConnections { get; init; } = 1000;

    public int PgbenchScale { get; init; } = 10;

    public int Starts { get; init; } = 10;

    public static HarnessOptions Quick(HarnessOptions options) => options with
    {
        Rows = 20_000,
        ImportRows = 5_000,
        Rounds = 1,
        Seconds = 1,
        Clients = [1, 4],
        ConnectClients = 2,
        IdleConnections = 50,
        PgbenchScale = 1,
        Starts = 2,
    };
}
