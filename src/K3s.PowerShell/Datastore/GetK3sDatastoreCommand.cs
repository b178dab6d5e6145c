using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>What a datastore holds and where its bytes go: revisions, rows, keys, the biggest keys and prefixes.</summary>
[Cmdlet(VerbsCommon.Get, "K3sDatastore", DefaultParameterSetName = DataDirSet)]
[OutputType(typeof(DatastoreSummary))]
public sealed class GetK3sDatastoreCommand : DatastoreCmdlet
{
    protected override void EndProcessing()
    {
        WriteProgress(new ProgressRecord(1, "Get-K3sDatastore", $"Reading {Reader.Source}"));
        WriteObject(Wait(token => DatastoreStatistics.SummarizeAsync(Reader, token)));
    }
}
