using System.Text.Json;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// notebooks/backprop-from-scratch.ipynb is committed with its outputs, and CI reruns it and fails when
/// they change (tools/run-notebooks.sh); this pins those outputs to what <c>train</c> itself prints.
/// </summary>
public sealed class SeedNotebookTests
{
    [Fact]
    public void The_notebooks_committed_epoch_lines_are_the_lines_train_prints()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "notebooks", "backprop-from-scratch.ipynb");
        using var notebook = JsonDocument.Parse(File.ReadAllText(path));
        var printed = StreamLines(notebook).Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal)).ToArray();

        var train = CliRun.Of("train").Lines.Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal)).ToArray();

        Assert.Equal(200, train.Length);
        Assert.Equal(train, printed);
    }

    /// <summary>Every line the code cells printed to standard output (a stream's text is a string or a list of lines).</summary>
    private static IEnumerable<string> StreamLines(JsonDocument notebook) =>
        notebook.RootElement.GetProperty("cells").EnumerateArray()
            .Where(cell => cell.GetProperty("cell_type").GetString() == "code")
            .SelectMany(cell => cell.GetProperty("outputs").EnumerateArray())
            .Where(output => output.GetProperty("output_type").GetString() == "stream")
            .Select(output => output.GetProperty("text") is { ValueKind: JsonValueKind.Array } parts
                ? string.Concat(parts.EnumerateArray().Select(p => p.GetString()))
                : output.GetProperty("text").GetString() ?? "")
            .SelectMany(text => text.Split('\n'));
}
