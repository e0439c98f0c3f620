using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;
using ScottPlot;

namespace Backprop.Cli.Plots;

/// <summary>The image formats <c>plot</c> writes, chosen by the output file's extension.</summary>
public enum FigureFormat
{
    /// <summary>A raster image (.png).</summary>
    Png,

    /// <summary>A vector image (.svg).</summary>
    Svg,
}

/// <summary>Renders a figure (one or more ScottPlot panels) to PNG or SVG bytes and writes it (a file atomically; a FIFO or device directly).</summary>
public static class FigureFile
{
    /// <summary>The format an output path asks for, or why it cannot be written.</summary>
    public static Fin<FigureFormat> FormatOf(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => FigureFormat.Png,
            ".svg" => FigureFormat.Svg,
            var other => Error.New($"--out {path}: the extension picks the format and must be .png or .svg (got '{other}')"),
        };

    /// <summary>The figure's bytes in <paramref name="format"/>.</summary>
    public static byte[] Encode(Multiplot figure, int width, int height, FigureFormat format)
    {
        if (format == FigureFormat.Png)
        {
            using var image = figure.Render(width, height);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }
        // Multiplot has no SVG export of its own, but it renders to any Skia canvas, and Skia
        // has one that writes SVG (as ScottPlot's own Plot.GetSvgXml does).
        using var stream = new SkiaSharp.SKDynamicMemoryWStream();
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), stream))
            figure.Render(canvas, new PixelRect(0, width, height, 0));
        using var data = stream.DetachAsData();
        return data.ToArray();
    }

    /// <summary>Writes the figure to <paramref name="path"/> in the format its extension names.</summary>
    public static Fin<Unit> Write(string path, Multiplot figure, int width, int height) =>
        FormatOf(path).Bind(format => OutputFile.Write(path, Encode(figure, width, height, format)));
}
