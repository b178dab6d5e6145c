BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $manifestPath = Join-Path $repo 'out/K3sPs/K3sPs.psd1'
    Import-Module $manifestPath -Force
}

Describe 'The K3sPs module' {
    It 'has a valid manifest that exports its cmdlets' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.ExportedCmdlets.Keys | Should -Contain 'Get-K3sProcess'
    }

    It 'has full help for Get-K3sProcess: synopsis, every parameter, examples' {
        $help = Get-Help Get-K3sProcess -Full
        $help.Synopsis | Should -Match 'processes of the K3sPs and k3s nodes'
        $documented = $help.parameters.parameter | ForEach-Object { $_.name }
        foreach ($parameter in 'Id', 'Name', 'Role', 'IncludeChildren', 'Tree') {
            $documented | Should -Contain $parameter
            ($help.parameters.parameter | Where-Object name -EQ $parameter).description.Text | Should -Not -BeNullOrEmpty
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $help.examples.example[0].code | Should -Be 'Get-K3sProcess | Format-Table'
    }

    It 'documents every parameter the cmdlet has' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        $actual = (Get-Command Get-K3sProcess).Parameters.Keys | Where-Object { $_ -notin $common }
        $documented = (Get-Help Get-K3sProcess -Full).parameters.parameter.name
        $actual | Where-Object { $_ -notin $documented } | Should -BeNullOrEmpty
    }

    It 'ships an about_K3sPs topic' {
        Get-Help about_K3sPs | Out-String | Should -Match 'Get-K3sProcess'
    }
}
