using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// Forks (<c>train --from DIR --epoch K</c>): a new run whose state 0 is DIR's state K. The laws:
/// state 0 holds the parent's state bit for bit (its epoch counter set to 0); a fork that changes
/// nothing retraces its parent's later states bit for bit; a fork that changes the learning rate
/// does not; a fork replays and verifies like any run, and verify proves its link to the parent.
/// </summary>
public sealed class ForkTests : IDisposable
{
    private readonly TempDirectory dir = new();

    /// <summary>The parent: 7 epochs of a 4-5-3 tanh network on iris with adam, every second state kept (0, 2, 4, 6, 7), a validation split.</summary>
    private readonly string parent;

    public ForkTests()
    {
        parent = dir.File("parent");
        var train = CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.05",
            "--batch-size", "32", "--epochs", "7", "--keep-every", "2", "--standardize", "--validation-split", "0.2", "--out", parent);
        Assert.True(train.ExitCode == 0, train.Error);
    }

    public void Dispose() => dir.Dispose();

    private static string StatePath(string run, int epoch) => Path.Combine(run, "states", RunDirectory.StateName(epoch));

    private static Checkpoint State(string run, int epoch) => (Checkpoint)StateFile.Read(StatePath(run, epoch));

    private static SafeTensorsFile Tensors(string run, int epoch) => (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(StatePath(run, epoch)));

    /// <summary>Every tensor (weights, optimizer slots, standardization) of two state files, bit for bit.</summary>
    private static void SameTensors(SafeTensorsFile expected, SafeTensorsFile actual)
    {
        Assert.Equal(expected.Tensors.Map(t => t.Name), actual.Tensors.Map(t => t.Name));
        foreach (var tensor in expected.Tensors)
            Assert.True(Bits.Same(tensor.Values, ((Tensor)actual.Find(tensor.Name)).Values), $"tensor {tensor.Name} differs");
    }

    private string Fork(string name, params string[] options)
    {
        var fork = dir.File(name);
        var train = CliRun.Of(["train", "--from", parent, "--epoch", "2", "--out", fork, "--plain", .. options]);
        Assert.True(train.ExitCode == 0, train.Error);
        return fork;
    }

    [Fact]
    public void A_fork_without_changes_holds_the_parent_state_and_retraces_its_later_states_bit_for_bit()
    {
        var fork = Fork("same");

        // State 0 is the parent's state 2: the same tensors, generator, step and optimizer count; only the epoch counter restarts.
        var (start, zero) = (State(parent, 2).State, State(fork, 0).State);
        SameTensors(Tensors(parent, 2), Tensors(fork, 0));
        Assert.Equal((0, start.Step, start.Rng, start.Optimizer.Count), (zero.Epoch, zero.Step, zero.Rng, zero.Optimizer.Count));
        Assert.Equal(8, zero.Step); // 2 epochs of 4 batches (120 training rows, 32 a batch)

        // Epochs default to what the parent had left (7 − 2); the fork's epoch k is the parent's 2 + k. The files
        // differ in their metadata (epoch, configuration with the parent keys, previous state's hash), so the
        // tensors are compared: weights, moments and standardization are the same bits.
        foreach (var (forkEpoch, parentEpoch) in new[] { (2, 4), (4, 6), (5, 7) })
            SameTensors(Tensors(parent, parentEpoch), Tensors(fork, forkEpoch));
        var parentRows = File.ReadAllLines(Path.Combine(parent, "metrics.csv")).Skip(1 + 2).Select(r => r.Split(',')[1..^1]);
        var forkRows = File.ReadAllLines(Path.Combine(fork, "metrics.csv")).Skip(1).Select(r => r.Split(',')[1..^1]);
        Assert.Equal(parentRows, forkRows); // every epoch's losses and accuracy, as written

        var verify = CliRun.Of("verify", fork);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.Contains("chain: intact", verify.Out);
        Assert.Contains($"parent: {StatePath(parent, 2)} has the SHA-256 run.json records", verify.Out);
        Assert.Contains("replayed 5 epochs: all identical", verify.Out);
        Assert.Equal(0, CliRun.Of("replay", fork, "--from", "2").ExitCode);
    }

    [Fact]
    public void Run_json_records_the_parent_and_the_header_says_what_changed()
    {
        var fork = dir.File("lr");
        var train = CliRun.Of("train", "--from", parent, "--epoch", "2", "--lr", "0.001", "--out", fork, "--plain");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"fork of {parent} at its epoch 2", train.Out);
        Assert.Contains("changed: lr 0.05 → 0.001", train.Out);
        Assert.Contains("optimizer state carried over (adam, 8 updates so far)", train.Out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(fork, "run.json")))!;
        Assert.Equal(parent, spec["parent"]!.GetValue<string>());
        Assert.Equal(2, spec["parent-epoch"]!.GetValue<int>());
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(StatePath(parent, 2))), spec["parent-sha256"]!.GetValue<string>());
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(StatePath(parent, 0))), spec["parent-run-sha256"]!.GetValue<string>());
        Assert.Equal(5, spec["epochs"]!.GetValue<int>());
        Assert.Equal("iris", spec["dataset"]!.GetValue<string>());
    }

    [Fact]
    public void A_fork_with_another_learning_rate_starts_from_the_same_state_diverges_and_verifies()
    {
        var fork = Fork("lr", "--lr", "0.001");
        SameTensors(Tensors(parent, 2), Tensors(fork, 0));
        var (theirs, ours) = (State(parent, 4).State.Network, State(fork, 2).State.Network);
        Assert.False(Bits.Same(Bits.Of(theirs), Bits.Of(ours)), "a fork with another learning rate retraced its parent");
        var verify = CliRun.Of("verify", fork);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void The_optimizer_state_carries_over_to_an_optimizer_with_the_same_slots_and_starts_fresh_for_another_kind()
    {
        var adamw = State(Fork("adamw", "--optimizer", "adamw"), 0).State.Optimizer;
        var before = State(parent, 2).State.Optimizer;
        Assert.Equal(before.Count, adamw.Count);
        Assert.True(Bits.Same(Bits.Of(before.Slot("m")), Bits.Of(adamw.Slot("m"))));

        var sgdFork = dir.File("sgd");
        var train = CliRun.Of("train", "--from", parent, "--epoch", "2", "--optimizer", "sgd", "--out", sgdFork, "--plain");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("optimizer adam → sgd: its state starts fresh", train.Out);
        var sgd = State(sgdFork, 0).State;
        Assert.Equal(0, sgd.Optimizer.Count);
        Assert.True(sgd.Optimizer.Slots.IsEmpty);
        Assert.True(Bits.Same(Bits.Of(State(parent, 2).State.Network), Bits.Of(sgd.Network)));
        Assert.Equal(0, CliRun.Of("verify", sgdFork).ExitCode);
    }

    [Fact]
    public void A_parent_state_edited_and_resealed_is_found_by_verify_and_refused_by_resume()
    {
        var fork = Fork("fork");
        Forgery.Reseal(StatePath(parent, 2), network => Forgery.Nudged(network));

        var verify = CliRun.Of("verify", fork);
        Assert.Equal(3, verify.ExitCode);
        Assert.Contains($"chain: {StatePath(parent, 2)}: its SHA-256 is", verify.Out);
        Assert.Contains("the file changed since", verify.Out);
        Assert.Contains("replayed 5 epochs: all identical", verify.Out); // the rest still proven from state 0
        CliRun.Of("train", "--resume", fork, "--epochs", "6").AssertRefused(StatePath(parent, 2), "the file changed since");
    }

    [Fact]
    public void A_parent_of_another_run_in_the_same_place_is_found_by_verify()
    {
        var fork = Fork("fork");
        Directory.Delete(parent, recursive: true);
        var again = CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.05",
            "--batch-size", "32", "--epochs", "7", "--keep-every", "2", "--standardize", "--validation-split", "0.2", "--seed", "1", "--out", parent);
        Assert.True(again.ExitCode == 0, again.Error);
        var verify = CliRun.Of("verify", fork);
        Assert.Equal(3, verify.ExitCode);
        Assert.Contains($"chain: {StatePath(parent, 2)}:", verify.Out);
    }

    [Fact]
    public void A_missing_parent_fails_verify_with_a_note_but_the_fork_replays_resumes_and_verifies_where_the_parent_moved()
    {
        var fork = Fork("fork");
        var moved = dir.File("moved-parent");
        Directory.Move(parent, moved);

        var verify = CliRun.Of("verify", fork);
        Assert.Equal(3, verify.ExitCode);
        Assert.Contains("is absent, so state 0 is not proven", verify.Out);
        Assert.Contains("(name the parent run where it is now to check state 0 as well)", verify.Out);
        Assert.Contains("replayed 5 epochs: all identical", verify.Out);
        Assert.Contains("parent: absent", verify.Out);
        Assert.Equal(0, CliRun.Of("replay", fork, "--from", "0").ExitCode);
        var resume = CliRun.Of("train", "--resume", fork, "--epochs", "6");
        Assert.True(resume.ExitCode == 0, resume.Error);

        var found = CliRun.Of("verify", fork, "--parent", moved);
        Assert.True(found.ExitCode == 0, found.Out + found.Error);
    }

    [Fact]
    public void A_different_data_file_with_the_same_columns_is_allowed_and_keeps_the_parents_standardization()
    {
        var lines = IrisCsv.Lines();
        var reversed = dir.Write("iris-reversed.csv", string.Join("\n", lines.Take(1).Concat(lines.Skip(1).Reverse())) + "\n");
        var fork = Fork("other-data", "--data", reversed);
        Assert.Contains("\"data\"", File.ReadAllText(Path.Combine(fork, "run.json")));
        var (theirs, ours) = (State(parent, 2).Schema.Standardization, State(fork, 2).Schema.Standardization);
        Assert.True(theirs.Case is Standardization a && ours.Case is Standardization b && Bits.Same(a.Means.ToArray(), b.Means.ToArray()));
        Assert.Equal(0, CliRun.Of("verify", fork).ExitCode);
    }

    [Fact]
    public void Another_schema_network_or_loss_is_refused_in_one_line_naming_what_differs()
    {
        var lines = IrisCsv.Lines();
        var twoSpecies = dir.Write("two-species.csv", string.Join("\n", lines.Where(l => !l.EndsWith("virginica", StringComparison.Ordinal))) + "\n");
        CliRun.Of("train", "--from", parent, "--epoch", "2", "--data", twoSpecies).AssertRefused("schema differs", "classes setosa,versicolor, not setosa,versicolor,virginica");
        CliRun.Of("train", "--from", parent, "--epoch", "2", "--layers", "4,6,3").AssertRefused("layers 4,6,3 differ", "4,5,3");
        CliRun.Of("train", "--from", parent, "--epoch", "2", "--activation", "relu").AssertRefused("activation relu differs", "tanh");
        CliRun.Of("train", "--from", parent, "--epoch", "2", "--no-standardize").AssertRefused("raw features differ");
        var renamed = dir.Write("renamed.csv", string.Join("\n", new[] { lines[0].Replace("sepal_length", "sl", StringComparison.Ordinal) }.Concat(lines.Skip(1))) + "\n");
        CliRun.Of("train", "--from", parent, "--epoch", "2", "--data", renamed, "--features", "sl,sepal_width,petal_length,petal_width")
            .AssertRefused("features sl,sepal_width,petal_length,petal_width, not sepal_length");
    }

    [Fact]
    public void Usage_refusals_name_what_to_give()
    {
        var noEpoch = CliRun.Of("train", "--from", parent).AssertRefused("needs --epoch K", "keeps epochs 0, 2, 4, 6, 7");
        Assert.Equal(2, noEpoch.ExitCode);
        var notKept = CliRun.Of("train", "--from", parent, "--epoch", "3").AssertRefused("epoch 3 was not kept", "0, 2, 4, 6, 7");
        Assert.Equal(1, notKept.ExitCode);
        Assert.Equal(1, CliRun.Of("train", "--from", parent, "--epoch", "9").AssertRefused("beyond its last state").ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--from", parent, "--epoch", "7").AssertRefused("give --epochs N").ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--from", parent, "--epoch", "2", "--resume", parent).ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--from", parent, "--epoch", "2", "--init", StatePath(parent, 2)).ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--from", parent, "--epoch", "2", "--config", Path.Combine(parent, "run.json")).ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--epoch", "2").ExitCode);
        CliRun.Of("verify", parent, "--parent", parent).AssertRefused("--parent: the run is not a fork");
    }

    [Fact]
    public void A_fifo_or_link_in_the_parent_states_place_is_named_and_nothing_is_written()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var own = dir.File("parent");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--epochs", "3", "--out", own).ExitCode);
        var state = StatePath(own, 2);
        File.Delete(state);
        SpecialFiles.Fifo(state);
        CliRun.Of("train", "--from", own, "--epoch", "2", "--out", dir.File("fork")).AssertRefused(state, "is a FIFO, not a regular file");
        File.Delete(state);
        SpecialFiles.Link(state, StatePath(own, 1));
        CliRun.Of("train", "--from", own, "--epoch", "2", "--out", dir.File("fork")).AssertRefused(state, "symbolic link");
        Assert.False(Directory.Exists(dir.File("fork")));
    }

    [Fact]
    public void Forking_the_last_state_with_epochs_and_without_out_trains()
    {
        var last = CliRun.Of("train", "--from", parent, "--epoch", "7", "--epochs", "2", "--plain");
        Assert.True(last.ExitCode == 0, last.Error);
        Assert.Contains("Epoch 2:", last.Out);
    }

    [Fact]
    public void Two_state_files_of_a_parent_and_its_fork_diff_tensor_by_tensor()
    {
        var fork = Fork("same");
        var diff = CliRun.Of("diff", StatePath(parent, 4), StatePath(fork, 2));
        Assert.True(diff.ExitCode == 0, diff.Error);
        Assert.Contains("14 of 14 tensors in A are bit-identical in B", diff.Out);
        var changed = CliRun.Of("diff", StatePath(parent, 4), StatePath(Fork("lr", "--lr", "0.001"), 2));
        Assert.Contains("2 of 14 tensors in A are bit-identical in B", changed.Out); // only the standardization
    }
}
