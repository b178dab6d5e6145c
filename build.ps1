<#
.SYNOPSIS
    Builds, tests and runs K3sPs.
.DESCRIPTION
    Tasks:
      Prerequisites  installs the Debian packages the tests and the node need (apt-get, only what is missing)
      Build          builds the solution; lays out the module in out/K3sPs and the service in out/k3sps
      Test           Build, then every suite (xunit, Pester, e2e); ends with "N passed, M failed"
      Start          the main job: Build, then shows Get-K3sProcess | Format-Table
      Clean          removes out/ and the projects' bin/ and obj/
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Prerequisites', 'Build', 'Test', 'Start', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'K3sPs'
$ServiceOut = Join-Path $Out 'k3sps'
$StandInOut = Join-Path $Out 'tests/standin'
$ResultsOut = Join-Path $Out 'test-results'

# Debian packages: libsqlite3-0 (the datastore's SQLite on Linux, see src/K3s.Kine/Sql/SqliteLibrary.cs);
# and what the tests start for real: iproute2 (network namespaces as simulated hosts), etcd 3.4 and
# etcdctl (the datastore's reference and client), PostgreSQL and MariaDB (external datastores).
$DebianPackages = @('libsqlite3-0', 'iproute2', 'etcd-server', 'etcd-client', 'postgresql', 'mariadb-server')

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Install-Prerequisites {
    if (-not $IsLinux -or -not (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Host 'Not a Debian host: skipping the Debian packages.'
        return
    }
    $missing = @($DebianPackages | Where-Object {
            (& dpkg-query -W -f='${Status}' $_ 2>$null) -ne 'install ok installed'
        })
    if ($missing.Count -eq 0) { return }
    Write-Host "Installing Debian packages: $($missing -join ' ')"
    Invoke-AsRoot @('apt-get', 'update', '-q')
    Invoke-AsRoot (@('apt-get', 'install', '-y', '-q', '--no-install-recommends') + $missing)
}

# The API server's tests judge it with kubectl 1.32, which the machine image ships on PATH
# (Debian's kubernetes-client is far older and is not a substitute).
function Assert-Kubectl {
    if (-not (Get-Command kubectl -ErrorAction Ignore)) {
        throw 'kubectl (1.32) is not on PATH; the API server tests run it against the server they start.'
    }
}

function Invoke-AsRoot {
    param([string[]] $Arguments)
    $command = @('env', 'DEBIAN_FRONTEND=noninteractive') + $Arguments
    if ((& id -u) -ne '0') { $command = @('sudo') + $command }
    Invoke-Native $command[0] ($command | Select-Object -Skip 1)
}

function Get-ProjectVersion {
    ([xml](Get-Content (Join-Path $Root 'Directory.Build.props') -Raw)).Project.PropertyGroup.VersionPrefix
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $Root 'K3sPs.sln'), '-c', $Configuration, '-nologo', '-v', 'q')

    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/K3s.Service'), '-c', $Configuration, '--no-build', '-nologo', '-o', $ServiceOut)
    Invoke-Native dotnet @('publish', (Join-Path $Root 'tests/pester/StandIn'), '-c', $Configuration, '--no-build', '-nologo', '-o', $StandInOut)

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/K3s.PowerShell'), '-c', $Configuration, '--no-build', '-nologo', '-o', $ModuleOut)
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force -Exclude 'help'
    Write-CmdletHelp (Join-Path $ModuleOut 'en-US/K3s.PowerShell.dll-Help.xml')

    $manifest = Import-PowerShellDataFile (Join-Path $ModuleOut 'K3sPs.psd1')
    if ($manifest.ModuleVersion -ne (Get-ProjectVersion)) {
        throw "module/K3sPs.psd1 has ModuleVersion $($manifest.ModuleVersion) but Directory.Build.props has VersionPrefix $(Get-ProjectVersion)"
    }
    Write-Host "Built: module in $([IO.Path]::GetRelativePath($Root, $ModuleOut)), service in $([IO.Path]::GetRelativePath($Root, $ServiceOut))"
}

# PowerShell reads a binary module's help from one MAML file; each cmdlet's part lives in module/help/<Cmdlet>.xml.
function Write-CmdletHelp([string] $HelpFile) {
    $commands = Get-ChildItem (Join-Path $Root 'module/help') -Filter *.xml | Sort-Object Name | ForEach-Object { Get-Content $_ -Raw }
    $maml = "<?xml version=`"1.0`" encoding=`"utf-8`"?>`n<helpItems schema=`"maml`" xmlns=`"http://msh`">`n" + ($commands -join '') + "</helpItems>`n"
    [xml]$maml | Out-Null # fails the build on a malformed part
    Set-Content -Path $HelpFile -Value $maml -Encoding utf8NoBOM
}

function Invoke-XunitTests {
    $xunitResults = Join-Path $ResultsOut 'xunit'
    if (Test-Path $xunitResults) { Remove-Item $xunitResults -Recurse -Force }
    & dotnet test (Join-Path $Root 'K3sPs.sln') -c $Configuration --no-build -nologo `
        --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $xunitResults | Out-Host
    $runnerFailed = $LASTEXITCODE -ne 0
    $passed = 0; $failed = 0
    foreach ($trx in Get-ChildItem $xunitResults -Filter *.trx -ErrorAction Ignore) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    # A runner that failed without reporting a failed test (a crash, a missing assembly) still fails the run.
    if ($runnerFailed -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Suite = 'xunit'; Passed = $passed; Failed = $failed }
}

function Invoke-PesterTests {
    $resultFile = Join-Path $ResultsOut 'pester.json'
    if (Test-Path $resultFile) { Remove-Item $resultFile }
    # A fresh process: the suite imports the built module, which must not stay loaded here.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1') -ResultFile $resultFile | Out-Host
    $runnerFailed = $LASTEXITCODE -ne 0
    if (-not (Test-Path $resultFile)) {
        return [pscustomobject]@{ Suite = 'Pester'; Passed = 0; Failed = 1 }
    }
    $result = Get-Content $resultFile -Raw | ConvertFrom-Json
    $failed = [int]$result.Failed
    if ($runnerFailed -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Suite = 'Pester'; Passed = [int]$result.Passed; Failed = $failed }
}

# The e2e scripts (kubectl acceptance of the API server, acceptance of k3sps server) print TAP-like lines
# and end with "N passed, M failed"; their figures add up to one e2e suite.
function Invoke-E2eTests {
    $passed = 0
    $failed = 0
    foreach ($name in 'kubectl-acceptance.sh', 'server-acceptance.sh') {
        $lines = @(& bash (Join-Path $Root "tests/e2e/$name") (Join-Path $ServiceOut 'k3sps') 2>&1 | ForEach-Object { "$_" })
        $runnerFailed = $LASTEXITCODE -ne 0
        $lines | Out-Host
        $summary = $lines | Select-Object -Last 1
        if ($summary -notmatch '^(\d+) passed, (\d+) failed$') {
            $failed++
            continue
        }
        $passed += [int]$Matches[1]
        $failed += [int]$Matches[2]
        if ($runnerFailed -and [int]$Matches[2] -eq 0) { $failed++ }
    }
    [pscustomobject]@{ Suite = 'e2e'; Passed = $passed; Failed = $failed }
}

function Invoke-Tests {
    $suites = [Collections.Generic.List[object]]::new()
    try {
        Install-Prerequisites
        Assert-Kubectl
        Invoke-Build
        New-Item -ItemType Directory -Force $ResultsOut | Out-Null
        $suites.Add((Invoke-XunitTests))
        $suites.Add((Invoke-PesterTests))
        $suites.Add((Invoke-E2eTests))
    }
    catch {
        Write-Host "error: $_" -ForegroundColor Red
        $suites.Add([pscustomobject]@{ Suite = 'build'; Passed = 0; Failed = 1 })
    }
    $suites | Format-Table -AutoSize | Out-Host
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

# The main job: a `k3sps server` on the embedded SQLite datastore, in a data dir of its own under out/start,
# left running in the background (its PID is in out/start/k3sps.pid; `kill <PID>` stops it).
function Invoke-Start {
    Install-Prerequisites
    Invoke-Build
    $startDir = Join-Path $Out 'start'
    $pidFile = Join-Path $startDir 'k3sps.pid'
    $log = Join-Path $startDir 'server.log'
    $kubeconfig = Join-Path $startDir 'k3s.yaml'
    New-Item -ItemType Directory -Force $startDir | Out-Null
    $running = (Test-Path $pidFile) -and (Get-Process -Id ([int](Get-Content $pidFile)) -ErrorAction Ignore)
    if (-not $running) {
        # The server logs to stderr, as k3s does.
        $server = Start-Process -FilePath (Join-Path $ServiceOut 'k3sps') -PassThru -RedirectStandardError $log -RedirectStandardOutput "$log.out" `
            -ArgumentList @('server', '--disable-agent', '--bind-address', '127.0.0.1', '--data-dir', (Join-Path $startDir 'data'),
            '--write-kubeconfig', $kubeconfig)
        Set-Content $pidFile $server.Id
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Select-String -Path $log -Pattern 'k3sps server is ready in' -Quiet -ErrorAction Ignore)) {
            if ($server.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                Get-Content $log, "$log.out" -ErrorAction Ignore | Out-Host
                throw "k3sps server did not become ready (see $([IO.Path]::GetRelativePath($Root, $log)))"
            }
            Start-Sleep -Milliseconds 200
        }
    }
    Get-Content $log | Select-String 'k3sps server' | Out-Host
    Import-Module (Join-Path $ModuleOut 'K3sPs.psd1') -Force
    Get-K3sProcess | Format-Table | Out-Host
    Get-K3sServer -DataDir (Join-Path $startDir 'data') | Format-Table | Out-Host
    Invoke-Native kubectl @('--kubeconfig', $kubeconfig, 'get', 'namespaces')
    Write-Host "k3sps server runs as PID $(Get-Content $pidFile); kubeconfig: $([IO.Path]::GetRelativePath($Root, $kubeconfig)); stop it with: kill $(Get-Content $pidFile)"
}

function Invoke-Clean {
    Remove-Item $Out -Recurse -Force -ErrorAction Ignore
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj |
        Where-Object { $_.FullName -notlike "$(Join-Path $Root '.git')*" } |
        Remove-Item -Recurse -Force
}

Push-Location $Root
try {
    switch ($Task) {
        'Prerequisites' { Install-Prerequisites }
        'Build' { Invoke-Build }
        'Test' { Invoke-Tests }
        'Start' { Invoke-Start }
        'Clean' { Invoke-Clean }
    }
}
finally {
    Pop-Location
}
