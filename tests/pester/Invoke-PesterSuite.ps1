<#
.SYNOPSIS
    Runs every *.Tests.ps1 of this folder with Pester from its NuGet package (restored by
    StandIn/StandIn.csproj) and writes the counts to -ResultFile for build.ps1's summary.
#>
param([Parameter(Mandatory)] [string] $ResultFile)

$ErrorActionPreference = 'Stop'

$pesterVersion = ([xml](Get-Content (Join-Path $PSScriptRoot 'StandIn/StandIn.csproj') -Raw)).Project.ItemGroup.PackageDownload |
    Where-Object Include -EQ 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
$packages = $env:NUGET_PACKAGES
if (-not $packages) {
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}
Import-Module (Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1")

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

# A block or file that failed to set up hides its tests: count it as a failure too.
@{
    Passed = $result.PassedCount
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
} | ConvertTo-Json | Set-Content $ResultFile
