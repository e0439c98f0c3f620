using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>diff A B</c> or <c>diff DIR K1 K2</c>: per tensor, how much two states differ.</summary>
public static class DiffCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var paths = new Argument<string[]>("A B | DIR K1 K2") { Description = "Two state/weights files, or a run directory and two epochs", Arity = new ArgumentArity(2, 3) };
        var command = new Command("diff", Examples.With(
            "Compare two states tensor by tensor: largest absolute and relative change, and norms.",
            "backprop diff runs/iris 10 20",
            "backprop diff runs/a/final.safetensors runs/b/final.safetensors",
            "backprop diff runs/iris/states/000060.safetensors runs/iris-lr0.001/states/000010.safetensors")) { paths };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () => Files(parse.GetValue(paths)!).Bind(pair => Diff(context, pair.A, pair.B))));
        return command;
    }

    private static Fin<(StateBytes A, StateBytes B)> Files(string[] args)
    {
        if (args.Length == 2)
            return from a in StateSource.Read(args[0], null)
                   from b in StateSource.Read(args[1], null)
                   select (a, b);
        if (!int.TryParse(args[1], out var first) || !int.TryParse(args[2], out var second))
            return Error.New($"diff DIR K1 K2 needs two epoch numbers (got '{args[1]}' and '{args[2]}')");
        return from a in StateSource.InRun(args[0], first)
               from b in StateSource.InRun(args[0], second)
               select (a, b);
    }

    /// <summary>
    /// The file's tensors; one the tool sealed (a state, a model) must still be what it wrote, as every
    /// reader of it checks, while weights from elsewhere, which carry no seal, are compared as they are.
    /// </summary>
    private static Fin<SafeTensorsFile> Intact(StateBytes source) =>
        SafeTensors.Parse(source.Path, source.Bytes).Bind(file => file.Meta(Seal.Key).IsSome
            ? Seal.Check(source.Bytes, file, source.Path, "file").Map(_ => file)
            : file);

    private static Fin<int> Diff(CommandContext context, StateBytes sourceA, StateBytes sourceB)
    {
        var (pathA, pathB) = (sourceA.Path, sourceB.Path);
        if (Intact(sourceA).Failed(out var errorA, out var a)) return errorA;
        if (Intact(sourceB).Failed(out var errorB, out var b)) return errorB;
        context.Out.WriteLine($"A {pathA}");
        context.Out.WriteLine($"B {pathB}");
        var rows = new List<string[]> { new[] { "tensor", "shape", "|A|", "|B|", "|B-A|", "max abs change", "max rel change" } };
        var identical = 0;
        foreach (var ta in a.Tensors)
        {
            if (b.Find(ta.Name).Case is not Tensor tb)
            {
                rows.Add([ta.Name, ta.ShapeText, StateSource.Number(ShowCommand.Norm(ta.Values)), "(only in A)", "", "", ""]);
                continue;
            }
            if (!Enumerable.SequenceEqual(ta.Shape, tb.Shape))
            {
                rows.Add([ta.Name, $"{ta.ShapeText} vs {tb.ShapeText}", "", "", "", "(shapes differ)", ""]);
                continue;
            }
            if (StateDifference.LargestDifference(ta.Values, tb.Values) is null) identical++;
            var delta = ta.Values.Zip(tb.Values, (x, y) => y - x).ToArray();
            var relative = ta.Values.Zip(delta, (x, d) => x == 0 ? (d == 0 ? 0 : double.PositiveInfinity) : Math.Abs(d / x)).DefaultIfEmpty(0).Max();
            rows.Add([ta.Name, ta.ShapeText, StateSource.Number(ShowCommand.Norm(ta.Values)), StateSource.Number(ShowCommand.Norm(tb.Values)),
                      StateSource.Number(ShowCommand.Norm(delta)), StateSource.Number(delta.Select(Math.Abs).DefaultIfEmpty(0).Max()), StateSource.Number(relative)]);
        }
        foreach (var tb in b.Tensors.Filter(t => a.Find(t.Name).IsNone))
            rows.Add([tb.Name, tb.ShapeText, "(only in B)", StateSource.Number(ShowCommand.Norm(tb.Values)), "", "", ""]);
        TextTable.Write(context.Out, rows);
        context.Out.WriteLine($"{identical} of {a.Tensors.Count} tensors in A are bit-identical in B");
        return ExitCodes.Success;
    }
}
