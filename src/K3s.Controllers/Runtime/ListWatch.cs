using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>A list of objects and the resourceVersion it was read at, where a watch carries on.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>How an informer reads one kind: a list, and a watch from a resourceVersion.</summary>
public sealed record ListWatch<T>(
    Func<CancellationToken, Task<ListResult<T>>> List,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch)
    where T : IKubernetesObject<V1ObjectMeta>;
