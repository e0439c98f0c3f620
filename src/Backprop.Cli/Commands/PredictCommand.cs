using System.CommandLine;
using System.Globalization;
using System.Text;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Cli.Commands;

/// <summary><c>predict</c>: one output row per input row, from the state or model file alone.</summary>
public static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var state = SharedOptions.State("A state file, a model file (a run's final.safetensors) or a weights file (this tool's, or torch.nn.Sequential's keys with --activation and --output-activation when it names no activations)", required: true);
        var data = SharedOptions.Data("CSV file with the model's feature columns (other columns are ignored)");
        var dataset = SharedOptions.Dataset();
        var layout = new DataLayout();
        var weights = new WeightsOptions();
        var output = new System.CommandLine.Option<string>("--out") { Description = "Where to write the predictions (- for standard output; a FIFO or device is written directly)", HelpName = "PRED.csv", Required = true };
        var command = new Command("predict", Examples.With(
            "Predict with a saved model: for classification the class and every class's probability, for regression the outputs in the target's own units (a model trained on standardized targets maps its outputs back).",
            "backprop predict --state runs/iris/final.safetensors --data flowers.csv --out predictions.csv",
            "backprop predict --state runs/iris/final.safetensors --dataset iris --out - | head"))
        { state, data, dataset, layout.Delimiter, layout.NoHeader, output };
        foreach (var option in weights.All) command.Options.Add(option);
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.AllCores();
            return from model in weights.Read(parse, parse.GetValue(state)!)
                   from table in SharedOptions.Table(parse.GetValue(data), parse.GetValue(dataset), layout.Of(parse))
                   from schema in model.SchemaFor(table, null)
                   from inputs in model.Inputs(table, schema)
                   let predictions = model.Predict(inputs, schema, compute)
                   from code in Write(context, parse.GetValue(output)!, Csv(predictions, schema), predictions.RowCount)
                   select code;
        }));
        return command;
    }

    /// <summary>The predictions as CSV: "class,p_setosa,…" for classification, the target names for regression.</summary>
    public static string Csv(Matrix<double> predictions, DataSchema schema)
    {
        var rows = predictions.RowCount;
        var values = Dense.Data(predictions);
        var text = new StringBuilder();
        if (schema.Task == TaskKind.Classification)
        {
            var best = Evaluation.ArgMaxByRow(values, rows, predictions.ColumnCount);
            text.Append("class,").Append(string.Join(",", schema.Classes.Map(c => CsvText.Quote("p_" + c)))).Append('\n');
            for (var r = 0; r < rows; r++)
                text.Append(CsvText.Quote(schema.Classes[best[r]])).Append(',')
                    .Append(string.Join(",", Enumerable.Range(0, predictions.ColumnCount).Select(c => Number(values[c * rows + r])))).Append('\n');
            return text.ToString();
        }
        var names = schema.Targets.Count == predictions.ColumnCount ? schema.Targets.ToArray() : Enumerable.Range(0, predictions.ColumnCount).Select(i => $"output{i}").ToArray();
        text.Append(string.Join(",", names.Select(CsvText.Quote))).Append('\n');
        for (var r = 0; r < rows; r++)
            text.Append(string.Join(",", Enumerable.Range(0, predictions.ColumnCount).Select(c => Number(values[c * rows + r])))).Append('\n');
        return text.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The predictions to standard output ("-", with nothing else) or to a file, then a line saying where they went.</summary>
    private static Fin<int> Write(CommandContext context, string path, string csv, int rows)
    {
        if (path == "-")
        {
            context.Out.Write(csv);
            return ExitCodes.Success;
        }
        return OutputFile.WriteText(path, csv).Map(_ =>
        {
            context.Out.WriteLine($"wrote {rows} predictions to {path}");
            return ExitCodes.Success;
        });
    }
}
