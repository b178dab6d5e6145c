using k8s.Models;
using K3s.Controllers.Deployments;

namespace K3s.Controllers.Tests;

public sealed class RolloutFencepostsTests
{
    [Theory]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("25%", "25%", 3, 1, 0)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("1", "0", 3, 1, 0)]
    [InlineData("50%", "50%", 5, 3, 2)]
    public void Surge_rounds_up_and_unavailable_down(string surge, string unavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var deployment = new V1Deployment
        {
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = Value(surge), MaxUnavailable = Value(unavailable) },
                },
            },
        };
        Assert.Equal((expectedSurge, expectedUnavailable), RolloutFenceposts.Resolve(deployment));
    }

    [Fact]
    public void The_template_hash_uses_the_safe_alphabet_and_changes_with_the_template()
    {
        var template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "one" }] } };
        var first = PodTemplateHash.Compute(template, null);
        template.Spec.Containers[0].Image = "two";
        var second = PodTemplateHash.Compute(template, null);
        Assert.NotEqual(first, second);
        Assert.All(first + second, c => Assert.Contains(c, "bcdfghjklmnpqrstvwxz2456789"));
        Assert.NotEqual(second, PodTemplateHash.Compute(template, 1));
    }

    private static IntOrString Value(string text) => int.TryParse(text, out var number) ? (IntOrString)number : (IntOrString)text;
}
