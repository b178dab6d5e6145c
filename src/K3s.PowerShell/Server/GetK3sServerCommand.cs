using System.Management.Automation;
using K3s.Core.Datastore;
using K3s.Core.Management;

namespace K3s.PowerShell.Server;

/// <summary>Asks a running k3sps server, through its management socket, what it runs and how it is doing.</summary>
[Cmdlet(VerbsCommon.Get, "K3sServer")]
[OutputType(typeof(ServerStatusInfo))]
public sealed class GetK3sServerCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    /// <summary>The server's data dir; its management socket is &lt;data-dir&gt;/k3sps.sock.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] DataDir { get; set; } = [DatastoreSource.DefaultDataDir];

    protected override void ProcessRecord()
    {
        foreach (var dataDir in DataDir)
        {
            var socket = Path.Combine(GetUnresolvedProviderPathFromPSPath(dataDir), "k3sps.sock");
            try
            {
                WriteObject(ServerStatusInfo.ReadAsync(socket, stopping.Token).GetAwaiter().GetResult());
            }
            catch (IOException e)
            {
                WriteError(new ErrorRecord(e, "ServerNotRunning", ErrorCategory.ObjectNotFound, dataDir)
                {
                    ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Start it (k3sps server, or its service) or name its data dir with -DataDir." },
                });
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    protected override void StopProcessing() => stopping.Cancel();

    public void Dispose() => stopping.Dispose();
}
