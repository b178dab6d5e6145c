namespace K3s.ApiServer.Schema;

/// <summary>A kind as OpenAPI's x-kubernetes-group-version-kind names it; the core group is "".</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind);
