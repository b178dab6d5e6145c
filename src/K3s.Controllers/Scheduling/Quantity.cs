using System.Globalization;

namespace K3s.Controllers.Scheduling;

/// <summary>
/// Kubernetes resource quantities ("100m", "1", "1.5", "128Mi", "1Gi", "500M", "1e3") as decimal numbers
/// of the base unit: cores for cpu, bytes for memory.
/// </summary>
public static class Quantity
{
    private static readonly Dictionary<string, decimal> Suffixes = new()
    {
        [""] = 1m,
        ["n"] = 0.000_000_001m,
        ["u"] = 0.000_001m,
        ["m"] = 0.001m,
        ["k"] = 1e3m,
        ["M"] = 1e6m,
        ["G"] = 1e9m,
        ["T"] = 1e12m,
        ["P"] = 1e15m,
        ["E"] = 1e18m,
        ["Ki"] = 1024m,
        ["Mi"] = 1024m * 1024,
        ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024,
        ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    public static decimal Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"quantity \"{text}\" is not valid");

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or '+' or '-'))
            end++;
        if (!decimal.TryParse(text[..end], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;
        var suffix = text[end..];
        if (Suffixes.TryGetValue(suffix, out var multiplier))
        {
            value = number * multiplier;
            return true;
        }
        // Decimal exponent: "1e3", "12E-2".
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            && exponent is >= -18 and <= 18)
        {
            value = number;
            for (var i = 0; i < Math.Abs(exponent); i++)
                value = exponent > 0 ? value * 10 : value / 10;
            return true;
        }
        return false;
    }
}
