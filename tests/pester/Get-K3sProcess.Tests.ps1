BeforeDiscovery {
    $canMakeNamespaces = $IsLinux -and (& id -u) -eq '0' -and [bool](Get-Command ip -ErrorAction Ignore)
}

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/K3sPs/K3sPs.psd1') -Force
    $standInPath = Join-Path $repo 'out/tests/standin/k3sps'

    # Starts the stand-in node process (named k3sps, listening on 127.0.0.1, one child, extra threads),
    # optionally through a launcher such as `ip netns exec NS`, which execs it in place.
    function Start-StandIn([string[]] $Launcher = @()) {
        $command = $Launcher + @($standInPath, 'server', '--listen', '127.0.0.1:0', '--threads', '3')
        $startInfo = [Diagnostics.ProcessStartInfo]::new($command[0])
        $command | Select-Object -Skip 1 | ForEach-Object { $startInfo.ArgumentList.Add($_) }
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardInput = $true
        $process = [Diagnostics.Process]::Start($startInfo)
        $readLine = $process.StandardOutput.ReadLineAsync()
        if (-not $readLine.Wait([TimeSpan]::FromSeconds(30)) -or $readLine.Result -notmatch '^READY pid=(\d+) port=(\d+) child=(\d+)$') {
            Stop-Process -Id $process.Id -Force -ErrorAction Ignore
            throw "the stand-in did not report READY: '$($readLine.Result)'"
        }
        [pscustomobject]@{ Process = $process; Id = [int]$Matches[1]; Port = [int]$Matches[2]; ChildId = [int]$Matches[3] }
    }

    function Stop-StandIn($standIn) {
        if (-not $standIn) { return }
        Stop-Process -Id $standIn.Id -Force -ErrorAction Ignore
        Stop-Process -Id $standIn.ChildId -Force -ErrorAction Ignore
        $standIn.Process.WaitForExit(10000) | Out-Null
    }

    function Get-StatusThreads([int] $Id) {
        [int]((Get-Content "/proc/$Id/status" | Where-Object { $_ -like 'Threads:*' }) -replace '\D', '')
    }
}

Describe 'Get-K3sProcess' {
    BeforeAll {
        $standIn = Start-StandIn
    }
    AfterAll {
        Stop-StandIn $standIn
    }

    It 'reports the stand-in as a server with its PID, name and command line' {
        $process = Get-K3sProcess -Id $standIn.Id
        $process.Id | Should -Be $standIn.Id
        $process.ParentId | Should -Be $PID
        $process.Name | Should -Be 'k3sps'
        $process.Role | Should -Be 'Server'
        $process.CommandLine | Should -BeLike '*k3sps server --listen 127.0.0.1:0*'
        $process.StartTime | Should -BeGreaterThan (Get-Date).AddMinutes(-10)
        $process.WorkingSet | Should -BeGreaterThan 0
    }

    It 'reports a thread count equal to Threads: in /proc/PID/status' {
        # The .NET runtime starts and ends threads of its own: compare while the count holds still.
        $reported = $null
        foreach ($attempt in 1..20) {
            $before = Get-StatusThreads $standIn.Id
            $reported = (Get-K3sProcess -Id $standIn.Id).ThreadCount
            if ((Get-StatusThreads $standIn.Id) -eq $before) { break }
            Start-Sleep -Milliseconds 200
        }
        $reported | Should -Be $before
    }

    It 'lists the threads by name, as ps -T does' {
        $threads = (Get-K3sProcess -Id $standIn.Id).Threads
        $threads.Name | Should -Contain 'standin-0'
        $threads.Name | Should -Contain 'standin-2'
        ($threads | Where-Object Id -EQ $standIn.Id).Name | Should -Be 'k3sps'
        $threads[0].State | Should -BeOfType ([K3s.Core.Processes.ProcessState])
    }

    It 'reports the listening port' {
        $ports = (Get-K3sProcess -Id $standIn.Id).ListeningPorts
        $ports | Where-Object { $_.Port -eq $standIn.Port -and $_.Protocol -eq 'tcp' -and "$($_.Address)" -eq '127.0.0.1' } |
            Should -HaveCount 1
    }

    It 'reports the child, below the server' {
        (Get-K3sProcess -Id $standIn.Id).ChildIds | Should -Be @($standIn.ChildId)
        $child = Get-K3sProcess -Id $standIn.ChildId
        $child.ParentId | Should -Be $standIn.Id
        $child.Role | Should -Be 'Other'
        (Get-K3sProcess | Where-Object Id -EQ $standIn.ChildId) | Should -Not -BeNullOrEmpty
    }

    It 'puts the child one level deeper with -Tree, right after its parent' {
        $tree = @(Get-K3sProcess -Tree)
        $index = [array]::FindIndex($tree, [Predicate[object]] { param($p) $p.Id -eq $standIn.Id })
        $index | Should -BeGreaterOrEqual 0
        $tree[$index].Depth | Should -Be 0
        $tree[$index + 1].Id | Should -Be $standIn.ChildId
        $tree[$index + 1].Depth | Should -Be 1
    }

    It 'selects by -Role and widens to the subtree with -IncludeChildren' {
        (Get-K3sProcess -Role Server).Id | Should -Contain $standIn.Id
        (Get-K3sProcess -Role Server).Id | Should -Not -Contain $standIn.ChildId
        (Get-K3sProcess -Id $standIn.Id -IncludeChildren).Id | Should -Be @($standIn.Id, $standIn.ChildId)
        (Get-K3sProcess -Id $standIn.Id -IncludeChildren -Tree).Depth | Should -Be @(0, 1)
    }

    It 'selects by -Name with wildcards and takes ids from the pipeline' {
        (Get-K3sProcess -Name 'k3s*').Id | Should -Contain $standIn.Id
        (Get-Process -Id $standIn.Id | Get-K3sProcess).Id | Should -Be $standIn.Id
    }

    It 'reports an id that is not a K3sPs process as K3sProcessNotFound' {
        Get-K3sProcess -Id $PID -ErrorVariable notFound -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $notFound[0].FullyQualifiedErrorId | Should -Be 'K3sProcessNotFound,K3s.PowerShell.GetK3sProcessCommand'
        $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows the default table with the documented columns' {
        $table = Get-K3sProcess -Id $standIn.Id | Format-Table | Out-String -Width 200
        $table | Should -Match 'Id\s+Role\s+Name\s+Threads\s+WS\(MB\)\s+CPU\(s\)\s+Ports\s+Command'
        $table | Should -Match "$($standIn.Id)\s+Server\s+k3sps"
        $table | Should -Match "\b$($standIn.Port)\b"
    }

    It 'draws the child indented under its parent in the -Tree table' {
        $table = Get-K3sProcess -Id $standIn.Id -IncludeChildren -Tree | Format-Table | Out-String -Width 200
        $table | Should -Match "$($standIn.ChildId)\s+Other\s+$([char]0x2514)$([char]0x2500)k3sps"
    }
}

Describe 'Get-K3sProcess with a node in another network namespace' -Skip:(-not $canMakeNamespaces) {
    BeforeAll {
        $namespace = "k3sps-test-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        & ip netns add $namespace
        & ip netns exec $namespace ip link set lo up
        $standIn = Start-StandIn @('ip', 'netns', 'exec', $namespace)
    }
    AfterAll {
        Stop-StandIn $standIn
        & ip netns delete $namespace
    }

    It 'reports the port the stand-in listens on inside the namespace' {
        # ip netns exec execs the stand-in in place: the PID it started is the stand-in's.
        $standIn.Id | Should -Be $standIn.Process.Id
        $process = Get-K3sProcess -Id $standIn.Id
        $process.ListeningPorts.Port | Should -Contain $standIn.Port
    }

    It 'finds a port that the reader''s own namespace does not show' {
        $hexPort = '{0:X4}' -f $standIn.Port
        $rootListeners = Get-Content '/proc/self/net/tcp' | Where-Object { $_ -match "^\s*\d+: 0100007F:$hexPort 00000000:0000 0A " }
        $rootListeners | Should -BeNullOrEmpty
    }
}
