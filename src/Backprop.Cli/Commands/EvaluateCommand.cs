using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.Runs;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>evaluate</c>: loss and metrics of a saved model, either a run's state on the run's own
/// training, validation or test rows (<c>evaluate DIR</c>), or any model file on a data file
/// (<c>evaluate --state FILE --data FILE.csv</c>).
/// </summary>
public static class EvaluateCommand
{
    /// <summary>The values <c>--split</c> takes.</summary>
    private static readonly string[] SplitNames = ["train", "validation", "test"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string?>("DIR") { Description = "A run directory made by 'train --out': its state is evaluated on the run's own rows", Arity = ArgumentArity.ZeroOrOne };
        var state = SharedOptions.State("A state file, a model file (a run's final.safetensors) or a weights file (this tool's, or torch.nn.Sequential's keys with --activation and --output-activation when it names no activations) (instead of DIR)", required: false);
        var data = SharedOptions.Data("With --state: CSV file with the model's feature columns and the target. With DIR: where the run's data file is now, if it moved");
        var dataset = SharedOptions.Dataset();
        var layout = new DataLayout();
        var target = new TrainOptions().Target;
        var split = new System.CommandLine.Option<string>("--split")
        {
            Description = "With DIR: which of the run's rows, as train cut them from run.json (default: test if the run holds one out, else validation, else train)",
            HelpName = "train|validation|test",
        };
        split.AcceptOnlyFromAmong(SplitNames);
        var epoch = new System.CommandLine.Option<int?>("--epoch") { Description = "With DIR: which epoch's state (default: the last; a state the run did not keep is rebuilt and checked against metrics.csv)", HelpName = "K" };
        var init = new System.CommandLine.Option<string>("--init") { Description = "With DIR: where the run's --init weights file is now, if it moved (its SHA-256 must match)", HelpName = "FILE.safetensors" };
        var weights = new WeightsOptions();
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print one JSON object instead of text (an infinite or NaN number is the string \"Infinity\", \"-Infinity\" or \"NaN\")" };
        var command = new Command("evaluate", Examples.With(
            "Evaluate a saved model: loss; for classification accuracy, a confusion matrix and per-class precision, recall and F1 with their macro averages; for regression rmse, mae and R². " +
            "Given a run directory, a state of the run (default: the last) is evaluated on the run's own test, validation or training rows, rebuilt from run.json as train cut them, " +
            "so --split test gives the numbers of train's test line and --split validation --epoch K the validation metrics of epoch K. " +
            "Everything is in the target's own units: a model trained on standardized targets maps its outputs back first, so its mse is in squared target units.",
            "backprop evaluate runs/iris                                  # the last state on the test rows, as train's test line",
            "backprop evaluate runs/iris --split validation --epoch 40 --json",
            "backprop evaluate runs/houses --data /new/place/houses.csv   # a run whose data file moved",
            "backprop evaluate --state runs/iris/final.safetensors --dataset iris",
            "backprop evaluate --state model.safetensors --data test.csv --target species --json"))
        { dir, state, data, dataset, layout.Delimiter, layout.NoHeader, target, split, epoch, init, json };
        foreach (var option in weights.All) command.Options.Add(option);
        command.Validators.Add(result => Validate(result, dir, state, target, split, epoch, init));
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.AllCores();
            if (parse.GetValue(dir) is { } run)
            {
                var sources = new RunSources(parse.GetValue(data), parse.GetValue(dataset), parse.GetValue(init));
                var which = parse.GetValue(split) is { } name ? Enum.Parse<RunSplit>(name, ignoreCase: true) : (RunSplit?)null;
                return RunEvaluation.Run(run, sources, which, parse.GetValue(epoch), compute).Match(
                    evaluated => Report(context, evaluated.Evaluation, evaluated.Schema, evaluated.Rows, parse.GetValue(json), evaluated),
                    failure => failure.Code == RunEvaluation.MissingSplitCode ? MissingSplit(context, failure.Message) : Fin<int>.Fail(failure));
            }
            return from model in weights.Read(parse, parse.GetValue(state)!)
                   from table in SharedOptions.Table(parse.GetValue(data), parse.GetValue(dataset), layout.Of(parse))
                   from schema in model.SchemaFor(table, parse.GetValue(target))
                   from fits in model.DataInTargetUnits(table, schema)
                   select Report(context, model.Evaluate(fits, schema, compute), schema, fits.Rows, parse.GetValue(json), null);
        }));
        return command;
    }

    /// <summary>A run directory or --state, and the options that go with each.</summary>
    private static void Validate(CommandResult result, Argument<string?> dir, System.CommandLine.Option<string> state, System.CommandLine.Option<string[]> target,
        System.CommandLine.Option<string> split, System.CommandLine.Option<int?> epoch, System.CommandLine.Option<string> init)
    {
        var (hasDir, hasState) = (result.GetResult(dir) is { Tokens.Count: > 0 }, result.GetResult(state) is { Implicit: false });
        if (!hasDir && !hasState) result.AddError("give a run directory (evaluate DIR) or a model file (evaluate --state FILE --data FILE.csv)");
        else if (hasDir && hasState) result.AddError("give a run directory or --state FILE, not both");
        else if (hasDir && result.GetResult(target) is { Implicit: false })
            result.AddError("--target is for --state: a run directory's targets are the ones run.json names");
        else if (hasState)
            foreach (var option in new System.CommandLine.Option[] { split, epoch, init })
                if (result.GetResult(option) is { Implicit: false })
                    result.AddError($"{option.Name} needs a run directory (evaluate DIR {option.Name} …), not --state");
    }

    /// <summary>A split the run does not hold is a usage error: the option named what is not there.</summary>
    private static Fin<int> MissingSplit(CommandContext context, string message)
    {
        context.Error.WriteLine($"error: --split: {message}");
        return ExitCodes.Usage;
    }

    // A diverged model's loss is ±Infinity or NaN, which plain JSON numbers cannot hold.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static int Report(CommandContext context, Evaluation evaluation, DataSchema schema, int rows, bool json, SplitEvaluation? inRun)
    {
        var classification = schema.Task == TaskKind.Classification;
        if (json)
        {
            var document = new Dictionary<string, object?>();
            if (inRun is not null)
            {
                document["split"] = RunEvaluation.Name(inRun.Split);
                document["epoch"] = inRun.Epoch;
            }
            document["loss"] = evaluation.Loss;
            document["accuracy"] = evaluation.Accuracy;
            document["rows"] = rows;
            document["task"] = schema.Task.ToString().ToLowerInvariant();
            if (classification)
            {
                document["classes"] = schema.Classes.ToArray();
                document["confusion"] = evaluation.Confusion.Map(r => r.ToArray()).ToArray();
                document["precision"] = evaluation.PerClass.Map(c => c.Precision).ToArray();
                document["recall"] = evaluation.PerClass.Map(c => c.Recall).ToArray();
                document["f1"] = evaluation.PerClass.Map(c => c.F1).ToArray();
                document["support"] = evaluation.PerClass.Map(c => c.Support).ToArray();
                document["macro_precision"] = evaluation.MacroPrecision;
                document["macro_recall"] = evaluation.MacroRecall;
                document["macro_f1"] = evaluation.MacroF1;
            }
            else
            {
                document["rmse"] = evaluation.RootMeanSquaredError;
                document["mae"] = evaluation.MeanAbsoluteError;
                document["r2"] = evaluation.RSquared;
            }
            if (inRun?.NetworkUnitsLoss is { } standardized) document["standardized_loss"] = standardized;
            if (inRun?.MeanPredictorLoss is { } baseline) document["mean_predictor_loss"] = baseline;
            context.Out.WriteLine(JsonSerializer.Serialize(document, Json));
            return ExitCodes.Success;
        }
        var output = context.Out;
        if (inRun is not null) output.WriteLine($"split     {RunEvaluation.Name(inRun.Split)}, state of epoch {inRun.Epoch}");
        output.WriteLine($"rows      {rows}");
        output.WriteLine($"loss      {TrainRunner.Format(evaluation.Loss)}" +
                         (inRun?.MeanPredictorLoss is { } mean ? $" (predicting the training mean: {TrainRunner.Format(mean)})" : ""));
        if (inRun?.NetworkUnitsLoss is { } network) output.WriteLine($"          {TrainRunner.Format(network)} in standardized target units (the units of the epoch losses and of metrics.csv's val_loss)");
        if (evaluation.RootMeanSquaredError is { } rmse) output.WriteLine($"rmse      {TrainRunner.Format(rmse)}");
        if (evaluation.MeanAbsoluteError is { } mae) output.WriteLine($"mae       {TrainRunner.Format(mae)}");
        if (evaluation.RSquared is { } r2) output.WriteLine($"r2        {TrainRunner.Format(r2)}");
        if (evaluation.Accuracy is not { } accuracy) return ExitCodes.Success;
        output.WriteLine($"accuracy  {Fraction(accuracy)} ({(int)Math.Round(accuracy * rows)} of {rows})");
        output.WriteLine("confusion (rows: true class, columns: predicted)");
        var table = new List<string[]> { new[] { "" }.Concat(schema.Classes).ToArray() };
        table.AddRange(schema.Classes.Zip(evaluation.Confusion).Select(p => new[] { p.Item1 }.Concat(p.Item2.Map(n => n.ToString(CultureInfo.InvariantCulture))).ToArray()));
        TextTable.Write(output, table);
        output.WriteLine("per class (a class never predicted has precision 0; the macro average counts the classes that occur)");
        var scores = new List<string[]> { new[] { "class", "precision", "recall", "f1", "support" } };
        scores.AddRange(schema.Classes.Zip(evaluation.PerClass).Select(p =>
            new[] { p.Item1, Fraction(p.Item2.Precision), Fraction(p.Item2.Recall), Fraction(p.Item2.F1), p.Item2.Support.ToString(CultureInfo.InvariantCulture) }));
        scores.Add(["macro average", Fraction(evaluation.MacroPrecision!.Value), Fraction(evaluation.MacroRecall!.Value), Fraction(evaluation.MacroF1!.Value), rows.ToString(CultureInfo.InvariantCulture)]);
        TextTable.Write(output, scores);
        return ExitCodes.Success;
    }

    private static string Fraction(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
