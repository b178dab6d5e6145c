using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>The keys of a datastore under a prefix, now or at a past revision, with their values decoded.</summary>
[Cmdlet(VerbsCommon.Get, "K3sDatastoreKey", DefaultParameterSetName = DataDirSet)]
[OutputType(typeof(DatastoreKeyInfo))]
public sealed class GetK3sDatastoreKeyCommand : DatastoreCmdlet
{
    /// <summary>A key, or a prefix ending in "/" whose keys are listed (all levels below with -Recurse).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Key")]
    [ArgumentCompleter(typeof(DatastoreKeyCompleter))]
    public string Prefix { get; set; } = "/";

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Read the store as it was at this revision.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Revision { get; set; }

    /// <summary>Values as bytes, not decoded.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void ProcessRecord()
    {
        // A prefix lists what is under it; anything else names one key.
        var keys = Prefix.EndsWith('/') || Recurse ? KeySelection.Under(Prefix) : KeySelection.Exactly(Prefix);
        foreach (var row in Each(Reader.ListAsync(keys, Revision, Cancellation)))
        {
            if (Recurse || !keys.IsPrefix || !row.Key.AsSpan(Prefix.Length).Contains('/'))
                WriteObject(DatastoreKeyInfo.From(row, Raw));
        }
    }
}
