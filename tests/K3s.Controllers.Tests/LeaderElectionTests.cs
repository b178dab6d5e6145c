using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.Controllers.Tests;

/// <summary>Of several candidates for one Lease, one leads at a time; the next takes over when it lets go or stops renewing.</summary>
public sealed class LeaderElectionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private LeaderElector Candidate(Kubernetes client, string lease, string identity) =>
        new(client, "kube-system", lease, identity, NullLogger.Instance)
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1.5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };

    private static HashSet<string> Leading(HashSet<string> leaders)
    {
        lock (leaders)
            return [.. leaders];
    }

    /// <summary>Runs a candidate that records, while it leads, that it does.</summary>
    private static Task Campaign(LeaderElector candidate, string identity, HashSet<string> leaders, CancellationToken stop) =>
        candidate.RunAsync(async leading =>
        {
            lock (leaders)
                leaders.Add(identity);
            try
            {
                await Task.Delay(Timeout.Infinite, leading);
            }
            catch (OperationCanceledException)
            {
            }
            lock (leaders)
                leaders.Remove(identity);
        }, stop);

    [Fact]
    public async Task One_candidate_leads_and_the_other_takes_over_when_it_steps_down()
    {
        using var client = cluster.Client();
        var leaders = new HashSet<string>();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = Campaign(Candidate(client, "handover", "a"), "a", leaders, stopA.Token);
        var b = Campaign(Candidate(client, "handover", "b"), "b", leaders, stopB.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(Leading(leaders).Count == 1), "one candidate leads");
        for (var i = 0; i < 10; i++)
        {
            lock (leaders)
                Assert.True(leaders.Count <= 1, $"leaders at once: {string.Join(",", leaders)}");
            await Task.Delay(100);
        }
        string first;
        lock (leaders)
            first = leaders.Single();

        await (first == "a" ? stopA : stopB).CancelAsync();
        await (first == "a" ? a : b);
        var second = first == "a" ? "b" : "a";
        await Eventually.HoldsAsync(() => Task.FromResult(Leading(leaders).SetEquals([second])), "the other candidate leads");
        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync("handover", "kube-system");
        Assert.Equal(second, lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);

        await (first == "a" ? stopB : stopA).CancelAsync();
        await (first == "a" ? b : a);
    }

    [Fact]
    public async Task A_lease_that_is_not_renewed_is_taken_over_after_its_duration()
    {
        using var client = cluster.Client();
        await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "crashed", NamespaceProperty = "kube-system" },
            Spec = new V1LeaseSpec { HolderIdentity = "gone", LeaseDurationSeconds = 2, RenewTime = DateTime.UtcNow, AcquireTime = DateTime.UtcNow },
        }, "kube-system");
        var leaders = new HashSet<string>();
        using var stop = new CancellationTokenSource();
        var candidate = Campaign(Candidate(client, "crashed", "next"), "next", leaders, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(1));
        lock (leaders)
            Assert.Empty(leaders); // the holder's lease has not run out yet
        await Eventually.HoldsAsync(() => Task.FromResult(Leading(leaders).Contains("next")), "the candidate took the lease over");
        Assert.Equal("next", (await client.CoordinationV1.ReadNamespacedLeaseAsync("crashed", "kube-system")).Spec.HolderIdentity);

        await stop.CancelAsync();
        await candidate;
    }
}
