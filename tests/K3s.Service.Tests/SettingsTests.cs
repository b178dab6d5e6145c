namespace K3s.Service.Tests;

/// <summary>Which value wins: command line, then config file, then environment, then default.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Server_WithNothingSet_ResolvesTheDefaults()
    {
        var config = directory.Write("config.yaml", "");

        var run = CliRun.Of(["server", "--config", config]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(
            $"""
            k3sps server: settings
              config: {config}
              data-dir: /var/lib/rancher/k3s
              token:
              token-file:
              datastore-endpoint:
              https-listen-port: 6443
              bind-address:
              advertise-address:
              node-name:
              node-ip:
              tls-san:
              write-kubeconfig: /etc/rancher/k3s/k3s.yaml
              write-kubeconfig-mode:
              disable-agent: false
              cluster-cidr: 10.42.0.0/16
              service-cidr: 10.43.0.0/16
              disable:

            """,
            run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Agent_ReportsItsDefaults()
    {
        var config = directory.Write("config.yaml", "");

        var agent = CliRun.Of(["agent", "-c", config]);

        Assert.StartsWith("k3sps agent: not implemented yet", agent.Stderr);
        Assert.Equal(1, agent.ExitCode);
        Assert.Equal("/var/lib/rancher/k3s", agent.Settings["data-dir"]);
        Assert.Equal("", agent.Settings["server"]);
    }

    [Fact]
    public void Datastore_TakesItsEndpointFromTheConfigFile_AndRefusesAnUnknownScheme()
    {
        var config = directory.Write("config.yaml", "endpoint: redis://127.0.0.1:6379\n");

        var datastore = CliRun.Of(["datastore", "-c", config]);

        Assert.Equal(1, datastore.ExitCode);
        Assert.Contains("k3sps datastore: unsupported datastore endpoint 'redis://127.0.0.1:6379'", datastore.Stderr);
    }

    [Fact]
    public void ConfigKey_IsUsedWhenFlagIsAbsent()
    {
        var config = directory.Write("config.yaml", """
            data-dir: /srv/k3s
            https-listen-port: 7443
            disable-agent: true
            write-kubeconfig-mode: "0644"
            """);

        var run = CliRun.Of(["server", "-c", config]);

        Assert.Equal("/srv/k3s", run.Settings["data-dir"]);
        Assert.Equal("7443", run.Settings["https-listen-port"]);
        Assert.Equal("true", run.Settings["disable-agent"]);
        Assert.Equal("0644", run.Settings["write-kubeconfig-mode"]);
    }

    [Theory]
    [InlineData("--data-dir")]
    [InlineData("-d")]
    public void Flag_OverridesConfigKey(string flag)
    {
        var config = directory.Write("config.yaml", "data-dir: /srv/k3s\n");

        var run = CliRun.Of(["server", "-c", config, flag, "/opt/k3s"]);

        Assert.Equal("/opt/k3s", run.Settings["data-dir"]);
    }

    [Fact]
    public void BooleanFlag_False_OverridesConfigTrue()
    {
        var config = directory.Write("config.yaml", "disable-agent: true\n");

        var run = CliRun.Of(["server", "-c", config, "--disable-agent=false"]);

        Assert.Equal("false", run.Settings["disable-agent"]);
    }

    [Fact]
    public void ListKey_FromConfig_KeepsEveryItem()
    {
        var config = directory.Write("config.yaml", "tls-san:\n  - k3s.example\n  - 192.0.2.10\n");

        var run = CliRun.Of(["server", "-c", config]);

        Assert.Equal("k3s.example,192.0.2.10", run.Settings["tls-san"]);
    }

    [Fact]
    public void RepeatedListFlag_ReplacesConfigList()
    {
        var config = directory.Write("config.yaml", "tls-san: [k3s.example]\n");

        var run = CliRun.Of(["server", "-c", config, "--tls-san", "a.example", "--tls-san", "b.example"]);

        Assert.Equal("a.example,b.example", run.Settings["tls-san"]);
    }

    [Fact]
    public void KeysOfOtherSubcommands_AreIgnored()
    {
        var config = directory.Write("config.yaml", """
            server: https://10.0.0.1:6443
            tls-san: [k3s.example]
            node-name: shared-node
            """);

        var server = CliRun.Of(["server", "-c", config]);
        var agent = CliRun.Of(["agent", "-c", config]);

        Assert.False(server.Settings.ContainsKey("server"));
        Assert.Equal("shared-node", server.Settings["node-name"]);
        Assert.Equal("https://10.0.0.1:6443", agent.Settings["server"]);
        Assert.False(agent.Settings.ContainsKey("tls-san"));
    }

    [Fact]
    public void EnvironmentVariables_FillUnsetFlags()
    {
        var config = directory.Write("config.yaml", "");

        var server = CliRun.Of(
            ["server", "-c", config],
            ("K3S_TOKEN", "env-token"),
            ("K3S_DATASTORE_ENDPOINT", "postgres://db/k3s"),
            ("K3S_NODE_NAME", "env-node"),
            ("K3S_KUBECONFIG_OUTPUT", "/tmp/kubeconfig.yaml"));
        var agent = CliRun.Of(
            ["agent", "-c", config], ("K3S_URL", "https://server:6443"), ("K3S_TOKEN", "env-token"));

        Assert.Equal("env-token", server.Settings["token"]);
        Assert.Equal("postgres://db/k3s", server.Settings["datastore-endpoint"]);
        Assert.Equal("env-node", server.Settings["node-name"]);
        Assert.Equal("/tmp/kubeconfig.yaml", server.Settings["write-kubeconfig"]);
        Assert.Equal("https://server:6443", agent.Settings["server"]);
        Assert.Equal("env-token", agent.Settings["token"]);
    }

    [Fact]
    public void ConfigKey_BeatsEnvironmentVariable()
    {
        var config = directory.Write("config.yaml", "token: config-token\n");

        var run = CliRun.Of(["server", "-c", config], ("K3S_TOKEN", "env-token"));

        Assert.Equal("config-token", run.Settings["token"]);
    }

    [Fact]
    public void Flag_BeatsEnvironmentVariable()
    {
        var config = directory.Write("config.yaml", "token: config-token\n");

        var run = CliRun.Of(["agent", "-c", config, "-t", "flag-token"], ("K3S_TOKEN", "env-token"));

        Assert.Equal("flag-token", run.Settings["token"]);
    }

    [Fact]
    public void EnvironmentVariable_BeatsDefault()
    {
        var config = directory.Write("config.yaml", "");

        var run = CliRun.Of(["server", "-c", config], ("K3S_KUBECONFIG_OUTPUT", "/root/.kube/config"));

        Assert.Equal("/root/.kube/config", run.Settings["write-kubeconfig"]);
    }
}
