using K3s.Controllers.Scheduling;

namespace K3s.Controllers.Tests;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("100m", "0.1")]
    [InlineData("1", "1")]
    [InlineData("1.5", "1.5")]
    [InlineData("2500m", "2.5")]
    [InlineData("128Mi", "134217728")]
    [InlineData("1Gi", "1073741824")]
    [InlineData("1Ki", "1024")]
    [InlineData("500M", "500000000")]
    [InlineData("1k", "1000")]
    [InlineData("1e3", "1000")]
    [InlineData("12E-2", "0.12")]
    [InlineData("250u", "0.00025")]
    public void Parses_decimal_binary_and_exponent_forms(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Quantity.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1Qi")]
    [InlineData("1..5")]
    public void Rejects_what_is_not_a_quantity(string text) => Assert.False(Quantity.TryParse(text, out _));
}
