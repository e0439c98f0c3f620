using FsCheck;

namespace Backprop.Functional.Tests.Support;

/// <summary>Sigmoid, tanh and identity layers mixed, mse loss (the first gradient-check family).</summary>
public static class SmoothNetworks
{
    public static Arbitrary<NetworkCase> Cases() => NetworkCase.Arbitrary(["sigmoid", "tanh", "identity"]);
}

/// <summary>Every hidden activation, every output activation that mse accepts.</summary>
public static class AnyActivationMse
{
    public static Arbitrary<NetworkCase> Cases() => NetworkCase.Arbitrary(["sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity"]);
}

/// <summary>Softmax outputs with cross-entropy, at least two classes.</summary>
public static class SoftmaxCrossEntropy
{
    public static Arbitrary<NetworkCase> Cases() =>
        NetworkCase.Arbitrary(["sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity"], "cross-entropy", "softmax", minOutputs: 2);
}

/// <summary>Softmax with cross-entropy where the last layer is scaled so that logits reach the hundreds.</summary>
public static class ExtremeLogits
{
    public static Arbitrary<NetworkCase> Cases() =>
        NetworkCase.Arbitrary(["tanh", "sigmoid"], "cross-entropy", "softmax", minOutputs: 2, logitScale: 60);
}

/// <summary>Sigmoid outputs with binary cross-entropy and targets in [0, 1].</summary>
public static class SigmoidBinaryCrossEntropy
{
    public static Arbitrary<NetworkCase> Cases() =>
        NetworkCase.Arbitrary(["sigmoid", "tanh", "relu", "softplus", "identity"], "binary-cross-entropy", "sigmoid");
}
