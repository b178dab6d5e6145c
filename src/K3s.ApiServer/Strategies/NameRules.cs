using System.Text.RegularExpressions;

namespace K3s.ApiServer.Strategies;

/// <summary>Kubernetes' name rules (DNS-1123), with the messages upstream gives for a broken rule.</summary>
public static partial class NameRules
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    /// <summary>Why a name is not a DNS-1123 label (at most 63 characters), or null if it is one.</summary>
    public static string? NotALabel(string name) =>
        name.Length > 63 ? "must be no more than 63 characters"
        : Label().IsMatch(name) ? null
        : $"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>Why a name is not a DNS-1123 subdomain (at most 253 characters), or null if it is one.</summary>
    public static string? NotASubdomain(string name) =>
        name.Length > 253 ? "must be no more than 253 characters"
        : Subdomain().IsMatch(name) ? null
        : $"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
}
