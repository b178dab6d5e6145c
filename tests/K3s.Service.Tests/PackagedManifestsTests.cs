using System.Net;
using K3s.Core.Serialization;
using K3s.Service.Roles;
using K3s.Tests;

namespace K3s.Service.Tests;

public sealed class PackagedManifestsTests
{
    private static readonly IPNetwork ServiceCidr = IPNetwork.Parse("10.43.0.0/16");

    [Fact]
    public void CoreDNS_is_written_with_the_cluster_DNS_address_of_the_service_network()
    {
        using var dataDir = new TemporaryDirectory();

        PackagedManifests.Write(dataDir.Path, [], IPNetwork.Parse("10.96.0.0/12"));

        var documents = YamlToJson.ConvertAll(File.ReadAllText(Path.Combine(PackagedManifests.DirectoryOf(dataDir.Path), "coredns.yaml")));
        var service = documents.Single(document => (string?)document?["kind"] == "Service")!;
        Assert.Equal("10.96.0.10", (string?)service["spec"]!["clusterIP"]);
        Assert.Contains(documents, document => (string?)document?["kind"] == "Deployment" && (string?)document["metadata"]!["name"] == "coredns");
    }

    [Fact]
    public void Disable_removes_the_file_and_a_skip_file_keeps_the_users_own()
    {
        using var dataDir = new TemporaryDirectory();
        var path = Path.Combine(PackagedManifests.DirectoryOf(dataDir.Path), "coredns.yaml");
        PackagedManifests.Write(dataDir.Path, [], ServiceCidr);

        PackagedManifests.Write(dataDir.Path, ["coredns"], ServiceCidr);
        Assert.False(File.Exists(path));

        File.WriteAllText(path, "# mine\n");
        File.WriteAllText(path + ".skip", "");
        PackagedManifests.Write(dataDir.Path, [], ServiceCidr);
        Assert.Equal("# mine\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_disabled_component_is_withdrawn_for_its_objects_to_go_unless_a_skip_file_makes_it_the_users()
    {
        using var dataDir = new TemporaryDirectory();
        Assert.Empty(PackagedManifests.Withdrawn(dataDir.Path, [], ServiceCidr));
        var withdrawn = Assert.Single(PackagedManifests.Withdrawn(dataDir.Path, ["coredns"], ServiceCidr));
        Assert.Contains(YamlToJson.ConvertAll(withdrawn), document => (string?)document?["kind"] == "Deployment");

        Directory.CreateDirectory(PackagedManifests.DirectoryOf(dataDir.Path));
        File.WriteAllText(Path.Combine(PackagedManifests.DirectoryOf(dataDir.Path), "coredns.yaml.skip"), "");
        Assert.Empty(PackagedManifests.Withdrawn(dataDir.Path, ["coredns"], ServiceCidr));
    }

    [Fact]
    public void An_unknown_component_is_refused_naming_the_valid_ones()
    {
        using var dataDir = new TemporaryDirectory();
        var refused = Assert.Throws<FormatException>(() => PackagedManifests.Write(dataDir.Path, ["traefik"], ServiceCidr));
        Assert.Contains("traefik", refused.Message);
        Assert.Contains("coredns", refused.Message);
    }
}
