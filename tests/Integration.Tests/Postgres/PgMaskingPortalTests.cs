using System.Text;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Protocols.Postgres;

namespace Sluice.IntegrationTests.Postgres;

/// <summary>
/// Execute with a row limit (portal suspension), as JDBC's fetch size does: the rows of later Executes arrive with
/// no RowDescription of their own, and must be masked all the same.
/// </summary>
[Collection("postgres")]
public sealed class PgMaskingPortalTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RowsOfASuspendedPortal_AreMaskedOnEveryExecute()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new HarnessOptions
        {
            AllowPlaintext = true,
            MaskingYaml = MaskingRules.Yaml,
        });
        await using var client = await RawPgClient.ConnectAsync(gateway.Port);
        await client.LoginAsync(gateway.MintDevToken());

        await client.SendAsync(w => PgWriter.Query(w, "BEGIN"));
        await ReadUntilReadyAsync(client);

        await client.SendAsync(w =>
        {
            PgWriter.Parse(w, "", "SELECT id, ssn FROM customers ORDER BY id", []);
            PgWriter.Bind(w, "", "", [], [0, 0], []);
            PgWriter.Describe(w, 'P', "");
            PgWriter.Execute(w, "", 3);
            PgWriter.Sync(w);
        });
        var first = await ReadUntilReadyAsync(client);

        await client.SendAsync(w =>
        {
            PgWriter.Execute(w, "", 3);
            PgWriter.Sync(w);
        });
        var second = await ReadUntilReadyAsync(client);

        Assert.Equal("12TDDDsZ", Types(first));
        Assert.Equal("DDDsZ", Types(second));
        var ssns = first.Concat(second).Where(m => m.Type == 'D').Select(m => SecondCell(m.Frame)).ToList();
        Assert.Equal(6, ssns.Count);
        Assert.All(ssns, ssn => Assert.Equal("[redacted]", ssn));
    }

    private static string Types(List<(char Type, byte[] Frame)> messages) =>
        new(messages.Select(m => m.Type).ToArray());

    private static string SecondCell(byte[] frame)
    {
        var cells = PgMessages.DataRowCells(frame);
        var firstLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(cells[2..]);
        var offset = 2 + 4 + firstLength;
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(cells[offset..]);
        return Encoding.UTF8.GetString(cells.Slice(offset + 4, length));
    }

    private static async Task<List<(char Type, byte[] Frame)>> ReadUntilReadyAsync(RawPgClient client)
    {
        var messages = new List<(char, byte[])>();
        while (true)
        {
            var (type, frame) = await client.ReadMessageAsync();
            Assert.NotEqual(0, type);
            Assert.NotEqual((byte)'E', type);
            messages.Add(((char)type, frame));
            if (type == (byte)'Z')
            {
                return messages;
            }
        }
    }
}
