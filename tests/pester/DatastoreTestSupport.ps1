# What the datastore Pester suites share; dot-sourced in their BeforeAll.

$k3sps = Join-Path (Resolve-Path (Join-Path $PSScriptRoot '../..')) 'out/k3sps/k3sps'

function New-TemporaryDirectory {
    (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "k3sps-ds-$([guid]::NewGuid().ToString('N'))")).FullName
}

# k3sps datastore laid out as a server's data dir: server/db/state.db, served on server/kine.sock.
function Start-Datastore([string] $DataDir) {
    New-Item -ItemType Directory -Force (Join-Path $DataDir 'server/db') | Out-Null
    $socket = Join-Path $DataDir 'server/kine.sock'
    $startInfo = [Diagnostics.ProcessStartInfo]::new($k3sps)
    'datastore', '--endpoint', "sqlite://$(Join-Path $DataDir 'server/db/state.db')", '--listen-address', "unix://$socket" |
        ForEach-Object { $startInfo.ArgumentList.Add($_) }
    $startInfo.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($startInfo)
    foreach ($attempt in 1..100) {
        if (Test-Path $socket) { return $process }
        Start-Sleep -Milliseconds 100
    }
    Stop-Process -Id $process.Id -Force
    throw "k3sps datastore did not start: $($process.StandardError.ReadToEnd())"
}

# SIGTERM by PID (Stop-Process would send SIGKILL): a clean stop, which checkpoints the WAL into state.db.
function Stop-Datastore($process) {
    if (-not $process) { return }
    & /bin/kill -s TERM $process.Id 2>$null
    if (-not $process.WaitForExit(15000)) { Stop-Process -Id $process.Id -Force -ErrorAction Ignore }
}
