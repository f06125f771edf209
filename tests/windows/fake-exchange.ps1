# A fake Exchange session for tests/windows/host-roundtrip.ps1: the startup script of a local
# PowerShell session configuration named Microsoft.Exchange (the name the host connects to).
# It defines, as global functions, the few Exchange commands the round trip calls; reads answer
# with real Exchange objects through Import-Clixml of the fixtures in
# crates/model/tests/fixtures/clixml, so the host's real path runs unchanged: New-PSSession,
# Import-PSSession, the implicit-remoting proxies, PSSerializer. Never part of the product.
#
# $global:FedshareFixtures (the fixture folder) is set by the generated startup script that
# dot-sources this file.

function global:Get-FedshareFixture([string]$Name) {
    Import-Clixml -Path (Join-Path $global:FedshareFixtures "$Name.xml")
}

function global:Get-OrganizationConfig {
    [CmdletBinding()]
    param()
    Get-FedshareFixture 'Get-OrganizationConfig'
}

function global:Get-ExchangeServer {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    $servers = @(Get-FedshareFixture 'Get-ExchangeServer')
    if ([string]::IsNullOrEmpty($Identity)) { return $servers }
    $found = @($servers | Where-Object { [string]$_.Name -eq $Identity -or [string]$_.Fqdn -eq $Identity })
    if ($found.Count -eq 0) {
        # What Exchange says for an unknown server; the host then asks for every server.
        throw "The operation couldn't be performed because object '$Identity' couldn't be found."
    }
    $found
}

function global:Get-AcceptedDomain {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Identity)
    $domains = @(Get-FedshareFixture 'Get-AcceptedDomain')
    if ([string]::IsNullOrEmpty($Identity)) { return $domains }
    $domains | Where-Object { [string]$_.Name -eq $Identity -or [string]$_.DomainName -eq $Identity }
}

# A write: Exchange returns the new policy; this echoes the parameters it received, so the test
# sees that typed values (a string, a list, a bool) reached the cmdlet intact.
function global:New-SharingPolicy {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string]$Name,
        [Parameter(Mandatory = $true)][string[]]$Domains,
        [bool]$Enabled = $true
    )
    [pscustomobject]@{
        PSTypeName = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SharingPolicy'
        Name = $Name
        Domains = $Domains
        Enabled = $Enabled
        Default = $false
    }
}
