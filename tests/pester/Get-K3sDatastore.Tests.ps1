BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/K3sPs/K3sPs.psd1') -Force
    . (Join-Path $PSScriptRoot 'DatastoreTestSupport.ps1')

    function Invoke-Etcdctl([string] $Socket, [string[]] $Arguments) {
        $env:ETCDCTL_API = '3'
        $output = & etcdctl "--endpoints=unix://$Socket" @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "etcdctl $Arguments failed: $output" }
        $output
    }

    function Pod([string] $Name, [string] $Image) {
        @{ apiVersion = 'v1'; kind = 'Pod'; metadata = @{ name = $Name; namespace = 'default' }; spec = @{ containers = @(@{ name = 'c'; image = $Image }) } } |
            ConvertTo-Json -Depth 5 -Compress
    }
}

Describe 'Get-K3sDatastore, -Key and -History through the socket and on the stopped server''s state.db' {
    BeforeAll {
        $dataDir = New-TemporaryDirectory
        $socket = Join-Path $dataDir 'server/kine.sock'
        $server = Start-Datastore $dataDir
        foreach ($i in 1..4) { Invoke-Etcdctl $socket 'put', "/registry/pods/default/web-$i", (Pod "web-$i" 'nginx:1') | Out-Null }
        Invoke-Etcdctl $socket 'put', '/registry/pods/default/web-1', (Pod 'web-1' 'nginx:2') | Out-Null
        Invoke-Etcdctl $socket 'put', '/registry/configmaps/kube-system/settings', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"kube-system"},"data":{"a":"1"}}' | Out-Null
        foreach ($i in 1..6) { Invoke-Etcdctl $socket 'put', "/registry/events/default/e$i", ('{"apiVersion":"v1","kind":"Event","metadata":{"name":"e' + $i + '","namespace":"default"},"message":"' + ('x' * 300) + '"}') | Out-Null }
        $compactAt = [long](Invoke-Etcdctl $socket 'put', '/registry/pods/default/web-2', (Pod 'web-2' 'nginx:2'), '-w', 'json' | ConvertFrom-Json).header.revision
        Invoke-Etcdctl $socket 'compaction', $compactAt | Out-Null
        Invoke-Etcdctl $socket 'del', '/registry/pods/default/web-3' | Out-Null
        Invoke-Etcdctl $socket 'put', '/registry/pods/default/web-1', (Pod 'web-1' 'nginx:3') | Out-Null
        Invoke-Etcdctl $socket 'put', 'plain-text-key', 'hello world' | Out-Null

        $viaSocket = @{
            Summary = Get-K3sDatastore -DataDir $dataDir
            Keys    = @(Get-K3sDatastoreKey / -Recurse -DataDir $dataDir) + @(Get-K3sDatastoreKey plain-text-key -DataDir $dataDir)
            History = @(Get-K3sDatastoreHistory /registry/pods/default/web-1 -DataDir $dataDir)
            Deleted = @(Get-K3sDatastoreHistory /registry/pods/default/web-3 -DataDir $dataDir)
        }
        Stop-Datastore $server
        $copy = Join-Path (New-TemporaryDirectory) 'state.db'
        Copy-Item (Join-Path $dataDir 'server/db/state.db') $copy
        $onFile = @{
            Summary = Get-K3sDatastore -Path $copy
            Keys    = @(Get-K3sDatastoreKey / -Recurse -Path $copy) + @(Get-K3sDatastoreKey plain-text-key -Path $copy)
            History = @(Get-K3sDatastoreHistory /registry/pods/default/web-1 -Path $copy)
            Deleted = @(Get-K3sDatastoreHistory /registry/pods/default/web-3 -Path $copy)
        }
    }
    AfterAll {
        Stop-Datastore $server
        Remove-Item $dataDir, (Split-Path $copy) -Recurse -Force -ErrorAction Ignore
    }

    It 'read the running server through its socket, and the file once it stopped' {
        $viaSocket.Summary.Backend | Should -Be 'etcd v3 API'
        $viaSocket.Summary.Source | Should -BeLike 'unix://*kine.sock'
        $onFile.Summary.Backend | Should -Be 'sqlite'
        (Get-K3sDatastore -DataDir $dataDir).Backend | Should -Be 'sqlite' # no server answers any more
    }

    It 'gives the same summary both ways' {
        foreach ($property in 'CurrentRevision', 'CompactRevision', 'TotalRows', 'LiveKeys', 'SupersededRows', 'Tombstones', 'ValueBytes') {
            $onFile.Summary.$property | Should -Be $viaSocket.Summary.$property -Because $property
        }
        ($onFile.Summary.BiggestKeys | Out-String) | Should -Be ($viaSocket.Summary.BiggestKeys | Out-String)
        ($onFile.Summary.BiggestPrefixes | Out-String) | Should -Be ($viaSocket.Summary.BiggestPrefixes | Out-String)
    }

    It 'counts what the writes left' {
        $summary = $onFile.Summary
        $summary.CompactRevision | Should -Be $compactAt
        $summary.LiveKeys | Should -Be 11 # 3 pods, 1 config map, 6 events, 1 text key
        $summary.Tombstones | Should -Be 1
        $summary.BiggestPrefixes[0].Prefix | Should -Be '/registry/events/'
        $summary.FileSize | Should -BeGreaterThan 0
        $summary.GapRows | Should -Be 0
    }

    It 'gives the same keys both ways, with their values decoded' {
        $fields = 'Key', 'Revision', 'CreateRevision', 'Version', 'Lease', 'Size', 'Kind', 'Namespace', 'Name'
        ($onFile.Keys | Select-Object $fields | ConvertTo-Json) | Should -Be ($viaSocket.Keys | Select-Object $fields | ConvertTo-Json)
        $web1 = $onFile.Keys | Where-Object Key -EQ '/registry/pods/default/web-1'
        $web1.Kind | Should -Be 'Pod'
        $web1.Namespace | Should -Be 'default'
        $web1.Value.spec.containers[0].image | Should -Be 'nginx:3'
        ($onFile.Keys | Where-Object Key -EQ 'plain-text-key').Value | Should -Be 'hello world'
    }

    It 'gives the same history both ways: what compaction kept and everything since' {
        $fields = 'Revision', 'Operation', 'CreateRevision', 'Version', 'Size'
        ($onFile.History | Select-Object $fields | ConvertTo-Json) | Should -Be ($viaSocket.History | Select-Object $fields | ConvertTo-Json)
        $onFile.History.Value.spec.containers.image | Should -Be @('nginx:2', 'nginx:3')
        (Compare-Object $onFile.History[0].Lines $onFile.History[1].Lines).InputObject.Trim().TrimEnd(',') | Should -Contain '"image": "nginx:3"'
        $onFile.Deleted[-1].Operation | Should -Be 'Delete'
        $onFile.Deleted[-1].Value.metadata.name | Should -Be 'web-3'
        ($onFile.Deleted | Select-Object $fields | ConvertTo-Json) | Should -Be ($viaSocket.Deleted | Select-Object $fields | ConvertTo-Json)
    }

    It 'reads the store as it was at a revision, and refuses one compacted away' {
        $atCompaction = Get-K3sDatastoreKey /registry/pods/default/web-1 -Revision $compactAt -Path $copy
        $atCompaction.Value.spec.containers[0].image | Should -Be 'nginx:2'
        { Get-K3sDatastoreKey / -Recurse -Revision ($compactAt - 1) -Path $copy } | Should -Throw -ErrorId 'RevisionCompacted,K3s.PowerShell.Datastore.GetK3sDatastoreKeyCommand'
    }

    It 'lists the keys right below a prefix without -Recurse' {
        (Get-K3sDatastoreKey /registry/ -Path $copy) | Should -BeNullOrEmpty
        (Get-K3sDatastoreKey /registry/pods/default/ -Path $copy).Name | Should -Be @('web-1', 'web-2', 'web-4')
    }

    It 'completes keys a path segment at a time' {
        $completions = TabExpansion2 -inputScript "Get-K3sDatastoreKey -Path '$copy' /registry/p" -cursorColumn ("Get-K3sDatastoreKey -Path '$copy' /registry/p").Length
        $completions.CompletionMatches.CompletionText | Should -Be @('/registry/pods/')
    }
}

Describe 'The datastore cmdlets on a state.db laid out as k3s''s kine writes it' {
    BeforeAll {
        [K3s.Core.Datastore.SqliteLibrary]::Initialize()
        $kineDb = Join-Path (New-TemporaryDirectory) 'state.db'
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$kineDb;Pooling=False")
        $connection.Open()
        function Invoke-Sql([string] $Sql, [hashtable] $Parameters = @{}) {
            $command = $connection.CreateCommand()
            $command.CommandText = $Sql
            foreach ($name in $Parameters.Keys) { $command.Parameters.AddWithValue($name, $Parameters[$name] ?? [DBNull]::Value) | Out-Null }
            $command.ExecuteNonQuery() | Out-Null
        }
        # kine's DDL (pkg/drivers/sqlite), and rows as kine writes them.
        Invoke-Sql "CREATE TABLE IF NOT EXISTS kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name INTEGER, created INTEGER, deleted INTEGER, create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB)"
        foreach ($index in 'kine_name_index ON kine (name)', 'kine_name_id_index ON kine (name,id)', 'kine_id_deleted_index ON kine (id,deleted)', 'kine_prev_revision_index ON kine (prev_revision)') {
            Invoke-Sql "CREATE INDEX IF NOT EXISTS $index"
        }
        Invoke-Sql 'CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)'
        $utf8 = [Text.Encoding]::UTF8
        # A Pod in Kubernetes' protobuf envelope, as k3s stores built-in kinds: "k8s\0" + runtime.Unknown.
        $meta = [byte[]](0x0a, 3) + $utf8.GetBytes('web') + [byte[]](0x1a, 7) + $utf8.GetBytes('default')
        $raw = [byte[]](0x0a, $meta.Length) + $meta
        $type = [byte[]](0x0a, 2) + $utf8.GetBytes('v1') + [byte[]](0x12, 3) + $utf8.GetBytes('Pod')
        $protobufPod = [byte[]]($utf8.GetBytes("k8s`0") + [byte[]](0x0a, $type.Length) + $type + [byte[]](0x12, $raw.Length) + $raw)
        $rows = @(
            , @(1, 'compact_rev_key', 1, 0, 0, 0, 0, [byte[]]@(), $null)
            , @(2, '/registry/health', 1, 0, 0, 1, 0, $utf8.GetBytes('{"health":"true"}'), $null)
            , @(3, '/registry/a', 1, 0, 0, 2, 0, $utf8.GetBytes('{"v":1}'), $null)
            , @(4, '/registry/a', 0, 0, 3, 3, 0, $utf8.GetBytes('{"v":2}'), $utf8.GetBytes('{"v":1}'))
            , @(5, '/registry/b', 1, 0, 0, 4, 0, $utf8.GetBytes('b1'), $null)
            , @(6, 'gap-6', 0, 1, 0, 0, 0, $null, $null)
            , @(7, '/registry/b', 0, 1, 5, 5, 0, $utf8.GetBytes('b1'), $utf8.GetBytes('b1'))
            , @(8, '/registry/pods/default/web', 1, 0, 0, 7, 600, $protobufPod, $null)
            , @(9, '/registry/b', 1, 0, 0, 7, 0, $utf8.GetBytes('b2'), $utf8.GetBytes('b1'))
        )
        foreach ($row in $rows) {
            Invoke-Sql 'INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES($id, $name, $created, $deleted, $create, $prev, $lease, $value, $old)' @{
                '$id' = $row[0]; '$name' = $row[1]; '$created' = $row[2]; '$deleted' = $row[3]; '$create' = $row[4]; '$prev' = $row[5]; '$lease' = $row[6]; '$value' = $row[7]; '$old' = $row[8]
            }
        }
        $connection.Dispose()
    }
    AfterAll {
        Remove-Item (Split-Path $kineDb) -Recurse -Force -ErrorAction Ignore
    }

    It 'summarises it, counting kine''s gap and bookkeeping rows apart' {
        $summary = Get-K3sDatastore -Path $kineDb
        $summary.CurrentRevision | Should -Be 9
        $summary.CompactRevision | Should -Be 0
        $summary.TotalRows | Should -Be 7
        $summary.LiveKeys | Should -Be 4
        $summary.SupersededRows | Should -Be 3
        $summary.Tombstones | Should -Be 1
        $summary.GapRows | Should -Be 1
    }

    It 'lists its keys, reading Kubernetes'' protobuf envelope' {
        $keys = Get-K3sDatastoreKey / -Recurse -Path $kineDb
        $keys.Key | Should -Be @('/registry/a', '/registry/b', '/registry/health', '/registry/pods/default/web')
        ($keys | Where-Object Key -EQ '/registry/a').Value.v | Should -Be 2
        ($keys | Where-Object Key -EQ '/registry/a').Version | Should -Be 2
        $pod = $keys | Where-Object Key -EQ '/registry/pods/default/web'
        $pod.Kind, $pod.Namespace, $pod.Name, $pod.Lease | Should -Be @('Pod', 'default', 'web', 600)
        $pod.Value | Should -BeOfType [byte]
    }

    It 'gives a key''s history: create, delete with the value it removed, create again' {
        $history = Get-K3sDatastoreHistory /registry/b -Path $kineDb
        $history.Revision | Should -Be @(5, 7, 9)
        $history.Operation | Should -Be @('Create', 'Delete', 'Create')
        $history.Value | Should -Be @('b1', 'b1', 'b2')
        $history[2].CreateRevision | Should -Be 9
    }

    It 'reads it at a past revision' {
        (Get-K3sDatastoreKey /registry/b -Revision 5 -Path $kineDb).Value | Should -Be 'b1'
        Get-K3sDatastoreKey /registry/b -Revision 7 -Path $kineDb | Should -BeNullOrEmpty
    }

    It 'shows a table for each cmdlet''s objects' {
        (Get-K3sDatastore -Path $kineDb | Format-Table | Out-String) | Should -Match 'Backend\s+Revision\s+Compacted\s+Rows\s+Keys'
        (Get-K3sDatastoreKey / -Recurse -Path $kineDb | Format-Table | Out-String -Width 200) | Should -Match '8\s+\d+\s+Pod\s+default\s+web\s+/registry/pods/default/web'
        (Get-K3sDatastoreHistory /registry/b -Path $kineDb | Format-Table | Out-String) | Should -Match '7\s+Delete'
    }
}

Describe 'Datastore errors' {
    It 'names a missing file with a stable id' {
        { Get-K3sDatastore -Path '/nonexistent/state.db' } | Should -Throw -ErrorId 'DatastoreFileNotFound,K3s.PowerShell.Datastore.GetK3sDatastoreCommand'
    }

    It 'refuses a file that is not a kine database' {
        $notKine = New-TemporaryFile
        Set-Content $notKine 'not a database'
        try {
            { Get-K3sDatastore -Path $notKine } | Should -Throw -ErrorId 'NotAKineDatabase,K3s.PowerShell.Datastore.GetK3sDatastoreCommand'
        }
        finally {
            Remove-Item $notKine
        }
    }

    It 'says when an endpoint cannot be reached' {
        { Get-K3sDatastore -Endpoint 'http://127.0.0.1:1' } | Should -Throw -ErrorId 'DatastoreUnreachable,K3s.PowerShell.Datastore.GetK3sDatastoreCommand'
    }
}
