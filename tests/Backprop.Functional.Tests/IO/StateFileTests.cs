using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.ClassInstances;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.IO;

/// <summary>State files: the writer measures what it will write, and refuses what no reader would read back.</summary>
public sealed class StateFileTests
{
    private static Checkpoint Initial(int[] widths, string optimizerName)
    {
        var optimizer = (Optimizer)Optimizer.Create(optimizerName, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0);
        var (network, rng) = ((Network, Rng))NetworkFactory.Create(widths, Tanh.Instance, Identity.Instance, new NormalInitializer(0.1), Rng.FromSeed(3));
        var schema = new DataSchema(
            Enumerable.Range(0, widths[0]).Select(i => $"feature {i}").ToArr(), Arr.create("y"), TaskKind.Regression, Arr<string>.Empty,
            new Standardization(Enumerable.Repeat(0.5, widths[0]).ToArr(), Enumerable.Repeat(2.0, widths[0]).ToArr()));
        return new Checkpoint(TrainState.Initial(network, optimizer, rng), MeanSquaredError.Instance, schema, "{\"epochs\":10}", new string('a', 64), null, null);
    }

    [Theory]
    [InlineData(new[] { 4, 16, 3 }, "adam")]
    [InlineData(new[] { 10, 32, 32, 2 }, "momentum")]
    public void Checking_before_training_bounds_the_file_of_every_later_epoch(int[] widths, string optimizer)
    {
        var initial = Initial(widths, optimizer);
        var state = initial.State;
        var later = initial with
        {
            State = state with { Epoch = 123_456, Step = 98_765_432_100, SkippedSteps = 7, Optimizer = state.Optimizer with { Count = 98_765_432_093 } },
            PreviousSha256 = new string('f', 64),
            Metrics = new EpochMetrics(1.0 / 3, -2.0 / 3, 0.123456789),
        };
        var bound = (long)StateFile.CheckWritable(initial);
        var (first, next) = (StateFile.Encode(initial).Length, StateFile.Encode(later).Length);
        Assert.True(first <= next && next <= bound && bound - next < 256, $"epoch 0: {first} bytes, later: {next}, bound {bound}");
    }

    [Fact]
    public void A_state_whose_header_would_pass_the_readers_limit_is_refused_and_not_encoded()
    {
        // A configuration of 17 million 'é' (six bytes each in the header) stands for any metadata grown too large.
        var huge = Initial([2, 3, 1], "sgd") with { Config = new string('é', 17_000_000) };
        var message = ((Error)StateFile.CheckWritable(huge)).Message;
        Assert.StartsWith("a state of this run cannot be saved: its header would take 102,0", message);
        var encoded = ((Error)StateFile.TryEncode(huge)).Message;
        Assert.StartsWith("the state of epoch 0: its header would take", encoded);
        Assert.Contains("more than the 100,000,000 a reader accepts", encoded);
    }

    [Theory]
    [InlineData(new[] { 4, 16, 3 }, "adam")]
    [InlineData(new[] { 64, 128, 64, 10 }, "sgd")]
    [InlineData(new[] { 10, 32, 32, 32, 2 }, "momentum")]
    public void The_cores_estimate_of_the_files_is_at_least_their_size_and_close_to_it(int[] widths, string optimizer)
    {
        var checkpoint = Initial(widths, optimizer);
        var estimate = MemoryEstimate.Of(TrainingShape.Of(widths, (Optimizer)Optimizer.Create(optimizer, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0), 10, null));
        var state = StateFile.Encode(checkpoint).Length;
        var weights = SafeTensors.Serialize(NetworkTensors.ToFile(checkpoint.State.Network, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty)).Length;
        Assert.InRange(estimate.StateFileBytes - state, 0, 16 << 10);
        Assert.InRange(estimate.WeightsFileBytes - weights, 0, 16 << 10);
    }

    [Fact]
    public void A_state_of_the_earlier_format_is_refused_saying_so()
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(StateFile.Encode(Initial([3, 4, 2], "sgd")));
        var earlier = file with { Metadata = file.Metadata.SetItem("format", "backprop.functional.state/1").SetItem(Seal.Key, Seal.Placeholder) };
        var bytes = Seal.Close(SafeTensors.Serialize(earlier));
        Support.ReaderRefusal.Expect(StateFile.Decode(bytes, "old.safetensors"), "old.safetensors", "earlier version of backprop", "state/1", "train the run again");
    }

    /// <summary>Four epochs of mini-batches through the fused path, with weight decay and a cosine schedule, saved.</summary>
    private static byte[] Trained(string optimizerName, double? clipNorm = null)
    {
        var widths = new[] { 5, 17, 3 };
        var optimizer = (Optimizer)Optimizer.Create(optimizerName, new CosineSchedule(0.05, 40, 0.1), 0.9, 0.9, 0.999, 1e-8, 0.01, clipNorm);
        var (network, rng) = ((Network, Rng))NetworkFactory.Create(widths, Tanh.Instance, Identity.Instance, new NormalInitializer(0.3), Rng.FromSeed(11));
        (var x, rng) = rng.Normals(40 * widths[0], 0, 1);
        (var y, rng) = rng.Normals(40 * widths[^1], 0, 1);
        var data = new Dataset(Functional.Numerics.Dense.FromRowMajor(40, widths[0], x), Functional.Numerics.Dense.FromRowMajor(40, widths[^1], y));
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, 6);
        var state = Training.Epochs(config, TrainState.Initial(network, optimizer, rng), data, 4).State;
        var schema = new DataSchema(
            Enumerable.Range(0, widths[0]).Select(i => $"x{i}").ToArr(), Enumerable.Range(0, widths[^1]).Select(i => $"y{i}").ToArr(),
            TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
        return StateFile.Encode(new Checkpoint(state, MeanSquaredError.Instance, schema, "{\"epochs\":4}", new string('a', 64), null, null));
    }

    [Theory]
    // SHA-256s of the states these optimizers saved before they became chains of transformations.
    [InlineData("sgd", "c25c96d9a9cae0b7c5fcc3266766bed81ac38894fab8e0fd7213197a42463238")]
    [InlineData("momentum", "6f9d3987c28da193a1fa83e2f1abc6b6977d4d2bfc125f879acda348237829b0")]
    [InlineData("nesterov", "f7256c86771bd2fc9256139d2182da379e3ce71cbdea951c53efa99d54fa3765")]
    [InlineData("adam", "eca12b4aa4513987dd26fd9dbddf82df5713a46e3cc7aab6624223b492f739f9")]
    [InlineData("adamw", "6ac719c17c93517cd387f360b52f55b5f783712ef17c3b664ad892cf94eb2974")]
    public void A_state_trained_and_saved_has_the_bytes_it_had_before_optimizers_were_chains(string optimizer, string sha256) =>
        Assert.Equal(sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Trained(optimizer))));

    [Fact]
    public void An_amsgrad_state_round_trips_with_its_three_slots()
    {
        var bytes = Trained("amsgrad", clipNorm: 0.5);
        var checkpoint = (Checkpoint)StateFile.Decode(bytes, "amsgrad.safetensors");
        Assert.Equal(["m", "v", "v_max"], checkpoint.State.Optimizer.Slots.Keys);
        Assert.Equal(28, checkpoint.State.Optimizer.Count);
        Assert.Equal(bytes, StateFile.Encode(checkpoint));
    }

    private static byte[] Resealed(Func<SafeTensorsFile, SafeTensorsFile> edit) => Support.Resealed.Of(Trained("adam"), edit);

    [Theory]
    [InlineData("epoch", "-1", "metadata 'epoch' is not a whole number")]
    [InlineData("epoch", "4.0", "metadata 'epoch' is not a whole number")]
    [InlineData("step", "", "metadata 'step' or 'optimizer.count' is not a whole number")]
    [InlineData("optimizer.count", "x", "metadata 'step' or 'optimizer.count' is not a whole number")]
    [InlineData("skipped", "+1", "metadata 'skipped' is not a whole number")]
    [InlineData("rng", "0123456789abcde", "metadata 'rng' is not 16 hex digits")]
    [InlineData("rng", "0123456789abcdeg", "metadata 'rng' is not 16 hex digits")]
    [InlineData("data.sha256", "abc", "metadata 'data.sha256' is missing")]
    [InlineData("metrics.loss", "fast", "metadata 'metrics.loss' is not a number")]
    [InlineData("format", "backprop.functional.model/9", "format 'backprop.functional.model/9' is not " + StateFile.Format)]
    public void Every_field_of_a_resealed_state_is_checked(string key, string value, string problem) =>
        Support.ReaderRefusal.Expect(StateFile.Decode(Resealed(f => f with { Metadata = f.Metadata.AddOrUpdate(key, value) }), Source), Source, problem);

    [Fact]
    public void A_state_without_a_config_reads_with_an_empty_one()
    {
        var checkpoint = (Checkpoint)StateFile.Decode(Resealed(f => f with { Metadata = f.Metadata.Remove("config") }), Source);
        Assert.Equal("", checkpoint.Config);
    }

    [Fact]
    public void Sealing_bytes_without_the_placeholder_is_a_bug_of_the_writer()
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(Trained("sgd"));
        var unsealed = SafeTensors.Serialize(file with { Metadata = file.Metadata.Remove(Seal.Key) });
        Assert.Equal("the seal placeholder is missing from the header", Assert.Throws<InvalidOperationException>(() => Seal.Close(unsealed)).Message);
    }

    [Fact]
    public void A_state_without_a_format_or_a_seal_is_refused_saying_which()
    {
        var noFormat = Resealed(f => f with { Metadata = f.Metadata.Remove("format") });
        Support.ReaderRefusal.Expect(StateFile.Decode(noFormat, Source), Source, "not a training state (no 'format' metadata; a plain weights file?)");
        var file = (SafeTensorsFile)SafeTensors.Parse(Trained("adam"));
        var unsealed = SafeTensors.Serialize(file with { Metadata = file.Metadata.Remove(Seal.Key) });
        Support.ReaderRefusal.Expect(StateFile.Decode(unsealed, Source), Source, "the state has no seal");
    }

    [Fact]
    public void A_seal_the_header_spells_with_escapes_is_not_where_the_format_puts_it()
    {
        // JSON may spell '+' as \u002B: the parsed seal is 64 characters, but those bytes are nowhere in the header.
        var file = (SafeTensorsFile)SafeTensors.Parse(Trained("adam"));
        var escaped = SafeTensors.Serialize(file with { Metadata = file.Metadata.AddOrUpdate(Seal.Key, new string('+', 64)) });
        Support.ReaderRefusal.Expect(StateFile.Decode(escaped, Source), Source, "the seal is not where the format puts it");
    }

    [Fact]
    public void A_state_changed_after_it_was_sealed_names_both_hashes()
    {
        var bytes = Trained("adam");
        bytes[^1] ^= 0x01;
        var seal = ((SafeTensorsFile)SafeTensors.Parse(bytes)).Meta(Seal.Key).IfNone("");
        var zeroed = (byte[])bytes.Clone();
        System.Text.Encoding.ASCII.GetBytes(Seal.Placeholder).CopyTo(zeroed, zeroed.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(seal)));
        Support.ReaderRefusal.Expect(StateFile.Decode(bytes, Source), Source,
            $"hash mismatch: the file was changed or corrupted after it was written (seal {seal[..12]}…, content hashes to {Fingerprint.Of(zeroed)[..12]}…)");
    }

    private const string Source = "state.safetensors";
}
