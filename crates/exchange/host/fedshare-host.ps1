# Fedshare PowerShell host.
#
# Started by the bootstrap (host/bootstrap.ps1, passed as -EncodedCommand with -InputFormat None),
# which reads this script from stdin and runs it with $fedshareIn: the one reader of stdin, from
# which this script reads the JSON-lines protocol. Nothing else in the process reads stdin.
#
# Rules this script keeps:
# - Requests are data. A cmdlet runs only if its name is in $allowedCmdlets; parameters are
#   splatted from a hashtable built from typed values. No string is ever evaluated, no code built
#   from strings (the test of this file bans the APIs that would).
# - The credential arrives once, in the hello line, and becomes a SecureString at once.
#   It is never written to stdout, stderr, a file, or a variable that outlives the connect step.
# - Every line written to stdout is one JSON object, escaped to ASCII so console code pages
#   cannot corrupt it. The engine escapes its lines to ASCII for the same reason.
# - Output objects travel as CLIXML (PSSerializer, depth 2), one string per object: the engine
#   reads Exchange's objects with Exchange's rules; this script interprets nothing.
# - A start-up failure writes one line 'fedshare-host: <reason>: <what to do>' to stderr and exits
#   with a code of its own; the engine turns the reason into a typed error.
param([System.IO.TextReader]$fedshareIn)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Substituted by the engine with its PROTOCOL_VERSION.
$protocolVersion = '__FEDSHARE_PROTOCOL__'
# Substituted by the engine at startup with the catalog's cmdlet names (single-quoted data).
$allowedCmdlets = @('__FEDSHARE_ALLOWLIST__')
# Substituted with what to say when a cmdlet is missing: for an Exchange cmdlet the RBAC role
# that grants it, for a DnsServer cmdlet the DNS Server Tools.
$missingAdvice = @{ '__FEDSHARE_ADVICE__' = '' }
# Windows DNS Server cmdlets (DnsServer module) run on this computer, not in the Exchange
# session; the catalog marks them and its test keeps them matching this pattern.
$localPattern = '*-DnsServer*'
# How deep PSSerializer writes an object; deeper values arrive as their ToString() text, as in
# a remote session.
$serializationDepth = 2
$authentications = @('Kerberos', 'Negotiate', 'Basic')
# Common parameters the host sets itself; a request must not override them.
$reservedParameters = @('ErrorAction', 'ErrorVariable', 'WarningAction', 'WarningVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'InformationAction', 'InformationVariable')
function Write-Reply([object]$reply) {
    $json = ConvertTo-Json -InputObject $reply -Depth 8 -Compress
    $ascii = [regex]::Replace($json, '[^\x00-\x7F]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
    [Console]::Out.WriteLine($ascii)
    [Console]::Out.Flush()
}
function Stop-Host([string]$reason, [string]$message, [int]$code) {
    [Console]::Error.WriteLine("fedshare-host: ${reason}: $message")
    [Console]::Error.Flush()
    exit $code
}
function Write-Failure([object]$id, [string]$category, [string]$exception, [string]$message, [string]$errorId) {
    $shellError = [ordered]@{ category = $category; exception = $exception; message = $message; errorId = $errorId }
    Write-Reply ([ordered]@{ kind = 'result'; id = $id; ok = $false; output = @(); error = $shellError })
}
function Get-Field([object]$message, [string]$name) {
    # Strict mode refuses absent properties; the hello leaves out what is not set.
    $property = $message.PSObject.Properties[$name]
    if ($null -eq $property) { return $null }
    return $property.Value
}
function ConvertTo-ParameterValue([object]$typed) {
    switch ([string]$typed.type) {
        'string' { return [string]$typed.value }
        'enum' { return [string]$typed.value }
        'bool' { return [bool]$typed.value }
        'int' { return [int]$typed.value }
        'stringList' { return , [string[]]@($typed.value) }
        'switch' { return [switch][bool]$typed.value }
        # Clearing a value: Exchange's *IdParameter refuses '' and takes $null.
        'null' { return $null }
        default { throw "unknown parameter value type '$($typed.type)'" }
    }
}
function New-Splat([string]$cmdletName, [object[]]$pairs) {
    $splat = @{}
    foreach ($pair in $pairs) {
        $name = [string]$pair[0]
        if ($name -notmatch '^[A-Za-z][A-Za-z0-9]*$' -or $name -in $reservedParameters) { throw "parameter name '$name' is not allowed" }
        $splat[$name] = ConvertTo-ParameterValue $pair[1]
    }
    # Remove-* cmdlets prompt by default, which fails in a non-interactive session.
    if ($cmdletName -like 'Remove-*' -and -not $splat.ContainsKey('Confirm')) { $splat['Confirm'] = [switch]$false }
    return $splat
}
function Get-ShellError([System.Management.Automation.ErrorRecord]$record) {
    # Remote errors arrive as RemoteException; the original exception type is in Reason.
    $exception = $record.CategoryInfo.Reason
    if ([string]::IsNullOrEmpty($exception)) { $exception = $record.Exception.GetType().Name }
    return [ordered]@{
        category = [string]$record.CategoryInfo.Category
        exception = [string]$exception
        message = [string]$record.Exception.Message
        errorId = [string]$record.FullyQualifiedErrorId
    }
}
function Test-ImportPolicy {
    # Import-PSSession writes and loads a temporary module; a Group Policy execution policy
    # overrides -ExecutionPolicy Bypass, and Restricted or AllSigned then refuse that module.
    foreach ($scope in @('MachinePolicy', 'UserPolicy')) {
        $policy = [string](Get-ExecutionPolicy -Scope $scope)
        if ($policy -in @('Restricted', 'AllSigned')) {
            Stop-Host 'execution-policy' "Group Policy sets the $scope execution policy to $policy, which stops Import-PSSession from loading the Exchange commands (a temporary, unsigned module); ask for RemoteSigned (or no policy) on this workstation, or run Fedshare where Group Policy allows it (Get-ExecutionPolicy -List shows the policies)" 77
        }
    }
}
function New-SessionParameters([object]$hello) {
    $authentication = [string](Get-Field $hello 'authentication')
    if ([string]::IsNullOrEmpty($authentication)) { $authentication = 'Kerberos' }
    if ($authentications -notcontains $authentication) { Stop-Host 'hello' "unknown authentication '$authentication'" 2 }
    $parameters = @{
        ConfigurationName = 'Microsoft.Exchange'
        ConnectionUri = [string]$hello.connectionUri
        Authentication = $authentication
        ErrorAction = 'Stop'
    }
    # Relaxed certificate checks only when the profile chose them, visibly.
    $skipCa = [bool](Get-Field $hello 'skipCaCheck')
    $skipCn = [bool](Get-Field $hello 'skipCnCheck')
    if ($skipCa -or $skipCn) { $parameters['SessionOption'] = New-PSSessionOption -SkipCACheck:$skipCa -SkipCNCheck:$skipCn }
    $credential = Get-Field $hello 'credential'
    if ($null -ne $credential) {
        $secure = New-Object System.Security.SecureString
        foreach ($ch in ([string]$credential.password).ToCharArray()) { $secure.AppendChar($ch) }
        $secure.MakeReadOnly()
        $credential.password = $null
        $parameters['Credential'] = New-Object System.Management.Automation.PSCredential ([string]$credential.userName, $secure)
    }
    return $parameters
}
function Connect-Exchange([object]$hello) {
    $sessionParameters = New-SessionParameters $hello
    $session = New-PSSession @sessionParameters
    $sessionParameters = $null
    # Get-OrganizationConfig and Get-ExchangeServer are imported only for the hello reply.
    $importNames = @($allowedCmdlets | Where-Object { $_ -notlike $localPattern }) + @('Get-OrganizationConfig', 'Get-ExchangeServer')
    $module = Import-PSSession -Session $session -DisableNameChecking -AllowClobber -CommandName $importNames -ErrorAction Stop
    return @{ Session = $session; Module = $module }
}
function Add-LocalCommands([hashtable]$commands) {
    # Present only where the DNS Server tools are installed; Get-Command loads the module.
    foreach ($name in @($allowedCmdlets | Where-Object { $_ -like $localPattern })) {
        $local = Get-Command -Name $name -Module 'DnsServer' -ErrorAction SilentlyContinue
        if ($null -ne $local) { $commands[$name] = $local }
    }
}
function Get-MissingMessage([string]$cmdletName) {
    if ($missingAdvice.ContainsKey($cmdletName)) { return [string]$missingAdvice[$cmdletName] }
    return "$cmdletName is not available in this session"
}
function Get-ExchangeBuild([object]$session) {
    # AdminDisplayVersion as Exchange prints it, e.g. 'Version 15.0 (Build 1497.2)'.
    try { return [string](Get-ExchangeServer -Identity ([string]$session.ComputerName) -ErrorAction Stop).AdminDisplayVersion } catch { $null = $_ }
    # A load-balanced name is no server's; a build every server shares is still the answer.
    try {
        $builds = @(Get-ExchangeServer -ErrorAction Stop | ForEach-Object { [string]$_.AdminDisplayVersion } | Sort-Object -Unique)
        if ($builds.Count -eq 1) { return $builds[0] }
    } catch { $null = $_ }
    return $null
}
function Invoke-Request([object]$request, [hashtable]$commands) {
    $cmdletName = [string]$request.cmdlet
    if ($allowedCmdlets -notcontains $cmdletName) {
        Write-Failure $request.id 'PermissionDenied' 'FedshareHostException' "$cmdletName is not on the Fedshare allowlist" 'Fedshare.NotAllowed'
        return
    }
    if (-not $commands.ContainsKey($cmdletName)) {
        Write-Failure $request.id 'ObjectNotFound' 'CommandNotFoundException' (Get-MissingMessage $cmdletName) 'Fedshare.NotAvailable'
        return
    }
    try {
        $splat = New-Splat $cmdletName @($request.params)
        $command = $commands[$cmdletName]
        $fedshareWarnings = $null
        $results = @(& $command @splat -ErrorAction Stop -WarningAction SilentlyContinue -WarningVariable fedshareWarnings)
        $output = New-Object System.Collections.Generic.List[string]
        foreach ($result in $results) { $output.Add([System.Management.Automation.PSSerializer]::Serialize($result, $serializationDepth)) }
        $warnings = @()
        foreach ($warning in @($fedshareWarnings)) { if ($null -ne $warning) { $warnings += [string]$warning.Message } }
        Write-Reply ([ordered]@{ kind = 'result'; id = $request.id; ok = $true; output = $output.ToArray(); warnings = $warnings })
    } catch {
        Write-Reply ([ordered]@{ kind = 'result'; id = $request.id; ok = $false; output = @(); error = (Get-ShellError $_) })
    }
}
$helloLine = $fedshareIn.ReadLine()
if ($null -eq $helloLine) { exit 0 }
$hello = ConvertFrom-Json $helloLine
$helloLine = $null
if ($hello.kind -ne 'hello') { Stop-Host 'hello' 'the first line must be hello' 2 }
Test-ImportPolicy
try {
    $connection = Connect-Exchange $hello
} catch {
    Stop-Host 'session' "could not open the Exchange session to $([string]$hello.connectionUri): $($_.Exception.Message)" 1
}
$hello = $null
$commands = @{}
foreach ($command in @(Get-Command -Module $connection.Module.Name)) { $commands[$command.Name] = $command }
Add-LocalCommands $commands
$organization = ''
try { $organization = [string](Get-OrganizationConfig -ErrorAction Stop).Name } catch { $organization = [string]$connection.Session.ComputerName }
$reply = [ordered]@{ kind = 'hello'; protocol = $protocolVersion; host = 'powershell'; hostVersion = $PSVersionTable.PSVersion.ToString(); organization = $organization }
$build = Get-ExchangeBuild $connection.Session
if (-not [string]::IsNullOrEmpty($build)) { $reply['exchangeVersion'] = $build }
Write-Reply $reply
while ($true) {
    $line = $fedshareIn.ReadLine()
    if ($null -eq $line) { break }
    if ([string]::IsNullOrWhiteSpace($line)) { continue }
    try {
        $message = ConvertFrom-Json $line
    } catch {
        [Console]::Error.WriteLine('fedshare-host: a request line was not JSON')
        break
    }
    if ($message.kind -eq 'bye') { break }
    if ($message.kind -eq 'invoke') { Invoke-Request $message $commands; continue }
    [Console]::Error.WriteLine("fedshare-host: unknown message kind '$($message.kind)'")
    break
}
Remove-PSSession -Session $connection.Session -ErrorAction SilentlyContinue
exit 0
