using System.Security.Cryptography;
using System.Text;
using Sluice.Masking;
using Sluice.Protocols.Postgres;

namespace Sluice.Protocols.Tests.Postgres.Masking;

/// <summary>
/// A masked DataRow may look ahead at the rows after it in the read buffer to hash their pseudonyms together.
/// What the client receives must not depend on whether, or how far, it could look.
/// </summary>
public sealed class PgResultMaskingLookaheadTests
{
    private const uint TableOid = 16_384;

    private static readonly byte[] Key = Encoding.UTF8.GetBytes("lookahead pseudonym key 32 bytes");

    private static PgResultMasking NewMasking()
    {
        var policy = new MaskingPolicy(
        [
            new MaskRule
            {
                Name = "name", Table = "people", Column = "name", Strategy = new(MaskStrategyKind.Pseudonym),
            },
            new MaskRule
            {
                Name = "email", Table = "people", Column = "email", Strategy = new(MaskStrategyKind.KeepEmailDomain),
            },
        ], Key);
        var catalog = new PgCatalog(null!, 1 << 20, TimeProvider.System);
        catalog.Seed(
            new PgRelation(
                TableOid, "public", "people", 'r',
                new Dictionary<short, string> { [1] = "name", [2] = "email" },
                new Dictionary<short, uint> { [1] = 25, [2] = 25 },
                []),
            ["select", "from", "people"]);
        var masking = new PgResultMasking(policy.ForPrincipal("svc", []), catalog);
        var query = PgTestFrames.Write(w => PgWriter.Query(w, "SELECT * FROM people"));
        Assert.Null(masking.Frontend(query, out _).Pending);
        PgFieldDescription[] fields =
        [
            new("name", TableOid, 1, 25, -1, -1, 0),
            new("email", TableOid, 2, 25, -1, -1, 0),
        ];
        masking.Backend(PgTestFrames.Write(w => PgWriter.RowDescription(w, fields)), out _);
        return masking;
    }

    private static byte[][] Rows()
    {
        var rows = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            // NULLs, a name too long to batch, and repeats among ordinary names.
            string? name = i % 7 == 3 ? null : i % 11 == 5 ? new string('n', 80 + i) : $"Person {i % 13}";
            rows.Add(PgTestFrames.Write(w => PgWriter.DataRow(w, PgTestFrames.Cells(name, $"p{i}@example.com"))));
        }

        return [.. rows];
    }

    private static string? Pseudonym(string? name)
    {
        if (name is null)
        {
            return null;
        }

        byte[] mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(name));
        return "pse_" + Convert.ToHexStringLower(mac, 0, 8);
    }

    [Fact]
    public void Rows_masked_with_the_rest_of_the_buffer_in_view_equal_rows_masked_one_by_one()
    {
        byte[][] rows = Rows();
        byte[] buffer = [.. rows.SelectMany(r => r)];
        using PgResultMasking alone = NewMasking();
        using PgResultMasking ahead = NewMasking();
        int offset = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            ReadOnlySpan<byte> following = buffer.AsSpan(offset + rows[i].Length);
            offset += rows[i].Length;
            alone.Backend(rows[i], out ReadOnlySpan<byte> expected);
            byte[] expectedRow = expected.ToArray();
            ahead.Backend(rows[i], out ReadOnlySpan<byte> actual, following);

            Assert.Equal(expectedRow, actual.ToArray());
            List<string?> cells = Decode(actual);
            string? name = i % 7 == 3 ? null : i % 11 == 5 ? new string('n', 80 + i) : $"Person {i % 13}";
            Assert.Equal(Pseudonym(name), cells[0]);
            Assert.Equal("****@example.com", cells[1]);
        }
    }

    [Fact]
    public void Rows_the_relay_skipped_or_that_came_in_another_buffer_still_get_their_own_pseudonyms()
    {
        byte[][] rows = Rows();
        using PgResultMasking masking = NewMasking();
        for (int i = 0; i < rows.Length; i++)
        {
            // Every third row is never shown to masking (as a row the volume guard drops), and the view ahead
            // is of rows in a different order, so batched values and actual rows disagree.
            if (i % 3 == 1)
            {
                continue;
            }

            byte[] elsewhere = [.. rows.Skip(i + 2).Take(5).Reverse().SelectMany(r => r)];
            masking.Backend(rows[i], out ReadOnlySpan<byte> actual, elsewhere);
            string? name = i % 7 == 3 ? null : i % 11 == 5 ? new string('n', 80 + i) : $"Person {i % 13}";
            Assert.Equal(Pseudonym(name), Decode(actual)[0]);
        }
    }

    [Fact]
    public void A_truncated_or_foreign_frame_ahead_ends_the_look_without_failing_the_row()
    {
        byte[][] rows = Rows();
        byte[] complete = PgTestFrames.Write(w => PgWriter.CommandComplete(w, "SELECT 30"));
        byte[][] views = [rows[1][..7], complete, PgTestFrames.Typed('D', 0, 9), [(byte)'D', 0, 0, 0]];
        foreach (byte[] view in views)
        {
            using PgResultMasking masking = NewMasking();
            masking.Backend(rows[0], out ReadOnlySpan<byte> actual, view);
            Assert.Equal(Pseudonym("Person 0"), Decode(actual)[0]);
        }
    }

    private static List<string?> Decode(ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> cells = PgMessages.DataRowCells(frame);
        var values = new List<string?>();
        int count = (cells[0] << 8) | cells[1];
        int position = 2;
        for (int i = 0; i < count; i++)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(cells[position..]);
            position += 4;
            values.Add(length < 0 ? null : Encoding.UTF8.GetString(cells.Slice(position, length)));
            position += Math.Max(length, 0);
        }

        return values;
    }
}
