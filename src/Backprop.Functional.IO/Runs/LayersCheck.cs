namespace Backprop.Functional.Runs;

/// <summary>
/// layers.csv's structure, checked by verify without training: its exact header, and then
/// exactly the rows a run of <c>epochs</c> epochs of a network of <c>layers</c> layers writes:
/// each epoch's layers in order, input side first, each once, nothing torn and nothing more.
/// Replay then recomputes each row's values; a row no epoch writes (a line added by hand) is only
/// seen here.
/// </summary>
public static class LayersCheck
{
    /// <summary>What is wrong with the run's layers.csv (null when nothing is, or the run made none).</summary>
    public static ChainBreak? Of(RunDirectory directory, int layers, int epochs)
    {
        var path = directory.LayersFile;
        if (directory.ReadLayersText().Failed(out var readError, out var file)) return new(path, ChainCheck.Unprefixed(readError.Message, path));
        // A run made before layers.csv was recorded has none, and needs none.
        if (file.IfNoneUnsafe((string?)null) is not { } text) return null;
        text = text.TrimStart('\uFEFF');
        if (text.Length > 0 && !text.EndsWith('\n'))
            return new(path, "ends in a line without its line break: a write that never finished (resuming the run drops it)");
        if (LayerRows.Parse(path, text).Failed(out var parseError, out var rows)) return new(path, ChainCheck.Unprefixed(parseError.Message, path));
        for (var i = 0; i < rows.Count; i++)
        {
            var (epoch, layer) = (i / layers + 1, i % layers);
            var row = rows[i];
            if (epoch > epochs)
                return new(path, $"line {i + 2}: a row for epoch {row.Epoch}, layer {row.Layer}, but the run records {epochs} epochs of {layers} layers");
            if (row.Epoch != epoch || row.Layer != layer)
                return new(path, $"line {i + 2}: a row for epoch {row.Epoch}, layer {row.Layer} where the run writes epoch {epoch}, layer {layer} (each epoch's layers once, in order)");
        }
        var written = (long)epochs * layers;
        return rows.Count < written
            ? new(path, $"has no row for epoch {rows.Count / layers + 1}, layer {rows.Count % layers} ({rows.Count} rows of the {written} of {epochs} epochs of {layers} layers)")
            : null;
    }
}
