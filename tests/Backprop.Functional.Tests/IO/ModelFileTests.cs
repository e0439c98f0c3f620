using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.IO;

/// <summary>A model file reads back to the bit, is sealed like a state, and refuses anything that is not one.</summary>
public sealed class ModelFileTests
{
    private const string Source = "model.safetensors";

    private static readonly NetworkCase Case = new([3, 4, 2], ["tanh", "sigmoid"], 5, 17);

    private static readonly DataSchema Schema = new(
        Arr.create("a", "b", "c"), Arr.create("y1", "y2"), TaskKind.Regression, Arr<string>.Empty,
        new Standardization(Arr.create(0.5, -1.25, 3.0), Arr.create(1.0, 0.1, 2.5)));

    private static readonly ModelProvenance Provenance = new(42, new string('a', 64), new string('b', 64));

    private static byte[] Encoded() => ModelFile.Encode(Case.Network, MeanSquaredError.Instance, Schema, Provenance);

    /// <summary>Serializes and seals an edited file, so that only the edit (not the seal) can make it fail.</summary>
    private static byte[] Resealed(Func<SafeTensorsFile, SafeTensorsFile> edit) => Support.Resealed.Of(Encoded(), edit);

    [Fact]
    public void A_model_reads_back_to_the_bit_with_its_schema_and_provenance()
    {
        var (model, provenance) = ((Model, ModelProvenance))ModelFile.Decode(Encoded(), Source);
        Assert.True(Bits.Same(Bits.Of(Case.Network), Bits.Of(model.Network)));
        Assert.Equal(Case.Network.Activations, model.Network.Activations);
        Assert.Equal(MeanSquaredError.Instance, model.Loss);
        Assert.Equal(Schema, model.Schema.IfNone(() => throw new InvalidOperationException("no schema")));
        Assert.Equal(Provenance, provenance);
        Assert.Equal(ModelKind.ModelFile, model.Kind);
    }

    [Fact]
    public void Encoding_is_deterministic() => Assert.Equal(Encoded(), Encoded());

    private static readonly DataSchema Scaled = Schema with
    {
        TargetStandardization = new Standardization(Arr.create(250_000.0, -3.5), Arr.create(80_000.0, 0.25)),
    };

    private static byte[] EncodedScaled() => ModelFile.Encode(Case.Network, MeanSquaredError.Instance, Scaled, Provenance);

    [Fact]
    public void A_target_standardization_is_stored_after_the_features_and_reads_back_to_the_bit()
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(EncodedScaled());
        Assert.Equal(["standardization.mean", "standardization.std", "target_standardization.mean", "target_standardization.std"], file.Tensors.Map(t => t.Name).Skip(4).ToArray());
        var (model, _) = ((Model, ModelProvenance))ModelFile.Decode(EncodedScaled(), Source);
        Assert.Equal(Scaled, model.Schema.IfNone(() => throw new InvalidOperationException("no schema")));
        // Without one, not a byte of the file mentions it.
        Assert.DoesNotContain("target_standardization", System.Text.Encoding.UTF8.GetString(Encoded()));
    }

    [Theory]
    [InlineData("target_standardization.mean", new[] { 1.0 }, "target_standardization.mean/std must both hold 2 values, one per target column")]
    [InlineData("target_standardization.std", new[] { 1.0, 0.0 }, "positive, finite standard deviations")]
    public void A_target_standardization_that_does_not_fit_is_refused(string tensor, double[] values, string message)
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(EncodedScaled());
        var edited = file with { Tensors = file.Tensors.Map(t => t.Name == tensor ? Tensor.Vector(tensor, values) : t) };
        var bytes = Seal.Close(SafeTensors.Serialize(edited with { Metadata = edited.Metadata.AddOrUpdate(Seal.Key, Seal.Placeholder) }));
        ReaderRefusal.Expect(ModelFile.Decode(bytes, Source), Source, message);
    }

    [Fact]
    public void A_target_standardization_on_a_classifier_is_refused()
    {
        var classifier = new DataSchema(Arr.create("a", "b", "c"), Arr.create("kind"), TaskKind.Classification, Arr.create("x", "y"), Option<Standardization>.None)
        {
            TargetStandardization = new Standardization(Arr.create(0.0), Arr.create(1.0)),
        };
        var bytes = ModelFile.Encode(Case.Network, MeanSquaredError.Instance, classifier, Provenance);
        ReaderRefusal.Expect(ModelFile.Decode(bytes, Source), Source, "belongs to a regression model");
    }

    [Fact]
    public void A_plain_safetensors_reader_finds_the_weights_under_their_usual_names()
    {
        var file = (SafeTensorsFile)SafeTensors.Parse(Encoded());
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "standardization.mean", "standardization.std"], file.Tensors.Map(t => t.Name).ToArray());
        var network = (Network)NetworkTensors.FromFile(file, Source, Identity.Instance, Identity.Instance);
        Assert.True(Bits.Same(Bits.Of(Case.Network), Bits.Of(network)));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void A_model_file_with_one_byte_changed_is_refused(double where)
    {
        var bytes = Encoded();
        var at = (int)(where * (bytes.Length - 1));
        bytes[at] ^= 0x01;
        ReaderRefusal.Expect(ModelFile.Decode(bytes, Source), Source);
    }

    [Fact]
    public void A_changed_weight_is_caught_by_the_seal()
    {
        var bytes = Encoded();
        bytes[^1] ^= 0x01; // the last byte of standardization.std: any value parses
        ReaderRefusal.Expect(ModelFile.Decode(bytes, Source), Source, "hash mismatch");
    }

    [Fact]
    public void A_state_and_a_plain_weights_file_are_not_model_files()
    {
        ReaderRefusal.Expect(ModelFile.Decode(SafeTensors.Serialize(NetworkTensors.ToFile(Case.Network, null, Map<OrdString, string, string>.Empty)), Source), Source, "no 'format' metadata");
        var state = Resealed(f => f with { Metadata = f.Metadata.SetItem("format", StateFile.Format) });
        ReaderRefusal.Expect(ModelFile.Decode(state, Source), Source, $"format '{StateFile.Format}' is not {ModelFile.Format}");
    }

    [Theory]
    [InlineData("epoch", "-1", "metadata 'epoch' is not a whole number")]
    [InlineData("state.sha256", "abc", "metadata 'state.sha256' is not a SHA-256")]
    [InlineData("data.sha256", "", "metadata 'data.sha256' is not a SHA-256")]
    [InlineData("loss", "hinge", "metadata 'loss': unknown loss 'hinge'")]
    [InlineData("schema", "{}", "metadata 'schema' is not a valid data schema")]
    [InlineData("schema", "{\"features\":[\"a\"],\"targets\":[\"y1\",\"y2\"],\"task\":\"regression\",\"classes\":[]}", "standardization.mean/std must both hold 1 values")]
    public void Every_field_is_checked(string key, string value, string problem) =>
        ReaderRefusal.Expect(ModelFile.Decode(Resealed(f => f with { Metadata = f.Metadata.SetItem(key, value) }), Source), Source, problem);

    [Fact]
    public void Missing_architecture_metadata_is_refused_rather_than_guessed() =>
        ReaderRefusal.Expect(ModelFile.Decode(Resealed(f => f with { Metadata = f.Metadata.Remove(NetworkTensors.ActivationsKey) }), Source), Source, "metadata 'activations' is missing");

    [Fact]
    public void A_schema_that_does_not_fit_the_network_is_refused()
    {
        var wide = "{\"features\":[\"a\",\"b\",\"c\"],\"targets\":[\"y\"],\"task\":\"regression\",\"classes\":[]}";
        ReaderRefusal.Expect(ModelFile.Decode(Resealed(f => f with { Metadata = f.Metadata.SetItem("schema", wide) }), Source), Source, "do not fit the network 3,4,2");
    }

    [Fact]
    public void Optimizer_moments_do_not_belong_in_a_model_file()
    {
        var moment = Tensor.Vector("optimizer.m.layers.0.bias", [0, 0, 0, 0]);
        ReaderRefusal.Expect(ModelFile.Decode(Resealed(f => f with { Tensors = f.Tensors.Add(moment) }), Source), Source, "tensor 'optimizer.m.layers.0.bias' does not belong");
    }
}
