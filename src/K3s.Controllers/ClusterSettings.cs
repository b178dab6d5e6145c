using System.Net;

namespace K3s.Controllers;

/// <summary>
/// What some controllers must know of the server they run in: the service network (--service-cidr)
/// cluster IPs come from, the address and port the API server is reached at (the <c>kubernetes</c>
/// Service's endpoint), the server CA's certificate (PEM) that pods find in kube-root-ca.crt, the
/// directory of manifests the deploy controller applies (none: no deploy controller), and the manifests of
/// the packaged components --disable names, whose objects it deletes.
/// </summary>
public sealed record ClusterSettings(IPNetwork ServiceCidr, IPEndPoint ApiServer, string CaCertificatePem, string? ManifestsDirectory = null,
    IReadOnlyList<string>? WithdrawnManifests = null)
{
    public static readonly IPNetwork DefaultServiceCidr = IPNetwork.Parse("10.43.0.0/16");
}
