using System.Buffers.Binary;
using System.Text;

namespace Sluice.Masking.Tests;

/// <summary>Writes and reads the neutral cells encoding, independently of the code under test.</summary>
internal static class Cells
{
    internal static byte[] Row(params byte[]?[] cells)
    {
        var buffer = new List<byte>();
        var header = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)cells.Length);
        buffer.AddRange(header);
        foreach (byte[]? cell in cells)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, cell?.Length ?? -1);
            buffer.AddRange(length);
            if (cell is not null)
            {
                buffer.AddRange(cell);
            }
        }

        return [.. buffer];
    }

    internal static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    internal static byte[] TextRow(params string?[] cells) =>
        Row([.. cells.Select(c => c is null ? null : Text(c))]);

    internal static List<byte[]?> Read(ReadOnlySpan<byte> row)
    {
        int count = BinaryPrimitives.ReadUInt16BigEndian(row);
        int p = 2;
        var cells = new List<byte[]?>();
        for (int i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(row[p..]);
            p += 4;
            if (length < 0)
            {
                cells.Add(null);
                continue;
            }

            cells.Add(row.Slice(p, length).ToArray());
            p += length;
        }

        Assert.Equal(row.Length, p);
        return cells;
    }

    internal static List<string?> ReadText(ReadOnlySpan<byte> row) =>
        [.. Read(row).Select(c => c is null ? null : Encoding.UTF8.GetString(c))];
}
