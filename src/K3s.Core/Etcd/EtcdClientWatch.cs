using System.Threading.Channels;

namespace K3s.Core.Etcd;

/// <summary>
/// One watch of an <see cref="EtcdWatchStream"/>: etcd's id for it, the caller's id and output, and how far
/// it has been delivered. Responses reach the output one at a time; once disposed, nothing more does.
/// </summary>
internal sealed class EtcdClientWatch : IEtcdWatch
{
    private readonly EtcdWatchStream stream;
    private readonly ChannelWriter<WatchResponse> output;
    private readonly long startRevision;
    // Held while a response is written, so that disposal waits for a write in flight rather than racing it.
    private readonly SemaphoreSlim delivering = new(1, 1);
    // Cancels a write in flight on disposal: a caller that stopped reading a full output must not block it.
    private readonly CancellationTokenSource stopping = new();
    private long synced;
    private int disposed;

    public EtcdClientWatch(EtcdWatchStream stream, long watchId, long startRevision, ChannelWriter<WatchResponse> output)
    {
        this.stream = stream;
        this.output = output;
        this.startRevision = startRevision;
        WatchId = watchId;
    }

    public long WatchId { get; }

    /// <summary>etcd's id for the watch on its stream, known once etcd has created it.</summary>
    public long EtcdWatchId { get; private set; } = -1;

    public long SyncedRevision => Interlocked.Read(ref synced);

    /// <summary>Set when the caller gave up waiting for the created response: the stream cancels the watch then.</summary>
    public bool Abandoned { get; set; }

    public bool Disposed => Volatile.Read(ref disposed) != 0;

    public void Created(long etcdWatchId) => EtcdWatchId = etcdWatchId;

    /// <summary>
    /// Passes one of etcd's responses on under the caller's id; false if the output no longer takes it
    /// (disposed, or the caller completed the output), so the stream can drop the watch.
    /// </summary>
    public async Task<bool> DeliverAsync(WatchResponse response, CancellationToken cancellationToken)
    {
        response.WatchId = WatchId;
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        try
        {
            await delivering.WaitAsync(both.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        try
        {
            if (Disposed)
                return false;
            await output.WriteAsync(response, both.Token);
            Advance(response);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        finally
        {
            delivering.Release();
        }
    }

    /// <summary>Ends the output with the stream's failure, so the caller notices and can watch again.</summary>
    public void Fail(Exception failure)
    {
        if (!Disposed)
            output.TryComplete(failure);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        await stopping.CancelAsync();
        await delivering.WaitAsync();
        delivering.Release();
        await stream.CancelAsync(this);
        stopping.Dispose();
    }

    /// <summary>
    /// Moves <see cref="SyncedRevision"/> on. A created response syncs to the revision the watch starts
    /// after; events to the last one delivered (a later header revision may not be complete yet for a
    /// watch catching up); a progress notification to its header revision.
    /// </summary>
    private void Advance(WatchResponse response)
    {
        long revision;
        if (response.Created)
            revision = startRevision > 0 ? Math.Min(startRevision - 1, response.Header.Revision) : response.Header.Revision;
        else if (response.Events.Count > 0)
            revision = response.Fragment ? 0 : response.Events[^1].Kv.ModRevision;
        else
            revision = response.Canceled ? 0 : response.Header.Revision;
        if (revision > 0)
        {
            InterlockedMax(ref synced, revision);
            stream.Observed(revision);
        }
    }

    internal static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
