using ScottPlot;

namespace Backprop.Cli.Plots;

/// <summary>
/// A figure layout: the first plot is a header strip of fixed height across the whole width
/// (it carries only a title, so it needs no more room); the others fill a grid below it, row by row.
/// </summary>
public sealed class HeaderAndGrid(float headerHeight, int rows, int columns) : IMultiplotLayout
{
    /// <inheritdoc/>
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        var cellWidth = figureRect.Width / columns;
        var cellHeight = (figureRect.Height - headerHeight) / rows;
        return Enumerable.Range(0, subplots.Count).Select(i =>
        {
            if (i == 0) return new PixelRect(figureRect.Left, figureRect.Right, figureRect.Top + headerHeight, figureRect.Top);
            var (row, column) = Math.DivRem(i - 1, columns);
            var left = figureRect.Left + column * cellWidth;
            var top = figureRect.Top + headerHeight + row * cellHeight;
            return new PixelRect(left, left + cellWidth, top + cellHeight, top);
        }).ToArray();
    }
}
