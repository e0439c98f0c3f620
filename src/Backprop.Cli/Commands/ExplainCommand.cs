using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>explain</c>: one training step with every intermediate number, in the seed notebook's order.</summary>
public static class ExplainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var state = SharedOptions.State("A state file, a model file (no update: it holds no optimizer state) or a weights file written by this tool; default: the seed demo's first step", required: false);
        var data = SharedOptions.Data("CSV file holding the row to explain");
        var dataset = SharedOptions.Dataset();
        var layout = new DataLayout();
        var target = new TrainOptions().Target;
        var row = new System.CommandLine.Option<int>("--row") { Description = "Which data row (0 = the first row after the header; default 0)", HelpName = "R" };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print the same as one JSON object (infinite and NaN values are the strings \"Infinity\", \"-Infinity\" and \"NaN\")" };
        var command = new Command("explain", Examples.With(
            "Follow one step of backprop with numbers: the forward pass layer by layer, the loss, the backward pass layer by layer (dL/dh, dL/dz, dL/dW, dL/db) and the update. " +
            "Everything is in the network's own space, as in training: standardized features and, for a model trained on standardized targets, standardized targets.",
            "backprop explain",
            "backprop explain --state runs/iris/states/000010.safetensors --dataset iris --row 5",
            "backprop explain --json > step.json"))
        { state, data, dataset, layout.Delimiter, layout.NoHeader, target, row, json };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
            Source(parse.GetValue(state), parse.GetValue(data), parse.GetValue(dataset), parse.GetValue(target), parse.GetValue(row), layout.Of(parse))
                .Map(s => s.Explain())
                .Map(e => Print(context, e, parse.GetValue(json)))));
        return command;
    }

    /// <summary>What to explain: a network, its loss, the optimizer with its state (none for a model file) and the row.</summary>
    private sealed record Subject(Network Network, Loss Loss, (Optimizer Optimizer, OptimizerState State)? Step, Dataset Batch)
    {
        public StepExplanation Explain() =>
            Step is { } step ? StepExplanation.Of(Network, Loss, step.Optimizer, step.State, Batch) : StepExplanation.Of(Network, Loss, Batch);
    }

    private static Fin<Subject> Source(string? statePath, string? data, string? dataset, string[]? targets, int row, (string? Delimiter, bool NoHeader) layout)
    {
        if (row < 0) return new OutOfRange(Flags.Shell.Row, row, "≥ 0");
        if (statePath is null)
        {
            if (data is not null || dataset is not null) return Error.New("--data/--dataset need --state: the default explains the seed demo's first step");
            return RunPlan.Prepare(new RunSpec()).Map(run => new Subject(run.Initial.Network, run.Config.Loss, (run.Config.Optimizer, run.Initial.Optimizer), run.Data.Train));
        }
        if (ModelReader.Read(statePath).Failed(out var modelError, out var model)) return modelError;
        if (SharedOptions.Table(data, dataset, layout).Failed(out var tableError, out var table)) return tableError;
        if (row >= table.RowCount) return new OutOfRange(Flags.Shell.Row, row, $"< {table.RowCount}, the data rows of {table.Source}");
        var one = table.Rows(row, 1);
        if (model.SchemaFor(one, targets).Failed(out var schemaError, out var schema)) return schemaError;
        if (model.Data(one, schema).Failed(out var dataError, out var batch)) return dataError;
        return new Subject(model.Network, model.Loss, model.Kind == ModelKind.ModelFile ? null : Optimizer(statePath), batch);
    }

    /// <summary>The run's own optimizer and its saved state when the file is a state; plain SGD at the seed's rate for a weights file.</summary>
    private static (Optimizer, OptimizerState) Optimizer(string path)
    {
        var fallback = (Optimizer: (Functional.Optimizer)new Sgd(new ConstantSchedule(SeedDemo.LearningRate)), State: OptimizerState.Stateless);
        return StateFile.Read(path).Case is Checkpoint checkpoint && RunPlan.OptimizerOf(checkpoint).Case is Functional.Optimizer optimizer
            ? (optimizer, checkpoint.State.Optimizer)
            : fallback;
    }

    // A diverged network's values are ±Infinity or NaN, which plain JSON numbers cannot hold.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static int Print(CommandContext context, StepExplanation explanation, bool json)
    {
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(ExplanationDocument.Of(explanation), Json));
        else ExplanationText.Write(context.Out, explanation);
        return ExitCodes.Success;
    }
}
