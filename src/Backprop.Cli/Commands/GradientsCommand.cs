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
        var state = new Option<string>("--state") { Description = "Weights or state file (safetensors)", HelpName = "FILE.safetensors", Required = true };
        var data = new Option<string>("--data") { Description = "CSV file with a header row", HelpName = "FILE.csv", Required = true };
        var target = new TrainOptions().Target;
        target.Required = true;
        var activation = new Option<string>("--activation") { Description = "Hidden activation for files without metadata (default: sigmoid)", HelpName = "NAME" };
        var outputActivation = new Option<string>("--output-activation") { Description = "Output activation for files without metadata (default: sigmoid)", HelpName = "NAME" };
        var loss = new Option<string>("--loss") { Description = $"{Loss.Names} (default: the file's, else mse)", HelpName = "NAME" };
        var output = new Option<string>("--out") { Description = "Where to write the gradients (safetensors)", HelpName = "GRADS.safetensors", Required = true };
        var command = new Command("gradients", Examples.With(
            "Write dL/dW and dL/db of the mean loss over every row of a CSV, with the weights' tensor names and shapes.",
            "backprop gradients --state weights.safetensors --data data.csv --target y --out grads.safetensors"))
        { state, data, target, activation, outputActivation, loss, output };
        command.SetAction(parse => BackpropCli.Guard(context, () => GradientsRunner.Run(
            parse.GetValue(state)!, parse.GetValue(data)!, parse.GetValue(target)!, parse.GetValue(activation) ?? "sigmoid",
            parse.GetValue(outputActivation) ?? "sigmoid", parse.GetValue(loss), parse.GetValue(output)!, context)));
        return command;
    }
}
