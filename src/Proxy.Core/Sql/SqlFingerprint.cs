using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Core.Sql;

/// <summary>
/// Hashes a statement's tokens with comments and whitespace gone and keywords and identifiers folded, so layout
/// and case games do not change it. Each token is written with its kind and length, so no two different token
/// streams can produce the same hashed text.
/// </summary>
internal static class SqlFingerprint
{
    public static string Compute(string sql, List<SqlToken> tokens, int start, int end, bool literalsAsPlaceholders)
    {
        var text = new StringBuilder((sql.Length / 2) + 16);
        for (int i = start; i < end; i++)
        {
            SqlToken token = tokens[i];
            ReadOnlySpan<char> value = token.Kind switch
            {
                SqlTokenKind.Word => token.Value,

                // Dollar-quoted text is nearly always a code body: another body must not share an approval.
                SqlTokenKind.String or SqlTokenKind.Number when literalsAsPlaceholders => "?",
                _ => sql.AsSpan(token.Start, token.End - token.Start),
            };
            text.Append((char)('A' + (int)token.Kind));
            text.Append(value.Length.ToString(CultureInfo.InvariantCulture));
            text.Append(':');
            text.Append(value);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
