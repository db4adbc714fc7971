using System.Globalization;
using System.Text;

namespace Sluice.Core.Recording;

/// <summary>Collects the rows of one result and prints them as an aligned table.</summary>
internal sealed class ReplayTable(ReplayOptions options)
{
    private const string Indent = "             ";
    private readonly List<string[]> _rows = [];
    private IReadOnlyList<RecordedColumn> _columns = [];
    private long _hidden;

    public ReplayOptions Options { get; } = options;

    public void Start(IReadOnlyList<RecordedColumn> columns)
    {
        _columns = columns;
        _rows.Clear();
        _hidden = 0;
    }

    public void Reset() => Start([]);

    public void Add(IReadOnlyList<byte[]?> cells)
    {
        if (_rows.Count >= Options.MaxRowsPerResult)
        {
            _hidden++;
            return;
        }

        var row = new string[cells.Count];
        for (int i = 0; i < cells.Count; i++)
        {
            bool binary = i < _columns.Count && _columns[i].IsBinary;
            var rendered = binary && cells[i] is { } value && Options.BinaryRenderer is { } render
                ? render(_columns[i].TypeName, value)
                : null;
            row[i] = rendered is null
                ? ReplayFormatter.Cell(cells[i], binary, Options.MaxCellChars)
                : ReplayFormatter.Cell(System.Text.Encoding.UTF8.GetBytes(rendered), binary: false, Options.MaxCellChars);
        }

        _rows.Add(row);
    }

    /// <summary>Prints and forgets the rows gathered so far; the columns stay for further rows.</summary>
    public void WriteTo(TextWriter output)
    {
        if (_rows.Count == 0 && _hidden == 0)
        {
            return;
        }

        int width = _columns.Count;
        foreach (var row in _rows)
        {
            width = Math.Max(width, row.Length);
        }

        var headers = new string[width];
        var widths = new int[width];
        for (int i = 0; i < width; i++)
        {
            headers[i] = i < _columns.Count ? _columns[i].Name : (i + 1).ToString(CultureInfo.InvariantCulture);
            widths[i] = headers[i].Length;
            foreach (var row in _rows)
            {
                if (i < row.Length)
                {
                    widths[i] = Math.Max(widths[i], row[i].Length);
                }
            }
        }

        WriteLine(output, headers, widths);
        output.Write(Indent);
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            WriteLine(output, row, widths);
        }

        if (_hidden > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Indent}... {_hidden} more rows recorded"));
        }

        _rows.Clear();
        _hidden = 0;
    }

    private static void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder(Indent);
        for (int i = 0; i < widths.Length; i++)
        {
            if (i > 0)
            {
                line.Append(" | ");
            }

            string cell = i < cells.Length ? cells[i] : string.Empty;
            line.Append(cell.PadRight(widths[i]));
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
