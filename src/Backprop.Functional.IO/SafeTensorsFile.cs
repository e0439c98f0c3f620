using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.IO;

/// <summary>The contents of a safetensors file: tensors in file order and the string metadata.</summary>
public sealed record SafeTensorsFile(Arr<Tensor> Tensors, Map<OrdString, string, string> Metadata)
{
    /// <summary>A tensor by name.</summary>
    public Option<Tensor> Find(string name) => Tensors.Find(t => t.Name == name);

    /// <summary>A metadata value by key.</summary>
    public Option<string> Meta(string key) => Metadata.Find(key);
}
