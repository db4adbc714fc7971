using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Sluice.Benchmarks.Tests;

/// <summary>
/// The benchmarks' allocation check, in the test suite: every benchmark in bench/Sluice.Benchmarks is run in
/// process (set up, warmed up, then measured with the allocating thread's own counter, which is exact and not
/// disturbed by the machine's load), and its bytes per operation must stay within 10 % of bench/allocation-budget.json.
/// Times are not checked here; they belong to BenchmarkDotNet runs. Set SLUICE_WRITE_ALLOCATION_BUDGET=1 to rewrite
/// the budget from the current code after an intended change.
/// </summary>
public sealed class AllocationBudgetTests
{
    private const int WarmupRuns = 20;
    private const int MeasuredRuns = 5;
    private const int Rounds = 3;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Discover().Select(c => c.Name))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Benchmark_AllocatesNoMoreThanItsBudget(string name)
    {
        var measured = Measure(Discover().Single(c => c.Name == name));
        var budget = LoadBudget();
        Assert.True(budget.TryGetValue(name, out var allowed), $"{name} has no entry in bench/allocation-budget.json ({measured} B/op)");
        Assert.True(
            measured <= allowed * 1.10 + 0.5,
            $"{name} allocates {measured:F0} B per operation, more than 10 % above its budget of {allowed} B");
    }

    [Fact]
    public void Budget_HasNoStaleEntries()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_WRITE_ALLOCATION_BUDGET") == "1")
        {
            var current = Discover().ToDictionary(c => c.Name, c => (long)Math.Ceiling(Measure(c)));
            var path = Path.Combine(FindRepository(), "bench", "allocation-budget.json");
            File.WriteAllText(path, JsonSerializer.Serialize(
                new SortedDictionary<string, long>(current, StringComparer.Ordinal), Indented) + "\n");
        }

        var names = Discover().Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(LoadBudget().Keys, name => !names.Contains(name));
    }

    private sealed record Case(string Name, Type Type, MethodInfo Method, PropertyInfo? Parameter, object? Value);

    /// <summary>Every [Benchmark] method, once per value of the class's [Params] property (at most one here).</summary>
    private static IEnumerable<Case> Discover()
    {
        foreach (var type in typeof(PgRelayBenchmarks).Assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract))
        {
            var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
            if (methods.Count == 0)
            {
                continue;
            }

            var parameter = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
            var values = parameter?.GetCustomAttribute<ParamsAttribute>()!.Values ?? [null];
            foreach (var method in methods)
            {
                foreach (var value in values)
                {
                    var suffix = parameter is null ? "" : $"[{parameter.Name}={value}]";
                    yield return new Case($"{type.Name}.{method.Name}{suffix}", type, method, parameter, value);
                }
            }
        }
    }

    private static double Measure(Case benchmark)
    {
        var instance = Activator.CreateInstance(benchmark.Type)!;
        benchmark.Parameter?.SetValue(instance, benchmark.Value);
        Invoke<GlobalSetupAttribute>(instance);
        try
        {
            var operations = benchmark.Method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;

            // A compiled call that discards the result: invoking through reflection would box it.
            var run = System.Linq.Expressions.Expression.Lambda<Action>(
                System.Linq.Expressions.Expression.Call(
                    System.Linq.Expressions.Expression.Constant(instance), benchmark.Method)).Compile();
            for (var i = 0; i < WarmupRuns; i++)
            {
                run();
            }

            // Steady state is the least a round allocates: a recording benchmark produces faster than the
            // recorder's background flusher compresses, and while the flusher lags the recorder's buffer grows.
            // The pause between rounds lets it catch up, as the pace of a real socket would.
            var least = long.MaxValue;
            for (var round = 0; round < Rounds; round++)
            {
                Thread.Sleep(100);
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < MeasuredRuns; i++)
                {
                    run();
                }

                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return (double)least / MeasuredRuns / Math.Max(1, operations);
        }
        finally
        {
            Invoke<GlobalCleanupAttribute>(instance);
        }
    }

    private static void Invoke<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (var method in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }

    private static Dictionary<string, long> LoadBudget() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "allocation-budget.json")))!;

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Proxy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (Proxy.sln) is not above the test assembly");
    }
}
