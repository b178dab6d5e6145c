using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>Every revision of a key that the datastore still keeps: its create, its updates, its delete.</summary>
[Cmdlet(VerbsCommon.Get, "K3sDatastoreHistory", DefaultParameterSetName = DataDirSet)]
[OutputType(typeof(DatastoreHistoryEntry))]
public sealed class GetK3sDatastoreHistoryCommand : DatastoreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatastoreKeyCompleter))]
    public string Key { get; set; } = "";

    protected override void ProcessRecord()
    {
        foreach (var row in Each(Reader.HistoryAsync(KeySelection.Exactly(Key), Cancellation)))
            WriteObject(DatastoreHistoryEntry.From(row));
    }
}
