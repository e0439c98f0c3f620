using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary>What <c>gradients</c> does once its arguments are parsed.</summary>
public static class GradientsRunner
{
    /// <summary>Reads the network and data, computes the mean-loss gradient and writes it.</summary>
    public static Fin<int> Run(string statePath, string dataPath, string[] targets, string hiddenName, string outputName, string? lossName, string outPath, CommandContext context) =>
        from file in FileInput.ReadSafeTensors(statePath)
        from hidden in Activation.Parse(hiddenName).Within("--activation")
        from outputActivation in Activation.Parse(outputName).Within("--output-activation")
        from network in NetworkTensors.FromFile(file, statePath, hidden, outputActivation)
        from loss in lossName is not null
            ? Loss.Parse(lossName).Within("--loss")
            : Loss.Parse(file.Meta(NetworkTensors.LossKey).IfNone("mse")).Within($"{statePath}: metadata {NetworkTensors.LossKey}")
        from _ in loss.WithOutputActivation(network.Layers[^1].Activation)
        from table in FileInput.ReadCsv(dataPath)
        from loaded in TabularData.Load(table, targets, TaskKind.Regression)
        from fitted in loaded.Data.FitsNetwork(network).Within(dataPath)
        let gradients = Functional.Training.Gradient(network, loss, fitted)
        let metadata = Map<string, string>.Empty.Add("kind", "gradients").Add("loss", loss.Name).Add("rows", fitted.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture))
        from bytes in SafeTensors.TrySerialize(new SafeTensorsFile(NetworkTensors.ToTensors(gradients).ToArr(), metadata)).Within(outPath)
        from written in AtomicFile.Write(outPath, bytes)
        select Report(context, outPath, fitted.Rows);

    private static int Report(CommandContext context, string path, int rows)
    {
        context.Out.WriteLine($"wrote {path}: gradient of the mean loss over {rows} rows");
        return ExitCodes.Success;
    }
}
