namespace K3s.Core.Processes;

/// <summary>What a process is to a K3sPs (or k3s) node.</summary>
public enum ProcessRole
{
    Server,
    Agent,
    Datastore,
    Containerd,
    Shim,
    Container,
    Other,
}
