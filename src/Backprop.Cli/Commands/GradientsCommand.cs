using System.CommandLine;
using Backprop.Cli.Training;
using Backprop.Functional;

namespace Backprop.Cli.Commands;

/// <summary><c>gradients</c>: the gradient of the mean loss over every row of a CSV, saved like the weights.</summary>
public static class GradientsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var state = SharedOptions.State("A state file, a model file (a run's final.safetensors) or a weights file", required: true);
        var data = SharedOptions.Data("CSV file with the model's feature columns (by name) and the target");
        var dataset = SharedOptions.Dataset();
        var layout = new DataLayout();
        var target = new TrainOptions().Target;
        target.Description = "The target column(s) (default: the one the state or model file names; needed for a weights file)";
        var activation = new Option<string>("--activation") { Description = "Hidden activation, only for a weights file without metadata (default: sigmoid)", HelpName = "NAME" };
        var outputActivation = new Option<string>("--output-activation") { Description = "Output activation, only for a weights file without metadata (default: sigmoid)", HelpName = "NAME" };
        var loss = new Option<string>("--loss") { Description = $"{Loss.Names}, only for a weights file without metadata (default: its loss metadata, else mse)", HelpName = "NAME" };
        var output = new Option<string>("--out") { Description = "Where to write the gradients (safetensors)", HelpName = "GRADS.safetensors", Required = true };
        var command = new Command("gradients", Examples.With(
            "Write dL/dW and dL/db of the mean loss over every row of a CSV, with the weights' tensor names and shapes. A state or model file's features are read by name and standardized as in training; a text target is one-hot encoded by the stored classes. " +
            "The loss is the network's own, as in training: a model trained on standardized targets is compared with the file's targets standardized the same way, not in the target's own units.",
            "backprop gradients --state runs/iris/final.safetensors --dataset iris --out grads.safetensors",
            "backprop gradients --state weights.safetensors --data data.csv --target y --out grads.safetensors"))
        { state, data, dataset, layout.Delimiter, layout.NoHeader, target, activation, outputActivation, loss, output };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () => GradientsRunner.Run(
            new GradientsRequest(parse.GetValue(state)!, parse.GetValue(data), parse.GetValue(dataset), parse.GetValue(target), parse.GetValue(activation),
                parse.GetValue(outputActivation), parse.GetValue(loss), parse.GetValue(output)!)
            { Layout = layout.Of(parse) }, context)));
        return command;
    }
}
