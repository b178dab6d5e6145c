namespace K3s.Controllers.Namespaces;

/// <summary>A namespaced resource the server serves: its collection path is PREFIX/namespaces/NS/PLURAL.</summary>
public sealed record NamespacedResource(string GroupVersion, string Plural)
{
    public string CollectionPath(string @namespace) =>
        $"{(GroupVersion.Contains('/') ? "/apis/" : "/api/")}{GroupVersion}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}";

    public override string ToString() => GroupVersion.Contains('/') ? $"{Plural}.{GroupVersion.Split('/')[0]}" : Plural;
}
