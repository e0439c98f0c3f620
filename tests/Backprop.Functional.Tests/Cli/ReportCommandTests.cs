using System.Text.Json;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>report</c> writes one self-contained page holding every kept state's data, escapes what comes from files, and refuses bad input in one line.</summary>
public sealed class ReportCommandTests(IrisRun iris) : IClassFixture<IrisRun>
{
    private const string DataStart = "<script type=\"application/json\" id=\"report-data\">";

    // The one URL the page may hold: the SVG namespace its script passes to createElementNS,
    // a name rather than anything fetched.
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    private static JsonElement EmbeddedData(string page)
    {
        var start = page.IndexOf(DataStart, StringComparison.Ordinal) + DataStart.Length;
        var end = page.IndexOf("</script>", start, StringComparison.Ordinal);
        return JsonDocument.Parse(page[start..end]).RootElement;
    }

    [Fact]
    public void Report_writes_one_self_contained_page_with_the_data_of_every_kept_state()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("report", iris.Path, "--out", dir.File("report.html"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("7 epochs, 5 of 5 kept states on the slider", run.Out);
        Assert.Equal(["report.html"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName));

        var page = File.ReadAllText(dir.File("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", page);
        var withoutNamespace = page.Replace(SvgNamespace, "", StringComparison.Ordinal);
        foreach (var external in new[] { "http://", "https://", "src=", "href=", "url(", "@import", "<link", "<iframe" })
            Assert.DoesNotContain(external, withoutNamespace, StringComparison.OrdinalIgnoreCase);

        var data = EmbeddedData(page);
        var weights = data.GetProperty("weights");
        Assert.Equal(IrisRun.Kept, weights.GetProperty("epochs").EnumerateArray().Select(e => e.GetInt32()));
        var histograms = weights.GetProperty("histograms").EnumerateArray().ToArray();
        Assert.Equal(IrisRun.Kept.Length, histograms.Length);
        foreach (var epoch in histograms)
        {
            // Every weight of layer 0 (5×4) and layer 1 (3×5) is counted once, in one of 30 bins.
            var layers = epoch.EnumerateArray().Select(l => l.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
            Assert.Equal([30, 30], layers.Select(l => l.Length));
            Assert.Equal([20, 15], layers.Select(l => l.Sum()));
        }
        Assert.Equal(IrisRun.Kept.Length, weights.GetProperty("weightNorms").GetArrayLength());
        Assert.Equal(Enumerable.Range(1, 7), data.GetProperty("metrics").GetProperty("epoch").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains("<td>validation-split</td><td>0.2</td>", page);
    }

    [Fact]
    public void Text_from_the_run_files_is_html_encoded_and_cannot_close_the_script()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        var runJson = Path.Combine(copy, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"provenance\": {", "\"provenance\": {\n    \"note\": \"</script><script>alert(1)</script> & <img src=x onerror=alert(2)>\",", StringComparison.Ordinal));
        var run = CliRun.Of("report", copy);
        Assert.True(run.ExitCode == 0, run.Error);
        var page = File.ReadAllText(Path.Combine(copy, "report.html"));
        Assert.DoesNotContain("<script>alert", page);
        Assert.DoesNotContain("<img", page);
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;", page);
        Assert.Equal(2, page.Split("<script").Length - 1);
    }

    [Fact]
    public void Report_refuses_a_directory_that_is_not_a_run()
    {
        using var dir = new TempDirectory();
        CliRun.Of("report", dir.Path, "--out", dir.File("r.html")).AssertRefused(dir.Path, "not a run directory");
        CliRun.Of("report", dir.File("missing")).AssertRefused("no such run directory");
        Assert.False(File.Exists(dir.File("r.html")));
    }

    [Fact]
    public void Report_refuses_an_unwritable_out_or_one_that_is_not_html()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("file", "not a directory");
        CliRun.Of("report", iris.Path, "--out", Path.Combine(file, "report.html")).AssertRefused("report.html", "cannot write");
        CliRun.Of("report", iris.Path, "--out", dir.File("report.png")).AssertRefused("report.png", ".html");
    }

    [Fact]
    public void Report_refuses_a_corrupted_state_naming_the_file()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        var state = Path.Combine(copy, "states", "000004.safetensors");
        var bytes = File.ReadAllBytes(state);
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(state, bytes);
        CliRun.Of("report", copy).AssertRefused("000004.safetensors", "hash mismatch");
    }
}
