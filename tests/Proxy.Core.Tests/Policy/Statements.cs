using Sluice.Core.Sql;

namespace Sluice.Core.Tests.Policy;

/// <summary>Classified statements built by hand, so the engine is tested apart from the classifier.</summary>
internal static class Statements
{
    public static SqlStatement Make(
        StatementClass statementClass,
        string text = "",
        SqlName[]? relations = null,
        SqlName[]? functions = null,
        bool writeWithoutWhere = false,
        string? setting = null,
        string keyword = "") =>
        new(text, statementClass, relations ?? [], functions ?? [], writeWithoutWhere, setting, keyword, text, null);

    public static SqlStatement Select(params SqlName[] relations) =>
        Make(StatementClass.Read, "SELECT * FROM x", relations: relations, keyword: "SELECT");

    public static SqlStatement Call(string function, string? schema = null) =>
        Make(
            StatementClass.Read, $"SELECT {function}()", functions: [new SqlName(schema, function)], keyword: "SELECT");

    public static SqlName Name(string name) => new(null, name);

    public static SqlName Name(string schema, string name) => new(schema, name);
}
