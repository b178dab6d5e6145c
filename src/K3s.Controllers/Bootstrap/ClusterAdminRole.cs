using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.Controllers.Bootstrap;

/// <summary>
/// The cluster-admin ClusterRole (every verb on every resource and non-resource URL) and its binding
/// to the group system:masters, which the admin's client certificate names, as the RBAC bootstrap
/// policy has them. Made when missing; left alone when present.
/// </summary>
public sealed class ClusterAdminRole(Kubernetes client)
{
    public const string Name = "cluster-admin";
    public const string MastersGroup = "system:masters";
    private const string RbacGroup = "rbac.authorization.k8s.io";

    private static Dictionary<string, string> BootstrapLabels => new() { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };

    private static Dictionary<string, string> AutoUpdate => new() { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" };

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await CreateUnlessPresentAsync(() => client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = Name, Labels = BootstrapLabels, Annotations = AutoUpdate },
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] },
                new V1PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] },
            ],
        }, cancellationToken: cancellationToken));
        await CreateUnlessPresentAsync(() => client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = Name, Labels = BootstrapLabels, Annotations = AutoUpdate },
            RoleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = "ClusterRole", Name = Name },
            Subjects = [new Rbacv1Subject { ApiGroup = RbacGroup, Kind = "Group", Name = MastersGroup }],
        }, cancellationToken: cancellationToken));
    }

    private static async Task CreateUnlessPresentAsync(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }
}
