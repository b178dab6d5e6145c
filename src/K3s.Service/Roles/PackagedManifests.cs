using System.Net;

namespace K3s.Service.Roles;

/// <summary>
/// The add-ons k3sps server packages, as k3s's: written into <c>&lt;data-dir&gt;/server/manifests</c> at each start
/// (so an upgrade brings their new version) for the deploy controller to apply, unless <c>--disable NAME</c>
/// (then the file goes) or a <c>NAME.yaml.skip</c> beside it (then the file is left as the user made it).
/// </summary>
internal static class PackagedManifests
{
    /// <summary>What <c>--disable</c> accepts.</summary>
    public static IReadOnlyList<string> Components { get; } = ["coredns"];

    public static string DirectoryOf(string dataDir) => Path.Combine(dataDir, "server", "manifests");

    /// <exception cref="FormatException">--disable names a component that is not packaged.</exception>
    public static void Write(string dataDir, IReadOnlyList<string> disabled, IPNetwork serviceCidr)
    {
        var unknown = disabled.Except(Components, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new FormatException($"--disable: no packaged component {string.Join(", ", unknown)} (valid items: {string.Join(", ", Components)})");
        var directory = DirectoryOf(dataDir);
        Directory.CreateDirectory(directory);
        foreach (var component in Components)
        {
            var path = Path.Combine(directory, component + ".yaml");
            if (File.Exists(path + ".skip"))
                continue;
            if (disabled.Contains(component))
            {
                File.Delete(path);
                continue;
            }
            File.WriteAllText(path + ".tmp", Render(component, serviceCidr));
            File.Move(path + ".tmp", path, overwrite: true);
        }
    }

    /// <summary>
    /// The manifests of the packaged components <c>--disable</c> names, for the deploy controller to delete what they
    /// made; not one a <c>.skip</c> file hands to the user.
    /// </summary>
    public static IReadOnlyList<string> Withdrawn(string dataDir, IReadOnlyList<string> disabled, IPNetwork serviceCidr) =>
        Components.Where(component => disabled.Contains(component) && !File.Exists(Path.Combine(DirectoryOf(dataDir), component + ".yaml.skip")))
            .Select(component => Render(component, serviceCidr)).ToList();

    private static string Render(string component, IPNetwork serviceCidr) => Template(component)
        .Replace("%{CLUSTER_DNS}%", ClusterDns(serviceCidr).ToString(), StringComparison.Ordinal)
        .Replace("%{CLUSTER_DOMAIN}%", "cluster.local", StringComparison.Ordinal);

    /// <summary>The cluster DNS address, as k3s's --cluster-dns default: the tenth address of the service network.</summary>
    public static IPAddress ClusterDns(IPNetwork serviceCidr)
    {
        var bytes = serviceCidr.BaseAddress.GetAddressBytes();
        bytes[^1] += 10;
        return new IPAddress(bytes);
    }

    private static string Template(string component)
    {
        using var stream = typeof(PackagedManifests).Assembly.GetManifestResourceStream($"manifests/{component}.yaml")
            ?? throw new InvalidOperationException($"the {component} manifest is not packaged in this build");
        return new StreamReader(stream).ReadToEnd();
    }
}
