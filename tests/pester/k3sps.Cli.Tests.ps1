BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $k3sps = Join-Path $repo 'out/k3sps/k3sps'

    # Runs the built executable; returns its exit code and what it wrote to each stream.
    function Invoke-K3sps([string[]] $Arguments) {
        $startInfo = [Diagnostics.ProcessStartInfo]::new($k3sps)
        $Arguments | ForEach-Object { $startInfo.ArgumentList.Add($_) }
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($startInfo)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(30000)) {
            Stop-Process -Id $process.Id -Force
            throw "k3sps $Arguments did not exit"
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
    }
}

Describe 'k3sps' {
    BeforeAll {
        $configDir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "k3sps-cli-$([guid]::NewGuid().ToString('N'))")).FullName
        $config = Join-Path $configDir 'config.yaml'
        Set-Content $config "data-dir: $configDir/from-config`nnode-name: from-config`nhttps-listen-port: 7443`ntls-san:`n  - a.example`n  - b.example`n"
    }
    AfterAll {
        Remove-Item $configDir -Recurse -Force
    }

    It 'prints its version' {
        $run = Invoke-K3sps '--version'
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match '^k3sps version v0\.1\.0'
    }

    It 'exits 2 with usage on an unknown flag' {
        $run = Invoke-K3sps 'server', '--bogus'
        $run.ExitCode | Should -Be 2
        $run.Error | Should -Match '--bogus'
        $run.Error | Should -Match 'Usage:'
        $run.Error | Should -Match '--datastore-endpoint'
    }

    # The agent still reports its settings instead of running; the server's own are covered by the xunit tests.
    It 'takes a config file key when the flag is absent' {
        $run = Invoke-K3sps 'agent', '--config', $config
        $run.Error | Should -Match "(?m)^  data-dir: $([regex]::Escape("$configDir/from-config"))$"
        $run.Error | Should -Match '(?m)^  node-name: from-config$'
    }

    It 'lets the command line override the config file' {
        $run = Invoke-K3sps 'agent', '-c', $config, '--node-name', 'from-flag', '-d', "$configDir/from-flag"
        $run.Error | Should -Match '(?m)^  node-name: from-flag$'
        $run.Error | Should -Match "(?m)^  data-dir: $([regex]::Escape("$configDir/from-flag"))$"
    }

    It 'says clearly that the agent is not implemented yet, and fails' {
        $run = Invoke-K3sps 'agent', '-c', $config
        $run.ExitCode | Should -Be 1
        $run.Error | Should -Match '^k3sps agent: not implemented yet'
    }

    It 'says clearly that the server cannot use its data dir, and fails' {
        $notADirectory = Join-Path $configDir 'plain-file'
        Set-Content $notADirectory ''
        $run = Invoke-K3sps 'server', '-c', $config, '--bind-address', '127.0.0.1', '-d', "$notADirectory/data"
        $run.ExitCode | Should -Be 1
        $run.Error | Should -Match "^k3sps server: data dir $([regex]::Escape("$notADirectory/data")) is not writable"
    }

    It 'says clearly which datastore endpoint it cannot reach, and fails' {
        $run = Invoke-K3sps 'datastore', '--endpoint', 'postgres://k3s@127.0.0.1:1/k3s?sslmode=disable', '--listen-address', '127.0.0.1:0'
        $run.ExitCode | Should -Be 1
        $run.Error | Should -Match '^k3sps datastore: postgres://k3s@127\.0\.0\.1:1/k3s\?sslmode=disable: '
    }

    It 'names a config file given with --config that does not exist' {
        $run = Invoke-K3sps 'server', '--config', "$configDir/missing.yaml"
        $run.ExitCode | Should -Be 1
        $run.Error | Should -Match 'missing\.yaml.*not found'
    }
}
