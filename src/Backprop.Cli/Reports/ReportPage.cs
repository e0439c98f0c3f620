using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Backprop.Cli.Reports;

/// <summary>
/// The report as one self-contained HTML page: its style, script and data are all inline, so it
/// opens from a file with no network. Everything that comes from the run's files is
/// HTML-encoded, and the embedded JSON cannot close its script element.
/// </summary>
public static class ReportPage
{
    private static readonly JsonSerializerOptions DataJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static readonly Lazy<string> Style = new(() => Resource("report.css"));
    private static readonly Lazy<string> Script = new(() => Resource("report.js"));

    /// <summary>The page of <paramref name="model"/>.</summary>
    public static string Render(ReportModel model)
    {
        var page = new StringBuilder();
        var run = Html(model.RunName);
        page.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Training report: {run}</title>
            <style>
            {Style.Value}</style>
            </head>
            <body>
            <header>
            <h1>Training report: <span class="run">{run}</span></h1>
            <p class="network">{Html(model.Network)}</p>
            </header>
            <main>
            <noscript><p>The charts and the epoch slider need JavaScript; the configuration below does not.</p></noscript>
            <section id="summary">
            {Summary(model.Data)}
            </section>
            <section id="curves">
            <h2>Loss and accuracy</h2>
            <p class="note">Training loss: the mean of each epoch's batch losses, each measured before its step. Validation loss and accuracy: measured after the epoch.</p>
            <div class="controls"><label><input type="checkbox" id="log-scale"> log-scale loss axis</label></div>
            <div class="chart" id="loss-chart"></div>
            <div class="chart" id="accuracy-chart"></div>
            </section>
            <section id="weights">
            <h2>Weights through training</h2>
            <div class="slider">
            <label for="epoch-slider">Saved state shown (drag, or use the arrow keys; the address keeps <code>#epoch=K</code>):</label>
            <input type="range" id="epoch-slider" min="0" max="0" step="1" value="0">
            <output id="epoch-label" for="epoch-slider"></output>
            </div>
            <div class="controls"><label><input type="checkbox" id="fixed-counts"> one count axis for every state</label>
            <span class="note">Each layer's histogram has {model.Data.Weights.Bins} bins over one weight range shared by every shown state. The count axis fits the state shown; tick the box to share it too (then a narrow early distribution dwarfs the later, wider ones).</span></div>
            <div class="layers" id="layers"></div>
            <div class="chart" id="norm-chart"></div>
            {LayerStatsPanel(model.Data.LayerStats)}
            </section>
            <section id="config">
            <h2>Configuration (run.json)</h2>
            {ConfigTable(model.Config)}
            <details><summary>run.json as written</summary><pre>{Html(model.RunJson)}</pre></details>
            </section>
            </main>
            <script type="application/json" id="report-data">{ScriptSafeJson(model.Data)}</script>
            <script>
            {Script.Value}</script>
            </body>
            </html>

            """);
        return page.ToString();
    }

    /// <summary>
    /// JSON that is safe inside a script element: '&lt;', '&gt;' and '&amp;' (and the line
    /// separators JavaScript once treated as newlines) are written as \u escapes, so no value
    /// from a file can form "&lt;/script&gt;" or "&lt;!--". Outside strings JSON never holds
    /// these characters, so the escapes change no value.
    /// </summary>
    public static string ScriptSafeJson(ReportData data) =>
        JsonSerializer.Serialize(data, DataJson)
            .Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal)
            .Replace("\u2028", "\\u2028", StringComparison.Ordinal)
            .Replace("\u2029", "\\u2029", StringComparison.Ordinal);

    /// <summary>Text made safe for HTML element content and attribute values.</summary>
    public static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string Summary(ReportData data)
    {
        var metrics = data.Metrics;
        var items = new List<(string Name, string Value)>
        {
            ("epochs", metrics.TotalEpochs.ToString(CultureInfo.InvariantCulture)),
            ("states kept", data.Weights.KeptCount.ToString(CultureInfo.InvariantCulture)),
        };
        if (metrics.Loss.LastOrDefault(v => v is not null) is { } loss) items.Add(("last training loss", Number(loss)));
        if (metrics.ValidationLoss.LastOrDefault(v => v is not null) is { } validation) items.Add(("last validation loss", Number(validation)));
        if (metrics.ValidationAccuracy.LastOrDefault(v => v is not null) is { } accuracy)
            items.Add(("last validation accuracy", (100 * accuracy).ToString("0.0", CultureInfo.InvariantCulture) + "%"));
        return "<ul class=\"summary\">" + string.Concat(items.Select(i => $"<li><b>{Html(i.Name)}</b>{Html(i.Value)}</li>")) + "</ul>";
    }

    // Drawn by the script; a run trained before layers.csv was recorded has no panel at all.
    private static string LayerStatsPanel(LayerStatistics? stats) => stats is null ? "" : """
        <div id="layer-stats">
        <h3>Gradients and updates per layer (layers.csv)</h3>
        <p class="note">Each layer's weight-gradient norm ‖∂L/∂W‖ and update ratio ‖ΔW‖/‖W‖ during each epoch, on log axes (layer 0 is the input side; zero or non-finite values are left out). The dashed line marks an update ratio of 1e-3, a rule of thumb for a healthy step. Each layer card above gives its gradient norm in the epoch that produced the state shown.</p>
        <div class="chart" id="gradient-chart"></div>
        <div class="chart" id="ratio-chart"></div>
        </div>
        """;

    private static string ConfigTable(IReadOnlyList<ConfigEntry> entries) =>
        "<table class=\"config\">\n" +
        string.Concat(entries.Select(e => $"<tr><td>{Html(e.Key)}</td><td>{Html(e.Value)}</td></tr>\n")) +
        "</table>";

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Backprop.Cli.Reports.{name}")
            ?? throw new InvalidOperationException($"the embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        // The script and style are inlined: a closing tag inside them would end them early.
        if (text.Contains("</", StringComparison.Ordinal)) throw new InvalidOperationException($"{name} must not contain '</'");
        return text;
    }
}
