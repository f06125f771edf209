# The PowerShell host (crates/exchange/host/fedshare-host.ps1) under the real Windows
# PowerShell 5.1, started exactly as the engine starts it, against a fake Exchange session:
# the hello, one read (Get-AcceptedDomain) and one write (New-SharingPolicy) round trip.
#
# Run by .github/workflows/windows.yml, and by hand on a Windows test machine (not an Exchange
# server: it registers a session configuration named Microsoft.Exchange), from the repository
# root, in an elevated Windows PowerShell with Rust installed:
#
#   powershell -ExecutionPolicy Bypass -File tests\windows\host-roundtrip.ps1 -SetUp
#
# -SetUp turns on PowerShell remoting and registers the fake Exchange session (startup script:
# tests\windows\fake-exchange.ps1, answering with the CLIXML fixtures); it is unregistered
# again at the end. Without -SetUp the session configuration must already exist.
#
# How the engine starts the host (program, quoted arguments with the -EncodedCommand bootstrap,
# the framed host script written to stdin first) and the protocol lines come from the engine's
# own code: `cargo run -p fedshare-exchange --example host_command`.
param(
    [switch]$SetUp,
    [string]$ConnectionUri = 'http://localhost:5985/wsman',
    [int]$TimeoutSeconds = 120
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$fixtures = Join-Path $root 'crates\model\tests\fixtures\clixml'
$configurationName = 'Microsoft.Exchange'
$marker = Join-Path $env:TEMP 'fedshare-fake-exchange-startup.ps1'

function Stop-Test([string]$message) {
    Write-Host "host round trip: FAIL: $message"
    exit 1
}
function Write-Pass([string]$message) {
    Write-Host "  ok  $message"
}

function Register-FakeExchange {
    $existing = Get-PSSessionConfiguration -Name $configurationName -ErrorAction SilentlyContinue
    $startup = $null
    if ($null -ne $existing -and $null -ne $existing.PSObject.Properties['StartupScript']) { $startup = [string]$existing.StartupScript }
    if ($null -ne $existing -and $startup -ne $marker) {
        Stop-Test "a session configuration named $configurationName exists and is not this test's: run this on a test machine, not an Exchange server"
    }
    Enable-PSRemoting -Force -SkipNetworkProfileCheck | Out-Null
    # The startup script: the fixture folder, then the fake commands.
    $quotedFixtures = $fixtures.Replace("'", "''")
    $quotedFake = (Join-Path $PSScriptRoot 'fake-exchange.ps1').Replace("'", "''")
    Set-Content -Path $marker -Encoding UTF8 -Value @(
        "`$global:FedshareFixtures = '$quotedFixtures'",
        ". '$quotedFake'"
    )
    if ($null -ne $existing) { Unregister-PSSessionConfiguration -Name $configurationName -Force }
    Register-PSSessionConfiguration -Name $configurationName -StartupScript $marker -Force | Out-Null
    # Registering restarts WinRM; wait until it answers again.
    for ($i = 0; $i -lt 30; $i++) {
        try { Test-WSMan -ComputerName localhost | Out-Null; return } catch { Start-Sleep -Seconds 2 }
    }
    Stop-Test 'WinRM did not come back after registering the fake Exchange session'
}

function Unregister-FakeExchange {
    Unregister-PSSessionConfiguration -Name $configurationName -Force -ErrorAction SilentlyContinue
    Remove-Item -Path $marker -ErrorAction SilentlyContinue
}

function Get-HostSpec {
    Push-Location $root
    try {
        $json = & cargo run -q --locked -p fedshare-exchange --example host_command -- $ConnectionUri Negotiate
        if ($LASTEXITCODE -ne 0) { Stop-Test "cargo run --example host_command exited $LASTEXITCODE" }
    } finally {
        Pop-Location
    }
    return ($json -join "`n") | ConvertFrom-Json
}

function Start-Host([object]$spec) {
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.FileName = $spec.program
    $info.Arguments = $spec.arguments
    $info.UseShellExecute = $false
    $info.CreateNoWindow = $true
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
    $info.StandardOutputEncoding = $utf8
    $info.StandardErrorEncoding = $utf8
    return [System.Diagnostics.Process]::Start($info)
}

# The engine writes UTF-8 bytes: the preamble, then one JSON line per message.
function Send-Text([System.Diagnostics.Process]$process, [string]$text) {
    $bytes = (New-Object System.Text.UTF8Encoding -ArgumentList $false).GetBytes($text)
    $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
    $process.StandardInput.BaseStream.Flush()
}

function Receive-Reply([System.Diagnostics.Process]$process, [System.Threading.Tasks.Task[string]]$stderr, [string]$what) {
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait($TimeoutSeconds * 1000)) { Stop-Test "no reply to $what within $TimeoutSeconds s" }
    $line = $read.Result
    if ($null -eq $line) {
        $process.WaitForExit(10000) | Out-Null
        Stop-Test "the host exited before replying to $what (exit code $($process.ExitCode)): $($stderr.Result)"
    }
    try { return $line | ConvertFrom-Json } catch { Stop-Test "the reply to $what is not JSON: $line" }
}

function ConvertFrom-Output([object]$reply, [string]$what) {
    if (-not $reply.ok) { Stop-Test "$what failed: $($reply.error | ConvertTo-Json -Compress)" }
    $objects = @()
    foreach ($document in @($reply.output)) {
        if (-not ([string]$document).StartsWith('<Objs')) { Stop-Test "$what output is not a CLIXML document: $document" }
        $objects += [System.Management.Automation.PSSerializer]::Deserialize([string]$document)
    }
    return $objects
}

if ($PSVersionTable.PSVersion.Major -ne 5) {
    Stop-Test "run this under Windows PowerShell 5.1 (powershell.exe), not PowerShell $($PSVersionTable.PSVersion)"
}
if ($SetUp) { Register-FakeExchange }
try {
    $spec = Get-HostSpec
    $process = Start-Host $spec
    $stderr = $process.StandardError.ReadToEndAsync()
    Send-Text $process $spec.preamble

    # Hello: the organization and the protocol, from the fake session's Get-OrganizationConfig.
    Send-Text $process ($spec.hello + "`n")
    $hello = Receive-Reply $process $stderr 'the hello'
    $organization = [string](Import-Clixml -Path (Join-Path $fixtures 'Get-OrganizationConfig.xml')).Name
    if ($hello.kind -ne 'hello') { Stop-Test "the first reply is not a hello: $($hello | ConvertTo-Json -Compress)" }
    if ([int]$hello.protocol -ne 2) { Stop-Test "protocol $($hello.protocol), expected 2" }
    if ($hello.host -ne 'powershell') { Stop-Test "host '$($hello.host)', expected 'powershell'" }
    if ([string]$hello.organization -ne $organization) { Stop-Test "organization '$($hello.organization)', expected '$organization'" }
    Write-Pass "hello: protocol 2, organization '$organization', PowerShell $($hello.hostVersion)"

    # A read: every accepted domain of the fixture, in order, as CLIXML documents.
    Send-Text $process ($spec.read + "`n")
    $reply = Receive-Reply $process $stderr 'Get-AcceptedDomain'
    if ([int]$reply.id -ne 1) { Stop-Test "the read's reply has id $($reply.id), expected 1" }
    $domains = @(ConvertFrom-Output $reply 'Get-AcceptedDomain')
    $expected = @(Import-Clixml -Path (Join-Path $fixtures 'Get-AcceptedDomain.xml') | ForEach-Object { [string]$_.DomainName })
    $got = @($domains | ForEach-Object { [string]$_.DomainName })
    if (($got -join ',') -ne ($expected -join ',')) { Stop-Test "Get-AcceptedDomain returned '$($got -join ',')', expected '$($expected -join ',')'" }
    Write-Pass "read: Get-AcceptedDomain, $($got.Count) objects ($($got -join ', '))"

    # A write: the typed parameters arrive as a string, a list and a bool.
    Send-Text $process ($spec.write + "`n")
    $reply = Receive-Reply $process $stderr 'New-SharingPolicy'
    if ([int]$reply.id -ne 2) { Stop-Test "the write's reply has id $($reply.id), expected 2" }
    $policy = @(ConvertFrom-Output $reply 'New-SharingPolicy')
    if ($policy.Count -ne 1) { Stop-Test "New-SharingPolicy returned $($policy.Count) objects, expected 1" }
    $written = $policy[0]
    if ([string]$written.Name -ne 'Fedshare host test') { Stop-Test "the policy's name is '$($written.Name)'" }
    if ($written.Enabled -isnot [bool] -or -not $written.Enabled) { Stop-Test "Enabled arrived as '$($written.Enabled)', not the bool true" }
    $writtenDomains = @($written.Domains)
    if ($writtenDomains.Count -ne 1 -or [string]$writtenDomains[0] -ne 'fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing') {
        Stop-Test "Domains arrived as '$($writtenDomains -join '|')'"
    }
    Write-Pass 'write: New-SharingPolicy with a string, a one-item list and a bool'

    Send-Text $process ($spec.bye + "`n")
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) { $process.Kill(); Stop-Test 'the host did not exit after bye' }
    if ($process.ExitCode -ne 0) { Stop-Test "the host exited $($process.ExitCode) after bye: $($stderr.Result)" }
    Write-Pass 'bye: the host closed its session and exited 0'
    Write-Host 'host round trip: all passed'
} finally {
    if ($SetUp) { Unregister-FakeExchange }
}
