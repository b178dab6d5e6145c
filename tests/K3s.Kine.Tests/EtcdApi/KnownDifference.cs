namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// Where K3s.Kine answers differently from etcd 3.4 by design (kine's SQL log), each with the test that
/// asserts etcd's behaviour on etcd and the documented behaviour on the targets that have the difference.
/// A difference is never a skip: a target that stops having it fails its test.
/// </summary>
public enum KnownDifference
{
    /// <summary>
    /// kine appends one row per written key, so a txn putting two keys gives them consecutive (increasing)
    /// mod revisions, the last one in the header; etcd gives every key of a txn the txn's one revision.
    /// </summary>
    MultiKeyTxnTakesOneRevisionPerKey,

    /// <summary>
    /// Likewise a DeleteRange of several keys appends one tombstone per key: the delete events carry
    /// increasing revisions; etcd deletes them all at one revision.
    /// </summary>
    MultiKeyDeleteTakesOneRevisionPerKey,

    /// <summary>Revoking a lease deletes its keys one revision each (etcd: all at one revision).</summary>
    LeaseRevokeTakesOneRevisionPerKey,

    /// <summary>
    /// kine computes a key's version by counting its rows since creation, and compaction removes
    /// superseded rows: after compacting at a key's newest revision its version is 1 (etcd keeps counting).
    /// </summary>
    VersionCountsRetainedRevisions,

    /// <summary>kine stores keys as text: a key that is not UTF-8 (byte 0xFF) is InvalidArgument; etcd keys are bytes.</summary>
    KeysMustBeUtf8,

    /// <summary>
    /// PostgreSQL text cannot hold NUL, so kine refuses a key with a NUL byte inside it (InvalidArgument) on every
    /// database; etcd keys may hold any byte. (A key or range_end that is exactly "\0" keeps etcd's meaning.)
    /// </summary>
    KeysCannotContainNul,

    /// <summary>kine's lease column is a 32-bit INTEGER: Grant with an ID of 2^40 is InvalidArgument; etcd takes any positive int64.</summary>
    LeaseIdsBelow2Pow31,

    /// <summary>
    /// MySQL/MariaDB only: kine's name column is VARCHAR CHARACTER SET ascii with the default case-insensitive
    /// collation, so "/A" and "/a" are one key (the second put updates the first, which then reads back under
    /// the newer spelling); a key with a non-ASCII character can be neither written nor read: InvalidArgument.
    /// </summary>
    MySqlKeysAreAsciiCaseInsensitive,
}
