BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/K3sPs/K3sPs.psd1') -Force
    . (Join-Path $PSScriptRoot 'DatastoreTestSupport.ps1')

    function Open-Database([string] $Path) {
        [K3s.Core.Datastore.SqliteLibrary]::Initialize() # loads Microsoft.Data.Sqlite and picks the native library
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
        $connection.Open()
        $connection
    }

    function Invoke-Scalar($Connection, [string] $Sql) {
        $command = $Connection.CreateCommand()
        $command.CommandText = $Sql
        $command.ExecuteScalar()
    }

    # A state.db as kine writes it (its DDL and row layout): compact_rev_key first; keys created and
    # deleted, and gap rows; then rounds that put every key once (a create, then updates naming the row
    # they replace, with its value as old_value), so that each key gets Rounds - 1 superseded rows.
    # Written in one transaction, which takes a few seconds for 10,000 rows. Returns the current revision.
    function New-KineDatabase([string] $Path, [int] $Keys, [int] $Rounds, [int] $DeletedKeys = 0, [int] $GapRows = 0) {
        $connection = Open-Database $Path
        try {
            Invoke-Scalar $connection 'PRAGMA journal_mode=WAL' | Out-Null
            @(
                'CREATE TABLE IF NOT EXISTS kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name INTEGER, created INTEGER, deleted INTEGER, create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB)',
                'CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)',
                'CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)',
                'CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)',
                'CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)',
                'CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)'
            ) | ForEach-Object { Invoke-Scalar $connection $_ | Out-Null }
            $transaction = $connection.BeginTransaction()
            $insert = $connection.CreateCommand()
            $insert.Transaction = $transaction
            $insert.CommandText = 'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
                'VALUES($name, $created, $deleted, $createRevision, $prevRevision, 0, $value, $oldValue); SELECT last_insert_rowid()'
            foreach ($parameter in 'name', 'created', 'deleted', 'createRevision', 'prevRevision', 'value', 'oldValue') {
                $insert.Parameters.AddWithValue("`$$parameter", [DBNull]::Value) | Out-Null
            }
            $state = @{ Current = 0 }
            $add = {
                param($Name, $Created, $Deleted, $CreateRevision, $PrevRevision, [byte[]] $Value, [byte[]] $OldValue)
                $insert.Parameters['$name'].Value = $Name
                $insert.Parameters['$created'].Value = $Created
                $insert.Parameters['$deleted'].Value = $Deleted
                $insert.Parameters['$createRevision'].Value = $CreateRevision
                $insert.Parameters['$prevRevision'].Value = $PrevRevision
                $insert.Parameters['$value'].Value = $Value ?? [DBNull]::Value
                $insert.Parameters['$oldValue'].Value = $OldValue ?? [DBNull]::Value
                $state.Current = [long]$insert.ExecuteScalar()
                $state.Current
            }
            & $add 'compact_rev_key' 0 0 0 0 $null $null | Out-Null
            for ($key = 0; $key -lt $DeletedKeys; $key++) {
                $name = "/registry/events/default/gone-$key"
                $value = [Text.Encoding]::UTF8.GetBytes('{"gone":true}')
                $id = & $add $name 1 0 0 $state.Current $value $null
                & $add $name 0 1 $id $id $value $value | Out-Null
            }
            for ($gap = 0; $gap -lt $GapRows; $gap++) {
                & $add "gap-$($state.Current + 1)" 0 1 0 0 $null $null | Out-Null
            }
            $padding = 'x' * 200
            $last = @{}
            foreach ($round in 0..($Rounds - 1)) {
                foreach ($key in 0..($Keys - 1)) {
                    $name = "/registry/configmaps/default/cm-$key"
                    $value = [Text.Encoding]::UTF8.GetBytes("{`"round`":$round,`"padding`":`"$padding`"}")
                    if ($round -eq 0) {
                        # kine's create: prev_revision holds the store's revision at the time, another key's row.
                        $id = & $add $name 1 0 0 $state.Current $value $null
                        $last[$name] = @{ Id = $id; Create = $id; Value = $value }
                    }
                    else {
                        $previous = $last[$name]
                        $id = & $add $name 0 0 $previous.Create $previous.Id $value $previous.Value
                        $last[$name] = @{ Id = $id; Create = $previous.Create; Value = $value }
                    }
                }
            }
            $transaction.Commit()
            $state.Current
        }
        finally {
            $connection.Dispose()
        }
    }

    function Get-ConfigMapRound([string] $Path, [int] $Key) {
        $connection = Open-Database $Path
        try {
            $value = Invoke-Scalar $connection "SELECT value FROM kine WHERE name = '/registry/configmaps/default/cm-$Key' ORDER BY id DESC LIMIT 1"
            ([Text.Encoding]::UTF8.GetString($value) | ConvertFrom-Json).round
        }
        finally {
            $connection.Dispose()
        }
    }

    # What -WhatIf prints goes to the host; a transcript catches it (joined: the transcript wraps long lines).
    function Get-WhatIfText([scriptblock] $Command) {
        $log = Join-Path ([IO.Path]::GetTempPath()) "k3sps-whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -Path $log | Out-Null
        try {
            $output = & $Command
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $text = (Get-Content $log) -join ''
        Remove-Item $log
        [pscustomobject]@{ Output = $output; Text = $text }
    }

    function Invoke-Etcdctl([string] $Socket, [string[]] $Arguments) {
        $env:ETCDCTL_API = '3'
        $output = & etcdctl "--endpoints=unix://$Socket" @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$output" }
    }
}

Describe 'Optimize-K3sDatastore on a state.db with 10,000 superseded rows' {
    BeforeAll {
        $directory = New-TemporaryDirectory
        $database = Join-Path $directory 'state.db'
        # 200 keys x 50 updates: 10,000 superseded rows; 2 keys created and deleted; 1 gap row.
        $current = New-KineDatabase $database -Keys 200 -Rounds 51 -DeletedKeys 2 -GapRows 1
    }
    AfterAll {
        Remove-Item $directory -Recurse -Force -ErrorAction Ignore
    }

    It '-WhatIf tells exactly what would go, and changes nothing' {
        $hash = (Get-FileHash $database).Hash
        $before = Get-K3sDatastore -Path $database

        $whatIf = Get-WhatIfText { Optimize-K3sDatastore -Path $database -Revision $current -Vacuum -WhatIf }

        $whatIf.Output | Should -BeNullOrEmpty
        $whatIf.Text | Should -Match ([regex]::Escape("to revision $current (current $current) removes 10005 rows (10002 superseded rows, 2 tombstones, 1 gap rows; about "))
        $whatIf.Text | Should -Match 'VACUUM'
        (Get-FileHash $database).Hash | Should -Be $hash
        $after = Get-K3sDatastore -Path $database
        foreach ($property in 'CompactRevision', 'TotalRows', 'SupersededRows', 'Tombstones', 'GapRows', 'FileSize') {
            $after.$property | Should -Be $before.$property -Because $property
        }
    }

    It 'removes the superseded rows, shrinks the file with -Vacuum, and reports both sizes' {
        $sizeBefore = (Get-Item $database).Length

        $report = Optimize-K3sDatastore -Path $database -Revision $current -Vacuum -Confirm:$false

        $report | Should -BeOfType ([K3s.Core.Datastore.OptimizationReport])
        $report.Backend | Should -Be 'sqlite'
        $report.CompactRevisionBefore | Should -Be 0
        $report.CompactRevision | Should -Be $current
        $report.SupersededRowsBefore | Should -Be 10002
        $report.TombstonesBefore | Should -Be 2
        $report.TotalRowsBefore | Should -Be 10204
        $report.RemovedRows | Should -Be 10005
        $report.SupersededRowsAfter | Should -Be 0
        $report.TombstonesAfter | Should -Be 0
        $report.TotalRowsAfter | Should -Be 200
        $report.Vacuumed | Should -BeTrue
        $report.Checkpointed | Should -BeTrue
        $report.FileSizeBefore | Should -Be $sizeBefore
        $report.FileSizeAfter | Should -Be (Get-Item $database).Length
        $report.FileSizeAfter | Should -BeLessThan ($report.FileSizeBefore / 10)
        $report.WalSizeAfter | Should -Be 0
        $report.BytesAfter | Should -Be ($report.FileSizeAfter + $report.WalSizeAfter)

        $summary = Get-K3sDatastore -Path $database
        $summary.CompactRevision | Should -Be $current
        $summary.LiveKeys | Should -Be 200
        $summary.GapRows | Should -Be 0
        Get-ConfigMapRound $database 7 | Should -Be 50
    }

    It 'shows the report in a table with the rows and sizes before and after' {
        $report = Optimize-K3sDatastore -Path $database -Revision $current -Confirm:$false -WarningAction SilentlyContinue
        $table = $report | Format-Table | Out-String -Width 200
        $table | Should -Match 'Backend\s+Compacted\s+Rows\s+Superseded\s+Deleted\s+Size\s+Vacuumed\s+Source'
        $table | Should -Match "sqlite\s+$current -> $current\s+200 -> 200\s+0 -> 0\s+0 -> 0\s+\S+ KB -> \S+ KB\s+False"
    }

    It 'says so when the datastore is already compacted past the target, and compacts nothing' {
        $report = Optimize-K3sDatastore -Path $database -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match "already compacted to revision $current, at or past the target revision $($current - 1000)"
        $report.RemovedRows | Should -Be 0
        $report.CompactRevision | Should -Be $current
    }

    It 'refuses a revision after the current one with RevisionInFuture' {
        { Optimize-K3sDatastore -Path $database -Revision ($current + 1) -Confirm:$false } |
            Should -Throw -ErrorId 'RevisionInFuture,K3s.PowerShell.Datastore.OptimizeK3sDatastoreCommand'
    }

    It 'refuses a missing file with DatastoreFileNotFound' {
        { Optimize-K3sDatastore -Path (Join-Path $directory 'missing.db') -Confirm:$false } |
            Should -Throw -ErrorId 'DatastoreFileNotFound,K3s.PowerShell.Datastore.OptimizeK3sDatastoreCommand'
    }
}

Describe 'Optimize-K3sDatastore through a running server' {
    BeforeAll {
        $dataDir = New-TemporaryDirectory
        $database = Join-Path $dataDir 'server/db/state.db'
        $socket = Join-Path $dataDir 'server/kine.sock'
        New-Item -ItemType Directory -Force (Split-Path $database) | Out-Null
        # 50 keys x 60 updates, revision 2 + 50 x round + key: the default target, current - 1000,
        # is the last update of round 40, so compaction removes 40 x 50 rows.
        $current = New-KineDatabase $database -Keys 50 -Rounds 61
        $server = Start-Datastore $dataDir
    }
    AfterAll {
        Stop-Datastore $server
        Remove-Item $dataDir -Recurse -Force -ErrorAction Ignore
    }

    It 'refuses -Vacuum while the server runs, before changing anything' {
        { Optimize-K3sDatastore -DataDir $dataDir -Vacuum -Confirm:$false } |
            Should -Throw -ErrorId 'VacuumNeedsStoppedServer,K3s.PowerShell.Datastore.OptimizeK3sDatastoreCommand'
        { Optimize-K3sDatastore -Path $database -Vacuum -Confirm:$false } |
            Should -Throw -ErrorId 'VacuumNeedsStoppedServer,K3s.PowerShell.Datastore.OptimizeK3sDatastoreCommand'
        (Get-K3sDatastore -DataDir $dataDir).CompactRevision | Should -Be 0
    }

    It '-WhatIf tells what would go through the API, and changes nothing' {
        $whatIf = Get-WhatIfText { Optimize-K3sDatastore -DataDir $dataDir -WhatIf }
        $whatIf.Output | Should -BeNullOrEmpty
        $whatIf.Text | Should -Match ([regex]::Escape("Compacting unix://$socket from revision 0 to revision $($current - 1000) (current $current) removes 2000 rows (2000 superseded rows, 0 tombstones, 0 gap rows"))
        (Get-K3sDatastore -DataDir $dataDir).CompactRevision | Should -Be 0
    }

    It 'compacts through the API to the current revision minus 1000; older revisions then fail with RevisionCompacted' {
        $target = $current - 1000

        $report = Optimize-K3sDatastore -DataDir $dataDir -Confirm:$false

        $report.Backend | Should -Be 'etcd v3 API'
        $report.Source | Should -Be "unix://$socket"
        $report.DatabaseFile | Should -Be $database
        $report.CompactRevisionBefore | Should -Be 0
        $report.CompactRevision | Should -Be $target
        $report.RemovedRows | Should -BeNullOrEmpty
        $report.TotalRowsBefore | Should -Be 3050
        $report.TotalRowsAfter | Should -Be 1050
        $report.SupersededRowsBefore | Should -Be 3000
        $report.SupersededRowsAfter | Should -Be 1000
        $report.Checkpointed | Should -BeTrue
        $report.FileSizeBefore | Should -BeGreaterThan 0
        $report.WalSizeAfter | Should -Be 0

        $old = Invoke-Etcdctl $socket 'get', '/registry/configmaps/default/cm-7', "--rev=$($target - 1)"
        $old.ExitCode | Should -Not -Be 0
        $old.Output | Should -Match 'required revision has been compacted'
        (Invoke-Etcdctl $socket 'get', '/registry/configmaps/default/cm-7', "--rev=$target").ExitCode | Should -Be 0

        $reader = [K3s.Core.Datastore.DatastoreSource]::OpenDataDir($dataDir)
        try {
            $rows = $reader.ListAsync([K3s.Core.Datastore.KeySelection]::All, $target - 1, [Threading.CancellationToken]::None).GetAsyncEnumerator([Threading.CancellationToken]::None)
            $failure = try { $rows.MoveNextAsync().AsTask().GetAwaiter().GetResult() } catch { $_.Exception.InnerException ?? $_.Exception }
            $failure.ErrorId | Should -Be 'RevisionCompacted'
        }
        finally {
            $reader.DisposeAsync().AsTask().Wait()
        }
        { Watch-K3sDatastore -DataDir $dataDir -FromRevision ($target - 1) -ErrorAction Stop } |
            Should -Throw -ErrorId 'RevisionCompacted,K3s.PowerShell.Datastore.WatchK3sDatastoreCommand'
        (Get-K3sDatastore -DataDir $dataDir).CompactRevision | Should -Be $target
    }

    It 'has help with a synopsis, every parameter described and an example' {
        $help = Get-Help Optimize-K3sDatastore -Full
        $help.Synopsis | Should -Match 'Compacts'
        $parameters = (Get-Command Optimize-K3sDatastore).Parameters.Keys | Where-Object { $_ -notin [Management.Automation.PSCmdlet]::CommonParameters }
        foreach ($parameter in $parameters) {
            ($help.parameters.parameter | Where-Object name -EQ $parameter).description.Text | Should -Not -BeNullOrEmpty -Because $parameter
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }
}
