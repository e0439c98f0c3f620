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
                   let predictions = model.PredictInBatches(inputs, schema, compute)
                   from code in Write(context, parse.GetValue(output)!, text => WriteCsv(text, predictions, schema, model.Network.OutputWidth), inputs.RowCount)
                   select code;
        }));
        return command;
    }

    /// <summary>The predictions as CSV: "class,p_setosa,…" for classification, the target names for regression.</summary>
    public static string Csv(Matrix<double> predictions, DataSchema schema)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(text, [predictions], schema, predictions.ColumnCount);
        return text.ToString();
    }

    /// <summary>
    /// <see cref="Csv"/> of the predictions that come a batch of rows at a time (each
    /// <paramref name="columns"/> wide), written row by row as they come.
    /// </summary>
    public static void WriteCsv(TextWriter text, IEnumerable<Matrix<double>> batches, DataSchema schema, int columns)
    {
        var classification = schema.Task == TaskKind.Classification;
        if (classification)
        {
            text.Write("class,");
            text.Write(string.Join(",", schema.Classes.Map(c => CsvText.Quote("p_" + c))));
        }
        else
        {
            var names = schema.Targets.Count == columns ? schema.Targets.ToArray() : Enumerable.Range(0, columns).Select(i => $"output{i}").ToArray();
            text.Write(string.Join(",", names.Select(CsvText.Quote)));
        }
        text.Write('\n');
        var line = new StringBuilder();
        foreach (var batch in batches)
        {
            var rows = batch.RowCount;
            var values = Dense.Data(batch);
            var best = classification ? Evaluation.ArgMaxByRow(values, rows, columns) : [];
            for (var r = 0; r < rows; r++)
            {
                line.Clear();
                if (classification) line.Append(CsvText.Quote(schema.Classes[best[r]])).Append(',');
                for (var c = 0; c < columns; c++)
                {
                    if (c > 0) line.Append(',');
                    line.Append(Number(values[c * rows + r]));
                }
                text.Write(line.Append('\n'));
            }
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The predictions to standard output ("-", with nothing else) or to a file (written as they come), then a line saying where they went.</summary>
    private static Fin<int> Write(CommandContext context, string path, Action<TextWriter> write, int rows)
    {
        if (path == "-")
        {
            write(context.Out);
            return ExitCodes.Success;
        }
        return OutputFile.Write(path, stream =>
        {
            using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
            write(text);
        }).Map(_ =>
        {
            context.Out.WriteLine($"wrote {rows} predictions to {path}");
            return ExitCodes.Success;
        });
    }
}
