using System.Globalization;

namespace Backprop.Functional.IO;

/// <summary>
/// One column of a CSV file as it is read: every cell that is a finite number is kept as a
/// double (column-major, ready for the core's matrices); only cells that are not (labels,
/// empty cells, NaN text) keep their text. For the first <see cref="MaxSpellings"/> distinct
/// numbers the shortest spelling seen is kept, which is how a number-valued label is named:
/// "1", "1.0", "+1" and "01" denote one number and so one class, named "1".
/// </summary>
internal sealed class CsvColumn
{
    /// <summary>Distinct numbers whose spelling is kept; a column with more is a quantity, not labels.</summary>
    public const int MaxSpellings = 1024;

    /// <summary>Distinct texts shared as one string each, so that a label column of a million rows holds a few strings.</summary>
    private const int MaxPooledTexts = 4096;

    private readonly TextBudget _budget;
    private double[] _values;
    private string?[]? _texts;
    private Dictionary<double, string>? _spellings = [];
    private HashSet<string>? _pool;

    /// <summary>A column sized for <paramref name="capacity"/> rows whose text cells take their memory from <paramref name="budget"/>.</summary>
    public CsvColumn(int capacity, TextBudget budget) => (_values, _budget) = (new double[capacity], budget);

    private CsvColumn(double[] values, string?[]? texts, Dictionary<double, string>? spellings, TextBudget budget)
    {
        (_values, _texts, _spellings, _budget) = (values, texts, spellings, budget);
    }

    /// <summary>Whether every cell read so far is a finite number.</summary>
    public bool AllNumbers => _texts is null;

    /// <summary>The distinct numbers of the column, or null when there are more than <see cref="MaxSpellings"/>.</summary>
    public int? DistinctNumbers => _spellings?.Count;

    /// <summary>The distinct numbers of the column, or null when there are more than <see cref="MaxSpellings"/>.</summary>
    public IEnumerable<double>? Numbers => _spellings?.Keys;

    /// <summary>Stores the cell of <paramref name="row"/> (unescaped, untrimmed): false when its text does not fit the budget.</summary>
    public bool Add(int row, ReadOnlySpan<char> cell)
    {
        if (row == _values.Length) Array.Resize(ref _values, Math.Max(4, 2 * row));
        var trimmed = cell.Trim();
        if (trimmed.Length > 0 && (PlainDecimal.TryParse(trimmed, out var value) || double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) && double.IsFinite(value))
        {
            _values[row] = value;
            if (_spellings is not null) Spell(value, trimmed);
            return true;
        }
        _values[row] = double.NaN;
        if (_texts is null || _texts.Length < _values.Length)
        {
            if (!_budget.Take((long)sizeof(long) * (_values.Length - (_texts?.Length ?? 0)))) return false;
            Array.Resize(ref _texts, _values.Length);
        }
        if (Pooled(cell) is not { } text) return false;
        _texts![row] = text;
        return true;
    }

    /// <summary>
    /// Stores a number read as a number (a Parquet column): spelled in its round-trip form, and a
    /// NaN or infinity kept as its text so it is refused exactly as the same text in a CSV file.
    /// </summary>
    public bool AddNumber(int row, double value) => Add(row, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>
    /// A column that stores other rows into this one's values (a second reader of the same file),
    /// keeping its own text cells and spellings until <see cref="Merge"/> takes them in.
    /// </summary>
    public CsvColumn Sibling() => new(_values, null, _spellings is null ? null : [], _budget);

    /// <summary>Takes in what <paramref name="sibling"/> read of rows <paramref name="from"/> to <paramref name="to"/>: its text cells and spellings.</summary>
    public CsvColumn Merge(CsvColumn sibling, int from, int to)
    {
        if (sibling._texts is { } texts)
        {
            _texts ??= new string?[_values.Length];
            texts.AsSpan(from, to - from).CopyTo(_texts.AsSpan(from));
        }
        if (sibling._spellings is null) _spellings = null;
        else foreach (var (value, spelling) in sibling._spellings)
        {
            if (_spellings is null) break;
            Spell(value, spelling);
        }
        return this;
    }

    /// <summary>The number in a cell (NaN where the cell is not a finite number).</summary>
    public double Value(int row) => _values[row];

    /// <summary>The first <paramref name="count"/> values, for a matrix's column.</summary>
    public ReadOnlySpan<double> Values(int count) => _values.AsSpan(0, count);

    /// <summary>
    /// The text of a cell: as written when it is not a number, else the number's shortest
    /// spelling in the column (its round-trip form when the column holds too many to remember).
    /// </summary>
    public string Text(int row) =>
        _texts?[row] ?? (_spellings is not null && _spellings.TryGetValue(_values[row], out var spelling)
            ? spelling
            : _values[row].ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Whether the cell of <paramref name="row"/> is not a finite number.</summary>
    public bool IsText(int row) => _texts?[row] is not null;

    /// <summary>The first row below <paramref name="count"/> whose cell is not a finite number, or -1.</summary>
    public int FirstText(int count)
    {
        if (_texts is null) return -1;
        for (var r = 0; r < count; r++)
            if (_texts[r] is not null) return r;
        return -1;
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as a column of their own.</summary>
    public CsvColumn Slice(int start, int count) =>
        new(_values.AsSpan(start, count).ToArray(), _texts?.AsSpan(start, count).ToArray() is { } texts && Array.Exists(texts, t => t is not null) ? texts : null,
            _spellings is null ? null : new Dictionary<double, string>(_spellings), TextBudget.Unlimited);

    private void Spell(double value, ReadOnlySpan<char> text)
    {
        if (_spellings!.TryGetValue(value, out var known))
        {
            if (text.Length < known.Length || (text.Length == known.Length && text.SequenceCompareTo(known) < 0)) _spellings[value] = text.ToString();
        }
        else if (_spellings.Count < MaxSpellings) _spellings.Add(value, text.ToString());
        else _spellings = null;
    }

    /// <summary>The cell's text, shared with an earlier equal cell when it can be, or null when a new string does not fit the budget.</summary>
    private string? Pooled(ReadOnlySpan<char> cell)
    {
        _pool ??= new HashSet<string>(StringComparer.Ordinal);
        var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(cell, out var known)) return known;
        if (!_budget.TakeString(cell.Length)) return null;
        var text = cell.ToString();
        if (_pool.Count < MaxPooledTexts) _pool.Add(text);
        return text;
    }
}
