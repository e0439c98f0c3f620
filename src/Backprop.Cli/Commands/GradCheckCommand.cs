using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>gradcheck</c>: backward's gradient of every weight and bias beside a fourth-order central difference.</summary>
public static class GradCheckCommand
{
    /// <summary>Rows checked when --rows is not given: four forward passes per parameter are costly.</summary>
    public const int DefaultRows = 64;

    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var state = SharedOptions.State("A state file, a model file or a weights file written by this tool; default: the seed demo's initial network and sample", required: false);
        var data = SharedOptions.Data("CSV file with the model's feature columns (by name) and the target; default: the seed demo's sample");
        var dataset = SharedOptions.Dataset();
        var layout = new DataLayout();
        var target = new TrainOptions().Target;
        target.Description = "The target column(s) (default: the one the state or model file names; needed for a weights file)";
        var rows = new System.CommandLine.Option<int>("--rows") { Description = $"Check the mean loss over the first N data rows (default: all rows up to {DefaultRows}; each parameter costs four forward passes over them)", HelpName = "N" };
        var tolerance = new System.CommandLine.Option<double>("--tolerance")
        {
            Description = $"Largest relative error |a − n| / max(|a|, |n|, floor) that passes, floor = {GradCheckTolerance.DefaultAbsoluteFloor:0e0}·max(1, |loss|)",
            HelpName = "RTOL",
            DefaultValueFactory = _ => GradCheckTolerance.DefaultRelative,
        };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print the report as one JSON object (NaN and infinite errors are the strings \"NaN\" and \"Infinity\")" };
        var command = new Command("gradcheck", Examples.With(
            "Check backward: compare every weight's and bias's gradient of the mean loss, as training computes it, with the fourth-order central difference " +
            $"[−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)] / 12h, h = {GradCheck.DefaultStep:0e0}, and print per tensor the largest absolute and relative error and where (row, column). " +
            "Data is read as in training (features by name, standardized; standardized targets; one-hot classes). " +
            "Exit 0 when every error is within the tolerance, 3 when one is not. A relu-family unit sitting on its kink can fail the check without a bug.",
            "backprop gradcheck",
            "backprop gradcheck --state runs/iris/states/000010.safetensors --dataset iris",
            "backprop gradcheck --state runs/house/final.safetensors --data house.csv --rows 16 --json"))
        { state, data, dataset, layout.Delimiter, layout.NoHeader, target, rows, tolerance, json };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
            from tol in GradCheckTolerance.Of(parse.GetValue(tolerance), Flags.Shell.Tolerance)
            from subject in Subject(parse.GetValue(state), parse.GetValue(data), parse.GetValue(dataset), parse.GetValue(target), parse.GetResult(rows) is null ? null : parse.GetValue(rows), layout.Of(parse))
            let report = GradCheckReport.Of(subject.Network, subject.Loss, subject.Data, tol)
            select Print(context, subject.Source, report, parse.GetValue(json))));
        return command;
    }

    private sealed record Checked(string Source, Network Network, Loss Loss, Dataset Data);

    private static Fin<Checked> Subject(string? statePath, string? dataPath, string? datasetName, string[]? targets, int? rows, (string? Delimiter, bool NoHeader) layout)
    {
        if (rows is < 1) return new OutOfRange(Flags.Shell.Rows, rows.Value, "≥ 1");
        var take = rows ?? DefaultRows;
        if (statePath is null)
        {
            if (dataPath is not null || datasetName is not null) return Error.New("--data/--dataset need --state: the default checks the seed demo's initial network on its sample");
            return RunPlan.Prepare(new RunSpec()).Map(run => new Checked("the seed demo's initial network", run.Initial.Network, run.Config.Loss, First(run.Data.Train, take)));
        }
        if (ModelReader.Read(statePath).Failed(out var modelError, out var model)) return modelError;
        if (dataPath is null && datasetName is null)
        {
            // A state of the seed demo (or a weights file of its shape) is checked on the seed's sample.
            return from seed in RunPlan.Prepare(new RunSpec())
                   from fits in seed.Data.Train.FitsNetwork(model.Network).Within(statePath)
                   select new Checked(statePath, model.Network, model.Loss, First(fits, take));
        }
        return from table in SharedOptions.Table(dataPath, datasetName, layout)
               let first = table.Rows(0, Math.Min(take, table.RowCount))
               from schema in model.SchemaFor(first, targets)
               from set in model.Data(first, schema)
               select new Checked($"{statePath} on {table.Source}", model.Network, model.Loss, set);
    }

    private static Dataset First(Dataset data, int rows) =>
        rows >= data.Rows ? data : data.Select(Enumerable.Range(0, rows).ToArray());

    /// <summary>Prints the report (text or JSON) and returns the exit code: 0 when every tensor passed, 3 (<see cref="ExitCodes.Mismatch"/>) when one did not.</summary>
    public static int Print(CommandContext context, string source, GradCheckReport report, bool json)
    {
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(Document(source, report), Json));
        else Text(context.Out, source, report);
        return report.Passed ? ExitCodes.Success : ExitCodes.Mismatch;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The JSON form; README's gradcheck section lists its keys.</summary>
    public static Dictionary<string, object?> Document(string source, GradCheckReport report) => new()
    {
        ["source"] = source,
        ["rows"] = report.Rows,
        ["loss"] = report.Loss,
        ["step"] = report.Step,
        ["tolerance"] = new Dictionary<string, object?>
        {
            ["relative"] = report.Tolerance.Relative,
            ["absolute_floor"] = report.Tolerance.AbsoluteFloor,
            ["floor"] = report.Floor,
        },
        ["passed"] = report.Passed,
        ["tensors"] = report.Tensors.Select(t => new Dictionary<string, object?>
        {
            ["tensor"] = t.Tensor,
            ["parameters"] = t.Parameters,
            ["passed"] = t.Passed,
            ["max_absolute_error"] = t.AbsoluteError,
            ["max_absolute_at"] = Where(t.LargestAbsolute),
            ["max_relative_error"] = t.RelativeError,
            ["max_relative_at"] = Where(t.LargestRelative),
        }).ToArray(),
    };

    private static Dictionary<string, object?> Where(GradientComparison c) => new()
    {
        ["row"] = c.Row,
        ["column"] = c.Column,
        ["analytic"] = c.Analytic,
        ["numeric"] = c.Numeric,
    };

    private static void Text(TextWriter output, string source, GradCheckReport report)
    {
        static string E(double v) => v.ToString("0.00e+00", CultureInfo.InvariantCulture);
        static string At(GradientComparison c) => $"[{c.Row},{c.Column}]";
        output.WriteLine($"gradient check of {source}: mean loss over {report.Rows.ToString(CultureInfo.InvariantCulture)} row{(report.Rows == 1 ? "" : "s")}, L = {report.Loss.ToString("G6", CultureInfo.InvariantCulture)}, step h {E(report.Step)}");
        output.WriteLine($"tolerance: relative error |a - n| / max(|a|, |n|, {E(report.Floor)}) <= {E(report.Tolerance.Relative)} (floor {E(report.Tolerance.AbsoluteFloor)}·max(1, |loss|))");
        var width = Math.Max("tensor".Length, report.Tensors.Map(t => t.Tensor.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"tensor".PadRight(width)}  {"params",7}  {"max abs err",11}  {"at",-9}  {"max rel err",11}  {"at",-9}  result");
        foreach (var t in report.Tensors)
        {
            output.WriteLine($"{t.Tensor.PadRight(width)}  {t.Parameters,7}  {E(t.AbsoluteError),11}  {At(t.LargestAbsolute),-9}  {E(t.RelativeError),11}  {At(t.LargestRelative),-9}  {(t.Passed ? "ok" : "FAILED")}");
        }
        if (report.Passed) output.WriteLine($"passed: all {report.Tensors.Count} tensors within tolerance");
        else
        {
            foreach (var t in report.Failed)
                output.WriteLine($"FAILED {t.Tensor}{At(t.LargestRelative)}: backward {t.LargestRelative.Analytic.ToString("R", CultureInfo.InvariantCulture)}, finite difference {t.LargestRelative.Numeric.ToString("R", CultureInfo.InvariantCulture)}, relative error {E(t.RelativeError)}");
        }
    }
}
