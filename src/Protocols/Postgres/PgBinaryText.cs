using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sluice.Protocols.Postgres;

/// <summary>
/// Renders cells of PostgreSQL's binary format as the text a client would print, for replaying
/// recordings (drivers such as Npgsql ask for binary results). Types without a rendering here stay hex.
/// Layouts from the server's *send functions (src/backend/utils/adt).
/// </summary>
public static class PgBinaryText
{
    private static readonly DateTime PostgresEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static string? Render(string typeName, ReadOnlySpan<byte> value)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (typeName)
        {
            case "text" or "varchar" or "bpchar" or "name" or "json" or "xml" or "char":
                return Encoding.UTF8.GetString(value);
            case "jsonb" when value.Length >= 1 && value[0] == 1:
                return Encoding.UTF8.GetString(value[1..]);
            case "bool" when value.Length == 1:
                return value[0] != 0 ? "t" : "f";
            case "int2" when value.Length == 2:
                return BinaryPrimitives.ReadInt16BigEndian(value).ToString(invariant);
            case "int4" when value.Length == 4:
                return BinaryPrimitives.ReadInt32BigEndian(value).ToString(invariant);
            case "oid" when value.Length == 4:
                return BinaryPrimitives.ReadUInt32BigEndian(value).ToString(invariant);
            case "int8" when value.Length == 8:
                return BinaryPrimitives.ReadInt64BigEndian(value).ToString(invariant);
            case "float4" when value.Length == 4:
                return BinaryPrimitives.ReadSingleBigEndian(value).ToString("R", invariant);
            case "float8" when value.Length == 8:
                return BinaryPrimitives.ReadDoubleBigEndian(value).ToString("R", invariant);
            case "uuid" when value.Length == 16:
                return new Guid(value, bigEndian: true).ToString();
            case "date" when value.Length == 4:
                var days = BinaryPrimitives.ReadInt32BigEndian(value);
                return days is int.MinValue or int.MaxValue
                    ? (days < 0 ? "-infinity" : "infinity")
                    : PostgresEpoch.AddDays(days).ToString("yyyy-MM-dd", invariant);
            case "timestamp" or "timestamptz" when value.Length == 8:
                return Timestamp(BinaryPrimitives.ReadInt64BigEndian(value), typeName == "timestamptz");
            default:
                return null;
        }
    }

    private static string Timestamp(long microseconds, bool withZone)
    {
        if (microseconds is long.MinValue or long.MaxValue)
        {
            return microseconds < 0 ? "-infinity" : "infinity";
        }

        var ticks = PostgresEpoch.Ticks + microseconds * 10;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return microseconds.ToString(CultureInfo.InvariantCulture) + " µs since 2000-01-01";
        }

        var text = new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);
        return withZone ? text + "+00" : text;
    }
}
