using System.Text.Json.Nodes;
using K3s.ApiServer.Strategies;

namespace K3s.ApiServer.Tests.Strategies;

/// <summary>The DefaultTolerationSeconds admission as ApiServerOptions configures it.</summary>
public sealed class DefaultTolerationSecondsTests
{
    [Fact]
    public void The_configured_seconds_go_into_the_tolerations_a_pod_lacks()
    {
        var spec = JsonNode.Parse("""{"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists"}]}""")!.AsObject();

        new DefaultTolerationSeconds(NotReadySeconds: 30, UnreachableSeconds: 90).Apply(spec);

        Assert.Equal(
            """[{"key":"node.kubernetes.io/not-ready","operator":"Exists"},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":90}]""",
            spec["tolerations"]!.ToJsonString());
    }

    [Fact]
    public void A_toleration_of_another_effect_does_not_count()
    {
        var spec = JsonNode.Parse("""{"tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoSchedule"}]}""")!.AsObject();

        new DefaultTolerationSeconds().Apply(spec);

        Assert.Equal(3, spec["tolerations"]!.AsArray().Count);
    }

    [Fact]
    public void The_server_options_reach_pod_creation()
    {
        var strategy = new PodStrategy(new DefaultTolerationSeconds(NotReadySeconds: 5, UnreachableSeconds: 7));
        var pod = JsonNode.Parse("""{"spec":{"containers":[{"name":"c","image":"busybox"}]}}""")!.AsObject();

        strategy.PrepareForCreate(pod);

        Assert.Equal([5L, 7L], pod["spec"]!["tolerations"]!.AsArray().Select(t => (long)t!["tolerationSeconds"]!));
    }
}
