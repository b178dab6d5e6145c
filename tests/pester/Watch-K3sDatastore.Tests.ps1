BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $manifest = Join-Path $repo 'out/K3sPs/K3sPs.psd1'
    Import-Module $manifest -Force
    . (Join-Path $PSScriptRoot 'DatastoreTestSupport.ps1')

    function Invoke-Etcdctl([string[]] $Arguments) {
        $env:ETCDCTL_API = '3'
        $output = & etcdctl "--endpoints=unix://$socket" @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "etcdctl $Arguments failed: $output" }
        $output
    }

    function Get-CurrentRevision {
        [long](Invoke-Etcdctl 'get', '/', '-w', 'json' | ConvertFrom-Json).header.revision
    }

    # Watch-K3sDatastore in a runspace of its own, so the test can write while it watches, then stop it as Ctrl+C would.
    function Start-Watcher([string] $Arguments) {
        $shell = [powershell]::Create()
        $null = $shell.AddScript("Import-Module '$manifest'; Watch-K3sDatastore $Arguments")
        $inputs = [Management.Automation.PSDataCollection[psobject]]::new()
        $inputs.Complete()
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ Shell = $shell; Output = $output; Handle = $shell.BeginInvoke($inputs, $output) }
    }

    function Wait-Event($Watcher, [int] $Count, [scriptblock] $While = {}) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($Watcher.Output.Count -lt $Count -and [DateTime]::UtcNow -lt $deadline -and $Watcher.Shell.InvocationStateInfo.State -eq 'Running') {
            & $While
            Start-Sleep -Milliseconds 100
        }
        Get-CollectionItem $Watcher.Output
    }

    # Index, not enumerate: enumerating a runspace's collection blocks until its pipeline ends.
    function Get-CollectionItem($Collection) {
        for ($i = 0; $i -lt $Collection.Count; $i++) { $Collection[$i] }
    }

    function Stop-Watcher($Watcher) {
        $stopping = $Watcher.Shell.BeginStop($null, $null)
        $stopped = $stopping.AsyncWaitHandle.WaitOne(30000)
        if ($stopped) { $Watcher.Shell.EndStop($stopping) }
        $stopped
    }

    $dataDir = New-TemporaryDirectory
    $socket = Join-Path $dataDir 'server/kine.sock'
    $server = Start-Datastore $dataDir
}

AfterAll {
    Stop-Datastore $server
    Remove-Item $dataDir -Recurse -Force -ErrorAction Ignore
}

Describe 'Watch-K3sDatastore' {
    It 'shows the puts and deletes made while it runs, in order, with their values, and stops cleanly' {
        $from = (Get-CurrentRevision) + 1
        $watcher = Start-Watcher "-DataDir '$dataDir' -Prefix /watch/ -FromRevision $from"
        try {
            Invoke-Etcdctl 'put', '/watch/a', '{"n":1,"tags":["x","y"]}' | Out-Null
            Invoke-Etcdctl 'put', '/other/ignored', 'not under the prefix' | Out-Null
            Invoke-Etcdctl 'put', '/watch/a', '{"n":2}' | Out-Null
            Invoke-Etcdctl 'put', '/watch/b', 'plain text' | Out-Null
            Invoke-Etcdctl 'del', '/watch/a' | Out-Null
            $events = Wait-Event $watcher 4
        }
        finally {
            $stopped = Stop-Watcher $watcher
        }

        $stopped | Should -BeTrue
        $watcher.Shell.InvocationStateInfo.State | Should -Be 'Stopped'
        $watcher.Shell.Streams.Error.Count | Should -Be 0
        $events | Should -HaveCount 4
        $events[0] | Should -BeOfType ([K3s.PowerShell.Datastore.DatastoreEvent])
        $events.Type | Should -Be @('Put', 'Put', 'Put', 'Delete')
        $events.Key | Should -Be @('/watch/a', '/watch/a', '/watch/b', '/watch/a')
        $events.Revision | Should -Be @($from, ($from + 2), ($from + 3), ($from + 4))

        $events[0].Operation | Should -Be 'Create'
        $events[0].Version | Should -Be 1
        $events[0].CreateRevision | Should -Be $from
        $events[0].Value.n | Should -Be 1
        $events[0].Value.tags | Should -Be @('x', 'y')
        $events[0].PreviousValue | Should -BeNullOrEmpty
        $events[0].Size | Should -Be 24
        [Text.Encoding]::UTF8.GetString($events[0].RawValue) | Should -Be '{"n":1,"tags":["x","y"]}'

        $events[1].Operation | Should -Be 'Update'
        $events[1].Version | Should -Be 2
        $events[1].CreateRevision | Should -Be $from
        $events[1].Value.n | Should -Be 2
        $events[1].PreviousValue.n | Should -Be 1

        $events[2].Value | Should -Be 'plain text'

        $events[3].Version | Should -Be 0
        $events[3].Size | Should -Be 0
        $events[3].Value | Should -BeNullOrEmpty
        $events[3].PreviousValue.n | Should -Be 2
    }

    It 'follows the changes from now on without -FromRevision' {
        $watcher = Start-Watcher "-Endpoint 'unix://$socket' -Prefix /live/"
        try {
            # The watch starts in the background: write a marker until it shows, then the real changes.
            $marker = @{ Count = 0 }
            Wait-Event $watcher 1 { $marker.Count++; Invoke-Etcdctl 'put', '/live/marker', "$($marker.Count)" | Out-Null } | Out-Null
            $seen = $watcher.Output.Count
            Invoke-Etcdctl 'put', '/live/pod', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"}}' | Out-Null
            Invoke-Etcdctl 'del', '/live/pod' | Out-Null
            $events = @(Wait-Event $watcher ($seen + 2) | Where-Object Key -EQ '/live/pod')
        }
        finally {
            $stopped = Stop-Watcher $watcher
        }

        $stopped | Should -BeTrue
        $watcher.Shell.Streams.Error.Count | Should -Be 0
        $events.Type | Should -Be @('Put', 'Delete')
        $events[0].Kind | Should -Be 'Pod'
        $events[0].Value.metadata.name | Should -Be 'p'
        $events[1].Kind | Should -Be 'Pod'
        $events[1].Revision | Should -Be ($events[0].Revision + 1)
    }

    It 'replays the same events from a state.db file' {
        $from = (Get-CurrentRevision) + 1
        Invoke-Etcdctl 'put', '/file/a', '1' | Out-Null
        Invoke-Etcdctl 'put', '/file/a', '2' | Out-Null
        Invoke-Etcdctl 'del', '/file/a' | Out-Null
        $watcher = Start-Watcher "-Path '$(Join-Path $dataDir 'server/db/state.db')' -Prefix /file/ -FromRevision $from"
        try {
            $events = Wait-Event $watcher 3
        }
        finally {
            $stopped = Stop-Watcher $watcher
        }

        $stopped | Should -BeTrue
        $watcher.Shell.Streams.Error.Count | Should -Be 0
        $events.Type | Should -Be @('Put', 'Put', 'Delete')
        $events.Revision | Should -Be @($from, ($from + 1), ($from + 2))
        $events.Value | Should -Be @('1', '2', $null)
        $events[2].PreviousValue | Should -Be '2'
    }

    It 'shows events in a table with the documented columns' {
        $watcher = Start-Watcher "-DataDir '$dataDir' -Prefix /watch/b -FromRevision 1"
        try {
            $events = Wait-Event $watcher 1
        }
        finally {
            Stop-Watcher $watcher | Out-Null
        }
        $table = $events | Format-Table | Out-String -Width 200
        $table | Should -Match 'Revision\s+Type\s+Version\s+Size\s+Kind\s+Key'
        $table | Should -Match "$($events[0].Revision)\s+Put\s+1\s+10\s+/watch/b"
    }

    It 'reports a compacted revision as RevisionCompacted' {
        Invoke-Etcdctl 'put', '/compacted/a', '1' | Out-Null
        Invoke-Etcdctl 'compaction', (Get-CurrentRevision) | Out-Null
        { Watch-K3sDatastore -DataDir $dataDir -FromRevision 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'RevisionCompacted,K3s.PowerShell.Datastore.WatchK3sDatastoreCommand'
    }

    It 'has help with a synopsis, every parameter described and an example' {
        $help = Get-Help Watch-K3sDatastore -Full
        $help.Synopsis | Should -Match 'puts and deletes'
        $parameters = (Get-Command Watch-K3sDatastore).Parameters.Keys | Where-Object { $_ -notin [Management.Automation.PSCmdlet]::CommonParameters }
        foreach ($parameter in $parameters) {
            ($help.parameters.parameter | Where-Object name -EQ $parameter).description.Text | Should -Not -BeNullOrEmpty -Because $parameter
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }
}
