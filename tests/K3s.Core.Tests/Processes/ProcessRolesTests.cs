using K3s.Core.Processes;

namespace K3s.Core.Tests.Processes;

public class ProcessRolesTests
{
    private static ProcessEntry Entry(string name, params string[] arguments) => new(10, 1, name, arguments);

    [Theory]
    [InlineData("k3sps", new[] { "/usr/local/bin/k3sps", "server", "--data-dir", "/tmp/x" }, ProcessRole.Server)]
    [InlineData("k3sps", new[] { "k3sps", "agent", "--server", "https://127.0.0.1:6443" }, ProcessRole.Agent)]
    [InlineData("k3sps", new[] { "./k3sps", "datastore" }, ProcessRole.Datastore)]
    [InlineData("dotnet", new[] { "dotnet", "out/k3sps/k3sps.dll", "server" }, ProcessRole.Server)]
    [InlineData("k3s-server", new[] { "/usr/local/bin/k3s server" }, ProcessRole.Server)]
    [InlineData("k3s", new[] { "/usr/local/bin/k3s server" }, ProcessRole.Server)]
    [InlineData("k3s-agent", new[] { "/usr/local/bin/k3s agent" }, ProcessRole.Agent)]
    public void Recognises_node_head_processes(string name, string[] arguments, ProcessRole role) =>
        Assert.Equal(role, ProcessRoles.RootRole(Entry(name, arguments)));

    [Theory]
    [InlineData("k3sps", new[] { "k3sps", "--version" })]
    [InlineData("k3sps", new[] { "k3sps", "child" })]
    [InlineData("k3s", new[] { "k3s", "kubectl", "get", "pods" })]
    [InlineData("dotnet", new[] { "dotnet", "pwsh.dll", "server" })]
    [InlineData("bash", new[] { "bash", "-c", "k3sps server" })]
    [InlineData("kthreadd", new string[0])]
    public void Ignores_other_processes(string name, string[] arguments) =>
        Assert.Null(ProcessRoles.RootRole(Entry(name, arguments)));

    [Fact]
    public void Without_arguments_recognises_node_processes_by_name_only() =>
        Assert.Equal(ProcessRole.Other, ProcessRoles.RootRole(new ProcessEntry(10, 0, "k3sps", null)));

    [Fact]
    public void Names_containerd_shims_and_containers()
    {
        Assert.Equal(ProcessRole.Containerd, ProcessRoles.DescendantRole(Entry("containerd"), belowShim: false));
        Assert.Equal(ProcessRole.Shim, ProcessRoles.DescendantRole(Entry("containerd-shim"), belowShim: false));
        Assert.Equal(ProcessRole.Container, ProcessRoles.DescendantRole(Entry("nginx"), belowShim: true));
        Assert.Equal(ProcessRole.Other, ProcessRoles.DescendantRole(Entry("nginx"), belowShim: false));
    }

    [Fact]
    public void Reads_the_socket_that_links_a_shim_to_its_containerd()
    {
        Assert.Equal("/run/k3s/containerd/containerd.sock",
            ProcessRoles.ContainerdAddress(Entry("containerd", "containerd", "-c", "config.toml", "-a", "/run/k3s/containerd/containerd.sock")));
        Assert.Equal("/run/x.sock", ProcessRoles.ContainerdAddress(Entry("containerd", "containerd", "--address=/run/x.sock")));
        Assert.Equal("/run/containerd/containerd.sock", ProcessRoles.ContainerdAddress(Entry("containerd", "containerd")));
        Assert.Equal("/run/k3s/containerd/containerd.sock",
            ProcessRoles.ShimAddress(Entry("containerd-shim", "/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", "abc", "-address", "/run/k3s/containerd/containerd.sock")));
    }
}
