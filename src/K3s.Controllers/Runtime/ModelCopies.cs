using k8s;

namespace K3s.Controllers.Runtime;

/// <summary>Deep copies of API models, through their JSON form: what is created from a template must not share its lists.</summary>
public static class ModelCopies
{
    public static T DeepCopy<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
