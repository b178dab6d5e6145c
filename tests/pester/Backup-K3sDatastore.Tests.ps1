BeforeDiscovery {
    $canRun = $IsLinux -and [bool](Get-Command etcdctl -ErrorAction Ignore)
    $hasEtcd = [bool](Get-Command etcd -ErrorAction Ignore)
}

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/K3sPs/K3sPs.psd1') -Force
    $k3sps = Join-Path $repo 'out/k3sps/k3sps'
    $env:ETCDCTL_API = '3'
    $root = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "k3sps-backup-$([guid]::NewGuid().ToString('N'))")).FullName
    $processes = [Collections.Generic.List[Diagnostics.Process]]::new()

    function Get-FreePort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    # Starts a program with its output in files. (Start-Process -RedirectStandard* crashes PowerShell when the
    # program writes after the test closed its log.) bash execs in place, so the PID is the program's.
    function Start-Logged([string] $Program, [string[]] $Arguments, [string] $Log, [string] $ErrorLog = "$Log.err") {
        $startInfo = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($argument in @('-c', 'exec "$0" "${@:3}" >"$1" 2>"$2"', $Program, $Log, $ErrorLog) + $Arguments) { $startInfo.ArgumentList.Add($argument) }
        [Diagnostics.Process]::Start($startInfo)
    }

    # `k3sps datastore` on a data dir laid out as k3s's: <dir>/server/db/state.db (or another database,
    # as a server on an external datastore has), served on <dir>/server/kine.sock (and a TCP port).
    function Start-Datastore([string] $DataDir, [int] $Port, [string] $Database = "$DataDir/server/db/state.db") {
        New-Item -ItemType Directory -Force (Join-Path $DataDir 'server'), (Split-Path $Database) | Out-Null
        $socket = Join-Path $DataDir 'server/kine.sock'
        $arguments = @('datastore', '--endpoint', "sqlite://$Database", '--listen-address', "unix://$socket")
        if ($Port) { $arguments += @('--listen-address', "127.0.0.1:$Port") }
        $log = Join-Path $root "$(Split-Path $DataDir -Leaf).log"
        $process = Start-Logged $k3sps $arguments $log
        $processes.Add($process)
        $deadline = (Get-Date).AddSeconds(30)
        while (-not [K3s.Core.Datastore.EtcdChannel]::Answers($socket)) {
            if ($process.HasExited -or (Get-Date) -gt $deadline) {
                throw "k3sps datastore on $DataDir did not start: $(Get-Content $log, "$log.err" -Raw -ErrorAction Ignore)"
            }
            Start-Sleep -Milliseconds 100
        }
        $process
    }

    function Stop-ById([Diagnostics.Process] $Process) {
        if (-not $Process) { return }
        Stop-Process -Id $Process.Id -Force -ErrorAction Ignore
        $Process.WaitForExit(10000) | Out-Null
    }

    function Invoke-Etcdctl([string] $Endpoint, [string[]] $Arguments) {
        $output = & etcdctl --endpoints $Endpoint @Arguments
        if ($LASTEXITCODE -ne 0) { throw "etcdctl $Arguments failed with exit code $LASTEXITCODE" }
        $output
    }

    function Get-Revision([string] $Endpoint) {
        [long](Invoke-Etcdctl $Endpoint @('get', '/', '-w', 'json') | ConvertFrom-Json).header.revision
    }

    # Every key (at a revision, or now), as etcdctl reads it: key => @{ Value; ModRevision; Lease }.
    function Get-AllKeys([string] $Endpoint, [long] $Revision) {
        $arguments = @('get', '', '--prefix', '-w', 'json')
        if ($Revision) { $arguments += "--rev=$Revision" }
        $keys = @{}
        foreach ($kv in (Invoke-Etcdctl $Endpoint $arguments | ConvertFrom-Json).kvs) {
            $name = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($kv.key))
            $keys[$name] = @{ Value = "$($kv.value)"; ModRevision = [long]$kv.mod_revision; Lease = [long]$kv.lease }
        }
        $keys
    }

    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }

    # A copy of the first half of a file: a backup cut short.
    function New-Truncated([string] $Path, [string] $Destination) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        [IO.File]::WriteAllBytes($Destination, $bytes[0..([int]($bytes.Length / 2) - 1)])
        $Destination
    }
}

Describe 'Backup-K3sDatastore and Restore-K3sDatastore' -Skip:(-not $canRun) {
    BeforeAll {
        $sourceDir = Join-Path $root 'source'
        $port = Get-FreePort
        $endpoint = "http://127.0.0.1:$port"
        $source = Start-Datastore $sourceDir $port

        # Fill it quickly through the etcd API (the module carries the etcd v3 client stubs): 600 keys,
        # more than one page of a listing, with history (updates, deletes) and keys on a lease.
        foreach ($assembly in 'Google.Protobuf', 'Grpc.Core.Api', 'Grpc.Net.Client') {
            Add-Type -Path (Join-Path $repo "out/K3sPs/$assembly.dll")
        }
        $channel = [Grpc.Net.Client.GrpcChannel]::ForAddress($endpoint)
        $kv = [K3s.Core.Etcd.KV+KVClient]::new($channel)
        $callOptions = [Grpc.Core.CallOptions]::new()
        function Put([string] $Key, [string] $Value, [long] $Lease = 0) {
            $request = [K3s.Core.Etcd.PutRequest]::new()
            $request.Key = [Google.Protobuf.ByteString]::CopyFromUtf8($Key)
            $request.Value = [Google.Protobuf.ByteString]::CopyFromUtf8($Value)
            $request.Lease = $Lease
            $kv.Put($request, $callOptions) | Out-Null
        }
        $padding = 'x' * 1000
        foreach ($i in 1..600) { Put "/registry/fill/$i" "value $i $padding" }
        foreach ($i in 1..20) { Put "/registry/fill/$i" "updated $i" }
        foreach ($i in 21..30) {
            $delete = [K3s.Core.Etcd.DeleteRangeRequest]::new()
            $delete.Key = [Google.Protobuf.ByteString]::CopyFromUtf8("/registry/fill/$i")
            $kv.DeleteRange($delete, $callOptions) | Out-Null
        }
        $grant = [K3s.Core.Etcd.LeaseGrantRequest]::new()
        $grant.TTL = 3600
        $lease = [K3s.Core.Etcd.Lease+LeaseClient]::new($channel).LeaseGrant($grant, $callOptions).ID
        foreach ($i in 1..5) { Put "/registry/events/default/event-$i" "event $i" $lease }
        $channel.Dispose()

        # The writer: etcdctl, in a process of its own, updating and creating keys until stopped.
        $writerScript = Join-Path $root 'writer.sh'
        Set-Content $writerScript @"
i=0
while true; do
  i=`$((i + 1))
  etcdctl --endpoints $endpoint put /registry/fill/`$((i % 300 + 1)) "written `$i" >/dev/null || exit 1
  etcdctl --endpoints $endpoint put /writer/key-`$i "new `$i" >/dev/null || exit 1
done
"@
        $revisionBeforeWriter = Get-Revision $endpoint
        $writer = Start-Logged bash @($writerScript) (Join-Path $root 'writer.log') (Join-Path $root 'writer.err')
        $processes.Add($writer)
        $deadline = (Get-Date).AddSeconds(20)
        while ((Get-Revision $endpoint) -lt $revisionBeforeWriter + 4) {
            if ($writer.HasExited -or (Get-Date) -gt $deadline) { throw "the writer does not write: $(Get-Content (Join-Path $root 'writer.err') -Raw)" }
            Start-Sleep -Milliseconds 100
        }

        $sqliteBackup = Join-Path $root 'state-backup.db'
        $dumpBackup = Join-Path $root 'datastore.jsonl'
        $sqliteTarget = Join-Path $root 'restored-sqlite'
        $dumpTarget = Join-Path $root 'restored-dump'
    }

    AfterAll {
        # The writer's etcdctl children first, then every process this file started, each by its id.
        if ($writer) {
            Stop-ById $writer
            foreach ($child in @(& pgrep -P $writer.Id 2>$null)) { Stop-Process -Id ([int]$child) -Force -ErrorAction Ignore }
        }
        foreach ($process in $processes) { Stop-ById $process }
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }

    It 'backs up the state.db of a data dir online, at one revision, while a writer keeps writing' {
        $before = Get-Revision $endpoint
        $backup = Backup-K3sDatastore -DataDir $sourceDir -Path $sqliteBackup
        $after = Get-Revision $endpoint

        $backup | Should -BeOfType ([K3s.Core.Datastore.BackupInfo])
        $backup.Kind | Should -Be 'Sqlite'
        $backup.Path | Should -Be $sqliteBackup
        $backup.Source | Should -Be (Join-Path $sourceDir 'server/db/state.db')
        $backup.Revision | Should -BeGreaterOrEqual $before
        $backup.Revision | Should -BeLessOrEqual $after
        $backup.Keys | Should -Be (Get-AllKeys $endpoint $backup.Revision).Count
        $backup.Bytes | Should -Be (Get-Item $sqliteBackup).Length
        (Get-Revision $endpoint) | Should -BeGreaterThan $backup.Revision -Because 'the writer kept writing'
        Get-ChildItem $root -Filter '*.partial' -Force | Should -BeNullOrEmpty
    }

    It 'restores the SQLite backup into a fresh data dir, whose server serves every key of the backup''s revision' {
        $restored = Restore-K3sDatastore -Path $sqliteBackup -DataDir $sqliteTarget -Confirm:$false -PassThru
        $restored.Kind | Should -Be 'Sqlite'
        $restored.Replaced | Should -BeFalse
        $restored.Revision | Should -Be $restored.BackupRevision

        $script:sqliteServer = Start-Datastore $sqliteTarget
        $restoredEndpoint = "unix://$sqliteTarget/server/kine.sock"
        $expected = Get-AllKeys $endpoint $restored.BackupRevision
        $actual = Get-AllKeys $restoredEndpoint
        $actual.Count | Should -Be $expected.Count
        $actual.Count | Should -BeGreaterThan 590
        $expected.Keys | Where-Object {
            -not $actual.ContainsKey($_) -or $actual[$_].Value -ne $expected[$_].Value -or $actual[$_].ModRevision -ne $expected[$_].ModRevision
        } | Should -BeNullOrEmpty -Because 'every key keeps its value and revision'
        $actual['/registry/fill/25'] | Should -BeNullOrEmpty -Because 'it was deleted before the backup'
        $lease = $actual['/registry/events/default/event-1'].Lease
        $lease | Should -Not -Be 0
        Invoke-Etcdctl $restoredEndpoint @('lease', 'timetolive', ('{0:x}' -f $lease)) | Should -Match 'granted with TTL\(3600s\)'
    }

    It 'dumps an endpoint at one revision while the writer writes; the dump restores the same keys and values' {
        $before = Get-Revision $endpoint
        $backup = Backup-K3sDatastore -Endpoint $endpoint -Path $dumpBackup
        $backup.Kind | Should -Be 'Dump'
        $backup.Revision | Should -BeGreaterOrEqual $before
        $expected = Get-AllKeys $endpoint $backup.Revision
        $backup.Keys | Should -Be $expected.Count

        $lines = Get-Content $dumpBackup
        $header = $lines[0] | ConvertFrom-Json
        $header.format | Should -Be 'k3sps-datastore-dump'
        $header.version | Should -Be 1
        $header.revision | Should -Be $backup.Revision
        $end = $lines[-1] | ConvertFrom-Json
        $end.end | Should -BeTrue
        $end.keys | Should -Be $expected.Count
        $end.leases | Should -Be 1

        $restored = Restore-K3sDatastore -Path $dumpBackup -DataDir $dumpTarget -Confirm:$false -PassThru
        $restored.Kind | Should -Be 'Dump'
        $restored.BackupRevision | Should -Be $backup.Revision
        $restored.Keys | Should -Be $expected.Count

        $script:dumpServer = Start-Datastore $dumpTarget
        $restoredEndpoint = "unix://$dumpTarget/server/kine.sock"
        $actual = Get-AllKeys $restoredEndpoint
        $actual.Count | Should -Be $expected.Count
        $expected.Keys | Where-Object { -not $actual.ContainsKey($_) -or $actual[$_].Value -ne $expected[$_].Value } |
            Should -BeNullOrEmpty -Because 'every key keeps its value'
        $lease = $actual['/registry/events/default/event-1'].Lease
        $lease | Should -Be $expected['/registry/events/default/event-1'].Lease
        Invoke-Etcdctl $restoredEndpoint @('lease', 'timetolive', ('{0:x}' -f $lease)) | Should -Match 'granted with TTL\(3600s\)'
    }

    It 'dumps through the kine.sock of a data dir that has no state.db (a server on an external datastore)' {
        $externalDir = Join-Path $root 'external'
        Start-Datastore $externalDir -Database (Join-Path $root 'external-db/state.db') | Out-Null
        $socketEndpoint = "unix://$externalDir/server/kine.sock"
        foreach ($i in 1..3) { Invoke-Etcdctl $socketEndpoint @('put', "/registry/external/$i", "external $i") | Out-Null }

        $backup = Backup-K3sDatastore -DataDir $externalDir -Path (Join-Path $root 'external.jsonl')
        $backup.Kind | Should -Be 'Dump'
        $backup.Source | Should -Be $socketEndpoint
        $backup.Keys | Should -Be 3
        Test-Path (Join-Path $externalDir 'server/db/state.db') | Should -BeFalse
    }

    It 'dumps a real etcd, and the dump restores into a server that serves the same keys, values and lease' -Skip:(-not $hasEtcd) {
        $clientPort = Get-FreePort
        $peerPort = Get-FreePort
        $etcdEndpoint = "http://127.0.0.1:$clientPort"
        $etcdArguments = @('--name', 'backup-test', '--data-dir', (Join-Path $root 'etcd'),
            '--listen-client-urls', $etcdEndpoint, '--advertise-client-urls', $etcdEndpoint,
            '--listen-peer-urls', "http://127.0.0.1:$peerPort", '--initial-advertise-peer-urls', "http://127.0.0.1:$peerPort",
            '--initial-cluster', "backup-test=http://127.0.0.1:$peerPort")
        $etcd = Start-Logged etcd $etcdArguments (Join-Path $root 'etcd.log') (Join-Path $root 'etcd.err')
        $processes.Add($etcd)
        $deadline = (Get-Date).AddSeconds(30)
        while ($true) {
            & etcdctl --endpoints $etcdEndpoint endpoint health *> $null
            if ($LASTEXITCODE -eq 0) { break }
            if ($etcd.HasExited -or (Get-Date) -gt $deadline) { throw "etcd did not start: $(Get-Content (Join-Path $root 'etcd.err') -Raw)" }
            Start-Sleep -Milliseconds 200
        }
        $channel = [Grpc.Net.Client.GrpcChannel]::ForAddress($etcdEndpoint)
        $etcdKv = [K3s.Core.Etcd.KV+KVClient]::new($channel)
        $grant = [K3s.Core.Etcd.LeaseGrantRequest]::new()
        $grant.TTL = 900
        $etcdLease = [K3s.Core.Etcd.Lease+LeaseClient]::new($channel).LeaseGrant($grant, $callOptions).ID
        foreach ($i in 1..520) {
            $request = [K3s.Core.Etcd.PutRequest]::new()
            $request.Key = [Google.Protobuf.ByteString]::CopyFromUtf8("/registry/etcd/$i")
            $request.Value = [Google.Protobuf.ByteString]::CopyFromUtf8("etcd value $i")
            if ($i -le 2) { $request.Lease = $etcdLease }
            $etcdKv.Put($request, $callOptions) | Out-Null
        }
        $channel.Dispose()

        $backup = Backup-K3sDatastore -Endpoint $etcdEndpoint -Path (Join-Path $root 'etcd.jsonl')
        $backup.Keys | Should -Be 520
        $etcdTarget = Join-Path $root 'restored-etcd'
        Restore-K3sDatastore -Path $backup.Path -DataDir $etcdTarget -Confirm:$false
        Start-Datastore $etcdTarget | Out-Null

        $expected = Get-AllKeys $etcdEndpoint $backup.Revision
        $actual = Get-AllKeys "unix://$etcdTarget/server/kine.sock"
        $actual.Count | Should -Be 520
        $expected.Keys | Where-Object { -not $actual.ContainsKey($_) -or $actual[$_].Value -ne $expected[$_].Value } |
            Should -BeNullOrEmpty -Because 'every key keeps its value'
        $actual['/registry/etcd/1'].Lease | Should -Be $etcdLease
        Invoke-Etcdctl "unix://$etcdTarget/server/kine.sock" @('lease', 'timetolive', ('{0:x}' -f $etcdLease)) |
            Should -Match 'granted with TTL\(900s\)'
    }

    It 'gives a database restored from a dump the exact schema kine makes' {
        [K3s.Core.Datastore.SqliteLibrary]::Initialize()
        function Get-Schema([string] $Database) {
            $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Database;Mode=ReadOnly;Pooling=False")
            $connection.Open()
            try {
                $command = $connection.CreateCommand()
                $command.CommandText = "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
                $reader = $command.ExecuteReader()
                while ($reader.Read()) { $reader.GetString(0) }
                $reader.Dispose()
            }
            finally { $connection.Dispose() }
        }
        $made = Get-Schema (Join-Path $sourceDir 'server/db/state.db')
        $restored = Get-Schema (Join-Path $dumpTarget 'server/db/state.db')
        $made | Where-Object { $_ -like 'table kine: *' } | Should -HaveCount 1
        $restored | Should -Be $made
    }

    It 'refuses to restore while a server answers on the target data dir' {
        $database = Join-Path $sqliteTarget 'server/db/state.db'
        { Restore-K3sDatastore -Path $sqliteBackup -DataDir $sqliteTarget -Force -Confirm:$false } |
            Should -Throw -ErrorId 'ServerRunning,K3s.PowerShell.Datastore.RestoreK3sDatastoreCommand'
        Stop-ById $sqliteServer
        $script:sqliteServer = $null
        Test-Path $database | Should -BeTrue
    }

    It 'refuses to replace an existing state.db without -Force, and changes nothing' {
        $database = Join-Path $sqliteTarget 'server/db/state.db'
        $hash = Get-Sha256 $database
        { Restore-K3sDatastore -Path $dumpBackup -DataDir $sqliteTarget -Confirm:$false } |
            Should -Throw -ErrorId 'TargetExists,K3s.PowerShell.Datastore.RestoreK3sDatastoreCommand'
        Get-Sha256 $database | Should -Be $hash
    }

    It 'refuses a truncated <Kind> backup with a clear error and leaves the target untouched' -ForEach @(
        @{ Kind = 'SQLite'; Backup = 'sqliteBackup'; Message = '*truncated*' }
        @{ Kind = 'dump'; Backup = 'dumpBackup'; Message = '*truncated*' }
    ) {
        $truncated = New-Truncated (Get-Variable $Backup -ValueOnly) (Join-Path $root "truncated-$Kind")
        $folder = Join-Path $sqliteTarget 'server/db'
        $database = Join-Path $folder 'state.db'
        $hash = Get-Sha256 $database
        $files = (Get-ChildItem $folder -Force).Name

        $failure = { Restore-K3sDatastore -Path $truncated -DataDir $sqliteTarget -Force -Confirm:$false } |
            Should -Throw -ErrorId 'BackupCorrupt,K3s.PowerShell.Datastore.RestoreK3sDatastoreCommand' -PassThru
        $failure.Exception.Message | Should -BeLike $Message
        $failure.CategoryInfo.Category | Should -Be 'InvalidData'

        Get-Sha256 $database | Should -Be $hash
        (Get-ChildItem $folder -Force).Name | Should -Be $files
    }

    It 'refuses a dump whose content was changed (hash mismatch)' {
        $changed = Join-Path $root 'changed.jsonl'
        (Get-Content $dumpBackup -Raw) -replace '"/registry/fill/600"', '"/registry/fill/6000"' | Set-Content $changed -NoNewline
        { Restore-K3sDatastore -Path $changed -DataDir (Join-Path $root 'never') -Confirm:$false } |
            Should -Throw -ExpectedMessage '*SHA-256*' -ErrorId 'BackupCorrupt,K3s.PowerShell.Datastore.RestoreK3sDatastoreCommand'
        Test-Path (Join-Path $root 'never') | Should -BeFalse
    }

    It 'replaces an existing state.db with -Force, leaving no -wal or -shm of the old one' {
        $restored = Restore-K3sDatastore -Path $dumpBackup -DataDir $sqliteTarget -Force -Confirm:$false -PassThru
        $restored.Replaced | Should -BeTrue
        $restored.Kind | Should -Be 'Dump'
        $folder = Join-Path $sqliteTarget 'server/db'
        (Get-ChildItem $folder -Force).Name | Should -Be @('state.db')
    }

    It 'verifies the backup but writes nothing with -WhatIf' {
        $target = Join-Path $root 'what-if-target'
        Restore-K3sDatastore -Path $dumpBackup -DataDir $target -WhatIf
        Test-Path $target | Should -BeFalse
    }

    It 'reports a missing backup file as BackupNotFound' {
        { Restore-K3sDatastore -Path (Join-Path $root 'missing.db') -DataDir $sqliteTarget -Confirm:$false } |
            Should -Throw -ErrorId 'BackupNotFound,K3s.PowerShell.Datastore.RestoreK3sDatastoreCommand'
    }

    It 'refuses to overwrite a backup file without -Force; -WhatIf writes nothing' {
        $hash = Get-Sha256 $sqliteBackup
        { Backup-K3sDatastore -DatabasePath (Join-Path $sourceDir 'server/db/state.db') -Path $sqliteBackup } |
            Should -Throw -ErrorId 'BackupExists,K3s.PowerShell.Datastore.BackupK3sDatastoreCommand'
        Backup-K3sDatastore -DataDir $sourceDir -Path $sqliteBackup -Force -WhatIf | Should -BeNullOrEmpty
        Get-Sha256 $sqliteBackup | Should -Be $hash
        $whatIf = Join-Path $root 'what-if.jsonl'
        Backup-K3sDatastore -Endpoint $endpoint -Path $whatIf -WhatIf
        Test-Path $whatIf | Should -BeFalse
    }

    It 'overwrites a backup file with -Force, from -DatabasePath' {
        $backup = Backup-K3sDatastore -DatabasePath (Join-Path $sourceDir 'server/db/state.db') -Path $sqliteBackup -Force
        $backup.Kind | Should -Be 'Sqlite'
        $backup.Keys | Should -BeGreaterThan 590
    }

    It 'names an unreachable endpoint as DatastoreUnreachable' {
        { Backup-K3sDatastore -Endpoint "http://127.0.0.1:$(Get-FreePort)" -Path (Join-Path $root 'none.jsonl') } |
            Should -Throw -ErrorId 'DatastoreUnreachable,K3s.PowerShell.Datastore.BackupK3sDatastoreCommand'
        Test-Path (Join-Path $root 'none.jsonl') | Should -BeFalse
    }

    It 'shows backups and restores in tables' {
        $backup = Backup-K3sDatastore -Endpoint $endpoint -Path $dumpBackup -Force
        $table = $backup | Format-Table | Out-String -Width 200
        $table | Should -Match 'Kind\s+Revision\s+Keys\s+Size\(MB\)\s+Time\(s\)\s+Path'
        $table | Should -Match "Dump\s+$($backup.Revision)\s+$($backup.Keys)\s"
        $restored = $backup | Restore-K3sDatastore -DataDir $sqliteTarget -Force -Confirm:$false -PassThru
        $restored.BackupPath | Should -Be $dumpBackup
        $restored | Format-Table | Out-String -Width 200 | Should -Match 'Kind\s+BackupRevision\s+Revision\s+Keys\s+Size\(MB\)\s+Replaced\s+DatabasePath'
    }

    It 'has help for <Name>: synopsis, every parameter described, an example' -ForEach @(
        @{ Name = 'Backup-K3sDatastore'; Synopsis = 'Backs up*' }, @{ Name = 'Restore-K3sDatastore'; Synopsis = 'Restores*' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -BeLike $Synopsis
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ($help.parameters.parameter | Where-Object name -EQ $parameter).description.Text | Should -Not -BeNullOrEmpty -Because $parameter
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }
}
