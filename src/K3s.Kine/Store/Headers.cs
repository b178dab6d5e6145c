using K3s.Core.Etcd;

namespace K3s.Kine.Store;

/// <summary>Response headers of this single-member "cluster": fixed ids, one raft term, the store's revision.</summary>
internal static class Headers
{
    public const ulong ClusterId = 0x6b33737073; // "k3sps"
    public const ulong MemberId = 0x6b696e65; // "kine"

    public static ResponseHeader At(long revision) =>
        new() { ClusterId = ClusterId, MemberId = MemberId, Revision = revision, RaftTerm = 1 };
}
