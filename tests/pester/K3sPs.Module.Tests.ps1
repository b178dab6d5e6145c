BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $manifestPath = Join-Path $repo 'out/K3sPs/K3sPs.psd1'
    Import-Module $manifestPath -Force
}

Describe 'The K3sPs module' {
    It 'has a valid manifest that exports its cmdlets' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.ExportedCmdlets.Keys | Should -Contain 'Get-K3sProcess'
        # Every cmdlet the manifest names exists in the assembly.
        (Get-Command -Module K3sPs).Name | Sort-Object | Should -Be ($manifest.ExportedCmdlets.Keys | Sort-Object)
    }

    It 'has help for <_>: a synopsis, every parameter described, an example' -ForEach @(
        'Get-K3sProcess', 'Get-K3sServer', 'Get-K3sDatastore', 'Get-K3sDatastoreKey', 'Get-K3sDatastoreHistory', 'Watch-K3sDatastore',
        'Optimize-K3sDatastore', 'Backup-K3sDatastore', 'Restore-K3sDatastore'
    ) {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "$_*" -Because 'a synopsis is written, not generated'
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ($help.parameters.parameter | Where-Object name -EQ $parameter).description.Text | Should -Not -BeNullOrEmpty -Because "-$parameter is described"
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }

    It 'has a table view for what <_> returns' -ForEach @(
        'Get-K3sProcess', 'Get-K3sServer', 'Get-K3sDatastore', 'Get-K3sDatastoreKey', 'Get-K3sDatastoreHistory', 'Watch-K3sDatastore',
        'Optimize-K3sDatastore', 'Backup-K3sDatastore', 'Restore-K3sDatastore'
    ) {
        $type = (Get-Command $_).OutputType.Type | Select-Object -First 1
        $type | Should -Not -BeNullOrEmpty
        (Get-FormatData -TypeName $type.FullName).FormatViewDefinition.Control |
            Where-Object { $_ -is [System.Management.Automation.TableControl] } | Should -Not -BeNullOrEmpty
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

    It 'ships an about_K3sPs topic' {
        Get-Help about_K3sPs | Out-String | Should -Match 'Get-K3sProcess'
    }
}
