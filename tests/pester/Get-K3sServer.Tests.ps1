BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/K3sPs/K3sPs.psd1') -Force
    . (Join-Path $PSScriptRoot 'DatastoreTestSupport.ps1')

    function Get-FreePort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }
}

Describe 'Get-K3sServer asks a running k3sps server through its management socket' {
    BeforeAll {
        $dataDir = New-TemporaryDirectory
        $startInfo = [Diagnostics.ProcessStartInfo]::new($k3sps)
        'server', '--disable-agent', '--bind-address', '127.0.0.1', '--https-listen-port', (Get-FreePort), '--data-dir', $dataDir,
        '--write-kubeconfig', (Join-Path $dataDir 'kubeconfig.yaml') | ForEach-Object { $startInfo.ArgumentList.Add([string]$_) }
        $startInfo.RedirectStandardError = $true
        $startInfo.RedirectStandardOutput = $true
        $server = [Diagnostics.Process]::Start($startInfo)
        $log = [Text.StringBuilder]::new()
        $ready = $false
        foreach ($attempt in 1..600) {
            $line = $server.StandardError.ReadLine()
            if ($null -eq $line) { break }
            [void]$log.AppendLine($line)
            if ($line -like '*k3sps server is ready in*') { $ready = $true; break }
        }
        if (-not $ready) { throw "k3sps server did not become ready: $log" }
        $status = Get-K3sServer -DataDir $dataDir
    }
    AfterAll {
        Stop-Datastore $server
        Remove-Item $dataDir -Recurse -Force -ErrorAction Ignore
    }

    It 'names the server''s process, its roles, all ready, and its versions' {
        $status.Pid | Should -Be $server.Id
        $status.Roles.Name | Should -Be @('datastore', 'apiserver', 'controllers')
        $status.Ready | Should -BeTrue
        $status.KubernetesVersion | Should -BeLike 'v1.32.*'
        $status.Version | Should -BeLike 'k3sps version v*'
        $status.ApiServer | Should -BeLike 'https://127.0.0.1:*'
    }

    It 'reports the datastore''s endpoint, revision and size' {
        $status.DatastoreEndpoint | Should -BeLike 'sqlite://*state.db'
        $status.Revision | Should -BeGreaterThan 0
        $status.DatastoreSize | Should -BeGreaterThan 0
    }

    It 'is shown as a table with the roles and the API address' {
        $table = $status | Format-Table | Out-String -Width 160
        $table | Should -Match 'datastore,apiserver,controllers'
        $table | Should -Match ([regex]::Escape($status.ApiServer))
    }

    It 'writes ServerNotRunning for a data dir without a server, and goes on to the next' {
        $empty = New-TemporaryDirectory
        try {
            $results = @(Get-K3sServer -DataDir $empty, $dataDir -ErrorVariable failures -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 1
            $results[0].Pid | Should -Be $server.Id
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ServerNotRunning,*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally {
            Remove-Item $empty -Recurse -Force
        }
    }
}
