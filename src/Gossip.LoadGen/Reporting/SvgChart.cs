using System.Globalization;
using System.Security;
using System.Text;

namespace Gossip.LoadGen.Reporting;

/// <summary>A minimal line chart written as SVG (no packages): axes, ticks, optional log-scale x, one polyline per series.</summary>
internal sealed class SvgChart(string title, string xLabel, string yLabel, bool logX = false)
{
    private const int Width = 720;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 40;
    private const int Bottom = 55;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
    private readonly List<(string Name, List<(double X, double Y)> Points)> _series = [];

    /// <summary>Adds a series; points with a figure that was never measured (NaN, infinite) are left out, not drawn at 0.</summary>
    public void Add(string name, IEnumerable<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var finite = new List<(double X, double Y)>();
        foreach ((double x, double y) in points)
        {
            if (double.IsFinite(x) && double.IsFinite(y) && (!logX || x > 0))
            {
                finite.Add((x, y));
            }
        }

        _series.Add((name, finite));
    }

    public string Render()
    {
        double minX = double.MaxValue, maxX = double.MinValue, maxY = 0;
        foreach ((_, List<(double X, double Y)> points) in _series)
        {
            foreach ((double x, double y) in points)
            {
                minX = Math.Min(minX, Tx(x));
                maxX = Math.Max(maxX, Tx(x));
                maxY = Math.Max(maxY, y);
            }
        }

        if (minX > maxX)
        {
            minX = 0;
            maxX = 1;
        }

        maxX = maxX <= minX ? minX + 1 : maxX;
        maxY = maxY <= 0 ? 1 : maxY * 1.05;
        var svg = new StringBuilder();
        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        Append(svg, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        Append(svg, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>");
        Append(svg, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        Append(svg, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        for (int i = 0; i <= 5; i++)
        {
            double fx = minX + ((maxX - minX) * i / 5);
            double fy = maxY * i / 5;
            double px = Px(fx, minX, maxX);
            double py = Py(fy, maxY);
            string xText = logX ? Format(Math.Pow(10, fx)) : Format(fx);
            Append(svg, $"<line x1=\"{px:F1}\" y1=\"{Height - Bottom}\" x2=\"{px:F1}\" y2=\"{Height - Bottom + 5}\" stroke=\"black\"/><text x=\"{px:F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{xText}</text>");
            Append(svg, $"<line x1=\"{Left - 5}\" y1=\"{py:F1}\" x2=\"{Left}\" y2=\"{py:F1}\" stroke=\"black\"/><text x=\"{Left - 8}\" y=\"{py + 4:F1}\" text-anchor=\"end\">{Format(fy)}</text>");
        }

        Append(svg, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}{(logX ? " (log scale)" : "")}</text>");
        Append(svg, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>");
        for (int s = 0; s < _series.Count; s++)
        {
            (string name, List<(double X, double Y)> points) = _series[s];
            string color = Colors[s % Colors.Length];
            var path = new StringBuilder();
            foreach ((double x, double y) in points)
            {
                Append(path, $"{Px(Tx(x), minX, maxX):F1},{Py(y, maxY):F1} ");
            }

            Append(svg, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{path.ToString().TrimEnd()}\"/>");
            Append(svg, $"<text x=\"{Left + 10}\" y=\"{Top + 14 + (s * 16)}\" fill=\"{color}\">{Escape(name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, Render());

    private double Tx(double x) => logX ? Math.Log10(Math.Max(x, 1e-12)) : x;

    private static double Px(double x, double min, double max) => Left + ((x - min) / (max - min) * (Width - Left - Right));

    private static double Py(double y, double max) => Height - Bottom - (y / max * (Height - Top - Bottom));

    private static string Format(double v) => v.ToString(Math.Abs(v) >= 100 ? "F0" : Math.Abs(v) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static void Append(StringBuilder builder, FormattableString text) => builder.Append(string.Format(CultureInfo.InvariantCulture, text.Format, text.GetArguments()));
}
