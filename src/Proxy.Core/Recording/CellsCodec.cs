using System.Buffers.Binary;

namespace Sluice.Core.Recording;

/// <summary>
/// The protocol-neutral cell list used for rows and parameters: the body of a PostgreSQL DataRow.
/// <code>
/// count  u16 big-endian
/// count times:  length i32 big-endian (-1 = NULL, no bytes follow), then length bytes
/// </code>
/// </summary>
internal static class CellsCodec
{
    /// <summary>True when <paramref name="cells"/> is exactly one well-formed cell list.</summary>
    public static bool IsValid(ReadOnlySpan<byte> cells)
    {
        if (cells.Length < 2)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(cells);
        int position = 2;
        for (int i = 0; i < count; i++)
        {
            if (cells.Length - position < 4)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(cells[position..]);
            position += 4;
            if (length == -1)
            {
                continue;
            }

            if (length < 0 || length > cells.Length - position)
            {
                return false;
            }

            position += length;
        }

        return position == cells.Length;
    }

    /// <summary>Decodes a cell list; null when it is malformed.</summary>
    public static byte[]?[]? Decode(ReadOnlySpan<byte> cells)
    {
        if (!IsValid(cells))
        {
            return null;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(cells);
        var result = new byte[]?[count];
        int position = 2;
        for (int i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(cells[position..]);
            position += 4;
            if (length >= 0)
            {
                result[i] = cells.Slice(position, length).ToArray();
                position += length;
            }
        }

        return result;
    }

    /// <summary>Encodes cells into a new array; for tests and tools, not for hot paths.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]?> cells)
    {
        int size = 2;
        foreach (var cell in cells)
        {
            size += 4 + (cell?.Length ?? 0);
        }

        var buffer = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, checked((ushort)cells.Count));
        int position = 2;
        foreach (var cell in cells)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(position), cell?.Length ?? -1);
            position += 4;
            if (cell is not null)
            {
                cell.CopyTo(buffer, position);
                position += cell.Length;
            }
        }

        return buffer;
    }
}
