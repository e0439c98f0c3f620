using System.Text;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.IO.Fuzzing;

/// <summary>The valid files the mutations start from: each loads, so every mutant is one edit chain away from a good file.</summary>
public static class FuzzSeeds
{
    /// <summary>The target column of both CSV seeds.</summary>
    public const string Target = "species";

    /// <summary>The first rows of the shipped iris data, three species.</summary>
    public static byte[] IrisCsv { get; } = Encoding.UTF8.GetBytes(
        "sepal_length,sepal_width,petal_length,petal_width,species\n" +
        "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n" +
        "6.4,3.2,4.5,1.5,versicolor\n6.3,3.3,6.0,2.5,virginica\n5.8,2.7,5.1,1.9,virginica\n");

    /// <summary>RFC 4180 quoting everywhere it is allowed, CRLF line ends and a byte-order mark.</summary>
    public static byte[] QuotedCsv { get; } = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
        "\"sepal, length\",\"width\",species\r\n" +
        "\"5.1\",3.5,\"setosa\"\r\n4.9,\"3.0\",\"iris \"\"setosa\"\"\"\r\n" +
        "7.0,3.2,\"versi,\r\ncolor\"\r\n-6.4e0,+3.2,virginica\r\n")];

    /// <summary>A 4-3-3 network (tanh, softmax) with its metadata, as <c>train --out</c> writes it.</summary>
    public static byte[] NetworkSafeTensors { get; } = SafeTensors.Serialize(
        NetworkTensors.ToFile(Network(), CrossEntropy.Instance, Map<OrdString, string, string>.Empty.Add("epoch", "12")));

    /// <summary>The same weights without metadata, as numpy or PyTorch would write them.</summary>
    public static byte[] BareSafeTensors { get; } = SafeTensors.Serialize(
        new SafeTensorsFile(NetworkTensors.ToTensors(Network()).ToArr(), Map<OrdString, string, string>.Empty));

    /// <summary>Every CSV seed by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Csv { get; } = [("iris.csv", IrisCsv), ("quoted.csv", QuotedCsv)];

    /// <summary>Every safetensors seed by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> SafeTensorsFiles { get; } =
        [("network.safetensors", NetworkSafeTensors), ("bare.safetensors", BareSafeTensors)];

    private static Network Network()
    {
        var rng = Rng.FromSeed(4099);
        (var w0, rng) = rng.Uniforms(12, -1, 1);
        (var b0, rng) = rng.Uniforms(3, -0.5, 0.5);
        (var w1, rng) = rng.Uniforms(9, -1, 1);
        (var b1, _) = rng.Uniforms(3, -0.5, 0.5);
        return (Network)Functional.Network.Create(
        [
            new Layer(Dense.FromRowMajor(3, 4, w0), Dense.Vector(b0), Tanh.Instance),
            new Layer(Dense.FromRowMajor(3, 3, w1), Dense.Vector(b1), Softmax.Instance),
        ]);
    }
}
