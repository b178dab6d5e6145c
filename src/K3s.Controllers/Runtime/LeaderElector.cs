using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Runtime;

/// <summary>
/// Leader election through a coordination.k8s.io Lease, as client-go's leaderelection does, so that of
/// several servers on one datastore one runs the controllers at a time. A lease is taken over when
/// its record has not changed for its duration as this candidate saw it (its own clock, never the
/// holder's), and the leader steps down when it cannot renew within the renew deadline.
/// </summary>
public sealed class LeaderElector(Kubernetes client, string @namespace, string name, string identity, ILogger logger)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether this candidate holds the lease now.</summary>
    public bool IsLeading => leading;

    private volatile bool leading;
    private (string? Holder, DateTime? RenewTime) observed;
    private DateTime observedAt;

    /// <summary>
    /// Campaigns until cancelled; while leading, runs <paramref name="lead"/> with a token that is cancelled
    /// when leadership is lost. On cancellation the lease is released so another candidate takes over at once.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await TryAcquireOrRenewAsync(cancellationToken))
            {
                await Delay(RetryPeriod, cancellationToken);
                continue;
            }
            logger.LogInformation("{Identity} became the leader of {Namespace}/{Name}", identity, @namespace, name);
            using var leadership = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            leading = true;
            var work = Task.Run(() => lead(leadership.Token), CancellationToken.None);
            await RenewWhileLeadingAsync(cancellationToken);
            leading = false;
            await leadership.CancelAsync();
            await work.ContinueWith(_ => { }, TaskScheduler.Default);
            if (cancellationToken.IsCancellationRequested)
                await ReleaseAsync();
            else
                logger.LogWarning("{Identity} lost the lease {Namespace}/{Name}", identity, @namespace, name);
        }
    }

    private async Task RenewWhileLeadingAsync(CancellationToken cancellationToken)
    {
        var renewed = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Delay(RetryPeriod, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
                return;
            if (await TryAcquireOrRenewAsync(cancellationToken))
                renewed = DateTime.UtcNow;
            else if (DateTime.UtcNow - renewed > RenewDeadline || observed.Holder != identity)
                return;
        }
    }

    /// <summary>Takes the lease if it is free, expired or ours; false if another holds it or the write lost a race.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        try
        {
            V1Lease lease;
            try
            {
                lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
                {
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
                    Spec = Held(new V1LeaseSpec { LeaseTransitions = 0 }, now, acquired: true),
                }, @namespace, cancellationToken: cancellationToken);
                Observe(identity, now);
                return true;
            }
            var spec = lease.Spec ?? new V1LeaseSpec();
            var record = (spec.HolderIdentity, spec.RenewTime);
            if (record != observed)
                Observe(record.HolderIdentity, record.RenewTime);
            var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)LeaseDuration.TotalSeconds);
            var ours = spec.HolderIdentity == identity;
            if (!ours && !string.IsNullOrEmpty(spec.HolderIdentity) && now - observedAt < duration)
                return false;
            if (!ours)
                spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
            lease.Spec = Held(spec, now, acquired: !ours);
            // The replace carries the read resourceVersion: of two candidates, one wins and the other gets 409.
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: cancellationToken);
            Observe(identity, now);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            logger.LogWarning("leader election {Namespace}/{Name}: {Error}", @namespace, name, e.Message);
            return false;
        }
    }

    private V1LeaseSpec Held(V1LeaseSpec spec, DateTime now, bool acquired)
    {
        spec.HolderIdentity = identity;
        spec.LeaseDurationSeconds = (int)LeaseDuration.TotalSeconds;
        spec.RenewTime = now;
        if (acquired)
            spec.AcquireTime = now;
        return spec;
    }

    private void Observe(string? holder, DateTime? renewTime)
    {
        observed = (holder, renewTime);
        observedAt = DateTime.UtcNow;
    }

    /// <summary>Gives the lease up (holder emptied) so the next candidate need not wait for it to expire.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: timeout.Token);
            if (lease.Spec?.HolderIdentity != identity)
                return;
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning("leader election {Namespace}/{Name}: releasing failed: {Error}", @namespace, name, e.Message);
        }
    }

    private static Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
}
