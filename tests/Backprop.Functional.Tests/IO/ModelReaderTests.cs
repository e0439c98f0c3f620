using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.IO;

/// <summary>One reader for every file that holds a model: a state, a model file, a weights file with or without metadata.</summary>
public sealed class ModelReaderTests
{
    private const string Source = "m.safetensors";

    private static readonly NetworkCase Case = new([3, 4, 2], ["tanh", "sigmoid"], 5, 8);

    private static readonly DataSchema Schema = new(Arr.create("a", "b", "c"), Arr.create("y1", "y2"), TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);

    private static byte[] Weights(Map<OrdString, string, string> metadata) => SafeTensors.Serialize(new SafeTensorsFile(NetworkTensors.ToTensors(Case.Network).ToArr(), metadata));

    [Fact]
    public void A_state_and_its_model_file_read_as_the_same_model()
    {
        var checkpoint = new Checkpoint(TrainState.Initial(Case.Network, new Sgd(new ConstantSchedule(0.1)), Rng.FromSeed(1)), MeanSquaredError.Instance, Schema, "{}", new string('d', 64), null, null);
        var state = StateFile.Encode(checkpoint);
        var fromState = (Model)ModelReader.Decode(state, Source);
        var fromModel = (Model)ModelReader.Decode(ModelFile.Encode(checkpoint, Fingerprint.Of(state)), Source);
        Assert.Equal(ModelKind.State, fromState.Kind);
        Assert.Equal(ModelKind.ModelFile, fromModel.Kind);
        Assert.Equal(fromState with { Kind = ModelKind.ModelFile }, fromModel);
    }

    [Fact]
    public void A_weights_file_with_metadata_has_no_schema_and_its_own_loss()
    {
        var bytes = SafeTensors.Serialize(NetworkTensors.ToFile(Case.Network, BinaryCrossEntropy.Instance, Map<OrdString, string, string>.Empty));
        var model = (Model)ModelReader.Decode(bytes, Source, new WeightsAssumptions(Relu.Instance, Identity.Instance, MeanSquaredError.Instance));
        Assert.Equal((ModelKind.Weights, BinaryCrossEntropy.Instance), (model.Kind, model.Loss));
        Assert.Equal(Case.Network.Activations, model.Network.Activations);
        Assert.True(model.Schema.IsNone);
    }

    [Fact]
    public void A_weights_file_without_metadata_needs_assumptions()
    {
        var bytes = Weights(Map<OrdString, string, string>.Empty);
        ReaderRefusal.Expect(ModelReader.Decode(bytes, Source), Source, "has no activations metadata");
        var model = (Model)ModelReader.Decode(bytes, Source, new WeightsAssumptions(Relu.Instance, Identity.Instance, null));
        Assert.Equal((ModelKind.BareWeights, MeanSquaredError.Instance), (model.Kind, model.Loss));
        Assert.Equal(["relu", "identity"], model.Network.Activations.Map(a => a.Name).ToArray());
    }

    [Fact]
    public void An_assumed_loss_must_suit_the_assumed_output_activation() =>
        ReaderRefusal.Expect(ModelReader.Decode(Weights(Map<OrdString, string, string>.Empty), Source, new WeightsAssumptions(Relu.Instance, Identity.Instance, CrossEntropy.Instance)),
            Source, "loss cross-entropy needs output activation softmax, not identity");

    [Fact]
    public void An_unknown_format_is_refused() =>
        ReaderRefusal.Expect(ModelReader.Decode(Weights(Map<OrdString, string, string>.Empty.Add("format", "other/1")), Source), Source,
            $"format 'other/1' is none of {StateFile.Format}, {ModelFile.Format} or pt (a PyTorch state dict)");

    [Fact]
    public void A_weights_file_s_schema_is_read_and_must_fit_the_network()
    {
        var metadata = NetworkTensors.ArchitectureMetadata(Case.Network, MeanSquaredError.Instance);
        var model = (Model)ModelReader.Decode(Weights(metadata.Add(SchemaMetadata.Key, SchemaMetadata.ToJson(Schema))), Source);
        Assert.Equal(Schema.Features, model.Schema.Map(s => s.Features).IfNone(Arr<string>.Empty));
        var wide = Schema with { Features = Arr.create("a", "b", "c", "d") };
        ReaderRefusal.Expect(ModelReader.Decode(Weights(metadata.Add(SchemaMetadata.Key, SchemaMetadata.ToJson(wide))), Source), Source,
            "the schema's 4 features and 2 outputs do not fit the network 3,4,2");
        var oneTarget = Schema with { Targets = Arr.create("y") };
        ReaderRefusal.Expect(ModelReader.Decode(Weights(metadata.Add(SchemaMetadata.Key, SchemaMetadata.ToJson(oneTarget))), Source), Source,
            "the schema's 3 features and 1 outputs do not fit the network 3,4,2");
        ReaderRefusal.Expect(ModelReader.Decode(Weights(metadata.Add(SchemaMetadata.Key, "{}")), Source), Source, "metadata 'schema' is not a valid data schema");
    }
}
