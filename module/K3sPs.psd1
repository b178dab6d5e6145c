@{
    RootModule           = 'K3s.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f2295fa-f8e0-4b36-b324-9ddce8e7edf4'
    Author               = 'K3sPs contributors'
    CompanyName          = 'K3sPs'
    Copyright            = 'K3sPs contributors'
    Description          = 'Install, join and inspect K3sPs nodes: a lightweight Kubernetes with the architecture of k3s, written in C#.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('K3sPs.Format.ps1xml', 'K3sPs.Datastore.Format.ps1xml', 'K3sPs.DatastoreMaintenance.Format.ps1xml', 'K3sPs.DatastoreBackup.Format.ps1xml', 'K3sPs.Server.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-K3sProcess', 'Get-K3sServer',
        'Get-K3sDatastore', 'Get-K3sDatastoreKey', 'Get-K3sDatastoreHistory', 'Watch-K3sDatastore',
        'Optimize-K3sDatastore', 'Backup-K3sDatastore', 'Restore-K3sDatastore'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('Kubernetes', 'k3s', 'etcd', 'kine', 'Linux')
        }
    }
}
