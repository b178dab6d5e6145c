using Grpc.Core;

namespace K3s.Core.Etcd;

/// <summary>
/// The errors an etcd v3 server returns, with etcd's gRPC status codes and messages, so that
/// clients that match on them (etcdctl, the Kubernetes storage layer) behave the same.
/// </summary>
public static class EtcdErrors
{
    /// <summary>etcd's default --max-request-bytes.</summary>
    public const int MaxRequestBytes = 3 * 512 * 1024;

    /// <summary>etcd's default limit on operations in one branch of a txn (--max-txn-ops).</summary>
    public const int MaxTxnOps = 128;

    public static RpcException EmptyKey() => Error(StatusCode.InvalidArgument, "etcdserver: key is not provided");
    public static RpcException TooManyOps() => Error(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
    public static RpcException DuplicateKey() => Error(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
    public static RpcException RequestTooLarge() => Error(StatusCode.InvalidArgument, "etcdserver: request is too large");
    public static RpcException Compacted() => Error(StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
    public static RpcException FutureRevision() => Error(StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    public static RpcException LeaseNotFound() => Error(StatusCode.NotFound, "etcdserver: requested lease not found");
    public static RpcException LeaseExists() => Error(StatusCode.FailedPrecondition, "etcdserver: lease already exists");
    public static RpcException LeaseTtlTooLarge() => Error(StatusCode.OutOfRange, "etcdserver: too large lease TTL");
    public static RpcException ValueProvided() => Error(StatusCode.InvalidArgument, "etcdserver: value is provided");
    public static RpcException LeaseProvided() => Error(StatusCode.InvalidArgument, "etcdserver: lease is provided");
    public static RpcException KeyNotFound() => Error(StatusCode.InvalidArgument, "etcdserver: key not found");

    public static RpcException Error(StatusCode code, string message) => new(new Status(code, message), message);
}
