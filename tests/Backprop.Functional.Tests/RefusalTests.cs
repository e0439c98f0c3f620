using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests;

/// <summary>
/// The core and IO refuse a bad setting with a typed <see cref="Refusal"/> (which setting, which
/// value, what range) whose message reads naturally for a library caller and names no flag.
/// </summary>
public sealed class RefusalTests
{
    private static readonly Schedule Rate = new ConstantSchedule(0.1);

    private static Fin<Optimizer> Optimizer(string name = "adam", double momentum = 0.9, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double decay = 0, double? clip = null) =>
        Functional.Optimizer.Create(name, Rate, momentum, beta1, beta2, eps, decay, clip);

    private static Fin<Unit> Ignore<A>(Fin<A> fin) => fin.Map(_ => Unit.Default);

    /// <summary>Bad values handed to the library's constructors and to the run protocol, with the setting each must name.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "optimizer momentum 1", Settings.Momentum },
        { "optimizer beta1 -0.1", Settings.Beta1 },
        { "optimizer beta2 1", Settings.Beta2 },
        { "optimizer eps 0", Settings.Epsilon },
        { "optimizer weight decay -1", Settings.WeightDecay },
        { "optimizer clip norm NaN", Settings.ClipNorm },
        { "optimizer name", Settings.Optimizer },
        { "schedule rate", Settings.LearningRate },
        { "schedule name", Settings.Schedule },
        { "schedule step without decay steps", Settings.DecaySteps },
        { "schedule step decay rate", Settings.DecayRate },
        { "widths one", Settings.LayerWidths },
        { "widths zero", Settings.LayerWidths },
        { "activation name", Settings.Activation },
        { "loss name", Settings.Loss },
        { "loss with the wrong output", Settings.OutputActivation },
        { "init scheme name", Settings.InitScheme },
        { "run lr", Settings.LearningRate },
        { "run epochs", Settings.Epochs },
        { "run batch size", Settings.BatchSize },
        { "run keep every", Settings.KeepEvery },
        { "run validation split", Settings.ValidationSplit },
        { "run splits together", Settings.TestSplit },
        { "run max skips", Settings.MaxSkips },
        { "run target without data", Settings.TargetColumns },
        { "run data without target", Settings.TargetColumns },
        { "run data and dataset", Settings.Dataset },
        { "run seed widths", Settings.LayerWidths },
        { "run hidden softmax", Settings.Activation },
        { "run output activation", Settings.OutputActivation },
        { "run momentum", Settings.Momentum },
        { "run on-nonfinite", Settings.OnNonfinite },
        { "run task", Settings.Task },
        { "run dataset", Settings.Dataset },
        { "run standardize target for classification", Settings.StandardizeTarget },
        { "table target twice", Settings.TargetColumns },
        { "table target and feature", Settings.FeatureColumns },
    };

    private static Fin<Unit> Refused(string name) => name switch
    {
        "optimizer momentum 1" => Ignore(Optimizer("momentum", momentum: 1)),
        "optimizer beta1 -0.1" => Ignore(Optimizer(beta1: -0.1)),
        "optimizer beta2 1" => Ignore(Optimizer(beta2: 1)),
        "optimizer eps 0" => Ignore(Optimizer(eps: 0)),
        "optimizer weight decay -1" => Ignore(Optimizer(decay: -1)),
        "optimizer clip norm NaN" => Ignore(Optimizer(clip: double.NaN)),
        "optimizer name" => Ignore(Optimizer("rmsprop")),
        "schedule rate" => Ignore(Schedule.Create("constant", -1, 0, 0.1)),
        "schedule name" => Ignore(Schedule.Create("linear", 0.1, 0, 0.1)),
        "schedule step without decay steps" => Ignore(Schedule.Create("step", 0.1, 0, 0.1)),
        "schedule step decay rate" => Ignore(Schedule.Create("step", 0.1, 10, 1.5)),
        "widths one" => NetworkFactory.CheckWidths([4]),
        "widths zero" => NetworkFactory.CheckWidths([4, 0, 3]),
        "activation name" => Ignore(Activation.Parse("swish")),
        "loss name" => Ignore(Loss.Parse("hinge")),
        "loss with the wrong output" => Ignore(CrossEntropy.Instance.WithOutputActivation(Sigmoid.Instance)),
        "init scheme name" => Ignore(Initializer.Parse("orthogonal")),
        "run lr" => Run(new RunSpec { Lr = -1 }),
        "run epochs" => Run(new RunSpec { Epochs = -1 }),
        "run batch size" => Run(new RunSpec { BatchSize = -3 }),
        "run keep every" => Run(new RunSpec { KeepEvery = 0 }),
        "run validation split" => Run(new RunSpec { ValidationSplit = 1 }),
        "run splits together" => Run(new RunSpec { ValidationSplit = 0.6, TestSplit = 0.4 }),
        "run max skips" => Run(new RunSpec { MaxSkips = -1 }),
        "run target without data" => Run(new RunSpec { Target = ["y"] }),
        "run data without target" => Run(new RunSpec { Data = "d.csv" }),
        "run data and dataset" => Run(new RunSpec { Data = "d.csv", Dataset = "iris", Target = ["y"] }),
        "run seed widths" => Run(new RunSpec { Layers = [10] }),
        "run hidden softmax" => Run(new RunSpec { Activation = "softmax" }),
        "run output activation" => Run(new RunSpec { OutputActivation = "swish" }),
        "run momentum" => Run(new RunSpec { Optimizer = "momentum", Momentum = -0.5 }),
        "run on-nonfinite" => Run(new RunSpec { OnNonfinite = "ignore" }),
        "run task" => Run(new RunSpec { Dataset = "iris", Task = "clustering" }),
        "run dataset" => Run(new RunSpec { Dataset = "wine" }),
        "run standardize target for classification" => Run(new RunSpec { Dataset = "iris", StandardizeTarget = true }),
        "table target twice" => Ignore(Table().Bind(t => TabularData.Load(t, ["y", "y"], null))),
        "table target and feature" => Ignore(Table().Bind(t => TabularData.Load(t, ["y"], null, ["a", "y"]))),
        _ => throw new ArgumentException(name),
    };

    private static Fin<Unit> Run(RunSpec spec) => Ignore(RunPlan.Prepare(spec));

    private static Fin<CsvTable> Table() => Csv.Parse("t.csv", "a,b,y\n1,2,3\n4,5,6\n");

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_setting_is_a_typed_refusal_that_names_the_setting_and_no_flag(string name, string setting)
    {
        var result = Refused(name);
        Assert.True(result.IsFail, $"{name}: expected a refusal");
        var error = (Error)result;
        var refusal = Assert.IsAssignableFrom<Refusal>(error);
        Assert.Contains(setting, refusal.Refused);
        Assert.Contains(setting, refusal.Message);
        Assert.DoesNotContain("--", refusal.Message);
        Assert.Equal(Refusal.RefusalCode, refusal.Code);
    }

    [Fact]
    public void An_out_of_range_value_reads_naturally_and_keeps_its_parts()
    {
        var refusal = Assert.IsType<OutOfRange>((Error)Schedule.Create("constant", -1, 0, 0.1));
        Assert.Equal("learning rate -1 is out of range: must be > 0 and finite", refusal.Message);
        Assert.Equal((Settings.LearningRate, -1.0, "> 0 and finite"), (refusal.Setting, refusal.Value, refusal.Range));
        Assert.Equal("--lr: -1 is out of range (must be > 0 and finite)", refusal.Render(s => s == Settings.LearningRate ? "--lr" : s));
    }

    [Fact]
    public void A_refusal_survives_map_and_bind_and_linq()
    {
        var spec = new RunSpec { Optimizer = "adam", Beta2 = 1 };
        var refused = RunPlan.OptimizerOf(spec).Map(o => o.Name).Bind(n => Fin<int>.Succ(n.Length));
        Assert.IsType<OutOfRange>((Error)refused);
    }

    [Fact]
    public void A_conflict_names_each_setting_in_the_readers_words()
    {
        var conflict = Assert.IsType<Conflict>((Error)CrossEntropy.Instance.WithOutputActivation(Sigmoid.Instance));
        Assert.Equal("loss cross-entropy needs output activation softmax, not sigmoid", conflict.Message);
        Assert.Equal("'loss' cross-entropy needs 'output-activation' softmax, not sigmoid", conflict.Render(RunSpecKeys.Quoted));
    }

    [Fact]
    public void A_refusal_about_another_setting_says_so_in_its_message()
    {
        var refusal = ((Error)Activation.Parse("swish").About(Settings.OutputActivation)) as Refusal;
        Assert.Equal(Settings.OutputActivation, Assert.Single(refusal!.Refused));
        Assert.StartsWith("unknown output activation 'swish'", refusal.Message);
    }

    [Fact]
    public void A_refusal_read_from_a_file_names_the_file_and_its_key()
    {
        var inFile = Fin<int>.Fail(new OutOfRange(Settings.Momentum, 7, "in [0, 1)")).InFile("runs/x/run.json");
        Assert.Equal("runs/x/run.json: 'momentum': 7 is out of range (must be in [0, 1))", ((Error)inFile).Message);
    }

    [Fact]
    public void No_refusal_message_in_the_core_or_io_sources_names_a_flag()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src"));
        var offenders = new[] { "Backprop.Functional", "Backprop.Functional.IO" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, i, line)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l.line, "(Error\\.New|Conflict|Setting)\\(.*\"[^\"]*--[a-z]"))
            .Select(l => $"{Path.GetFileName(l.file)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [Fact]
    public void Each_refusal_renders_with_the_callers_name_for_its_setting()
    {
        static string Flag(string setting) => "--" + setting.Replace(' ', '-');
        Assert.Equal("--activation: unknown name 'swish' (expected relu|tanh)", new UnknownName(Settings.Activation, "swish", ["relu", "tanh"]).Render(Flag));
        Assert.Equal("--layer-widths: 5: needs at least two widths", new InvalidSetting(Settings.LayerWidths, "5", "needs at least two widths").Render(Flag));
    }

    [Fact]
    public void Text_put_into_a_template_has_its_braces_doubled() =>
        Assert.Equal("runs/{{a}}/x{{", Conflict.Literal("runs/{a}/x{"));
}
