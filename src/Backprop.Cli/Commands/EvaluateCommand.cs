using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>evaluate</c>: loss, and for classification accuracy and a confusion matrix, of a saved model on a data file.</summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var state = SharedOptions.State("A state file, a model file (a run's final.safetensors) or a weights file written by this tool", required: true);
        var data = SharedOptions.Data("CSV file with the model's feature columns and the target");
        var dataset = SharedOptions.Dataset();
        var target = new TrainOptions().Target;
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print one JSON object instead of text (an infinite or NaN loss is the string \"Infinity\", \"-Infinity\" or \"NaN\")" };
        var command = new Command("evaluate", Examples.With(
            "Evaluate a saved model on a data file: loss, and for classification accuracy and a confusion matrix, for regression rmse and mae. " +
            "Everything is in the target's own units: a model trained on standardized targets maps its outputs back first, so its mse is in squared target units.",
            "backprop evaluate --state runs/iris/final.safetensors --dataset iris",
            "backprop evaluate --state model.safetensors --data test.csv --target species --json"))
        { state, data, dataset, target, json };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.AllCores();
            return from model in ModelReader.Read(parse.GetValue(state)!)
                   from table in SharedOptions.Table(parse.GetValue(data), parse.GetValue(dataset))
                   from schema in model.SchemaFor(table, parse.GetValue(target))
                   from fits in model.DataInTargetUnits(table, schema)
                   select Report(context, model.Evaluate(fits, schema, compute), schema, fits.Rows, parse.GetValue(json));
        }));
        return command;
    }

    // A diverged model's loss is ±Infinity or NaN, which plain JSON numbers cannot hold.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static int Report(CommandContext context, Evaluation evaluation, DataSchema schema, int rows, bool json)
    {
        if (json)
        {
            var document = new Dictionary<string, object?>
            {
                ["loss"] = evaluation.Loss,
                ["accuracy"] = evaluation.Accuracy,
                ["rows"] = rows,
                ["task"] = schema.Task.ToString().ToLowerInvariant(),
            };
            if (schema.Task == TaskKind.Classification)
            {
                document["classes"] = schema.Classes.ToArray();
                document["confusion"] = evaluation.Confusion.Map(r => r.ToArray()).ToArray();
            }
            else
            {
                document["rmse"] = evaluation.RootMeanSquaredError;
                document["mae"] = evaluation.MeanAbsoluteError;
            }
            context.Out.WriteLine(JsonSerializer.Serialize(document, Json));
            return ExitCodes.Success;
        }
        context.Out.WriteLine($"rows      {rows}");
        context.Out.WriteLine($"loss      {TrainRunner.Format(evaluation.Loss)}");
        if (evaluation.RootMeanSquaredError is { } rmse) context.Out.WriteLine($"rmse      {TrainRunner.Format(rmse)}");
        if (evaluation.MeanAbsoluteError is { } mae) context.Out.WriteLine($"mae       {TrainRunner.Format(mae)}");
        if (evaluation.Accuracy is not { } accuracy) return ExitCodes.Success;
        context.Out.WriteLine($"accuracy  {accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} ({(int)Math.Round(accuracy * rows)} of {rows})");
        context.Out.WriteLine("confusion (rows: true class, columns: predicted)");
        var table = new List<string[]> { new[] { "" }.Concat(schema.Classes).ToArray() };
        table.AddRange(schema.Classes.Zip(evaluation.Confusion).Select(p => new[] { p.Item1 }.Concat(p.Item2.Map(n => n.ToString(CultureInfo.InvariantCulture))).ToArray()));
        TextTable.Write(context.Out, table);
        return ExitCodes.Success;
    }
}
