using Sluice.Core.Sql;

namespace Sluice.Core.Policy;

/// <summary>The names statement classes go by in the configuration and in messages.</summary>
internal static class StatementClassNames
{
    public const string Choices =
        "read, write, ddl, privilege, copy, session_setting, transaction, admin, dynamic, unknown";

    public static string Name(StatementClass value) => value switch
    {
        StatementClass.Read => "read",
        StatementClass.Write => "write",
        StatementClass.Ddl => "ddl",
        StatementClass.Privilege => "privilege",
        StatementClass.Copy => "copy",
        StatementClass.SessionSetting => "session_setting",
        StatementClass.Transaction => "transaction",
        StatementClass.Admin => "admin",
        StatementClass.Dynamic => "dynamic",
        _ => "unknown",
    };

    public static bool TryParse(string text, out StatementClass value)
    {
        foreach (var candidate in Enum.GetValues<StatementClass>())
        {
            if (Name(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }

        value = StatementClass.Unknown;
        return false;
    }
}
