namespace K3s.ApiServer.Security;

/// <summary>Whether a user may do a verb on a resource; RBAC fills this seam later.</summary>
public interface IAuthorizer
{
    bool Allows(UserInfo user, string verb, string group, string resource, string? @namespace, string? name);
}

/// <summary>For now: whoever is authenticated may do anything.</summary>
public sealed class AllowAuthenticated : IAuthorizer
{
    public bool Allows(UserInfo user, string verb, string group, string resource, string? @namespace, string? name) =>
        user != UserInfo.Anonymous;
}
