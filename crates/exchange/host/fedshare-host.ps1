# Fedshare PowerShell host (protocol 1).
#
# Started as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command -
# The engine writes this whole script to stdin (blank lines removed, then one blank line that
# submits it), followed by the JSON-lines protocol. The script is a single `& { ... }` statement,
# so PowerShell reads it completely before running it; the block then reads the protocol lines
# itself with [Console]::In.ReadLine(), which shares PowerShell's own stdin reader.
#
# Rules this script keeps:
# - Requests are data. A cmdlet runs only if its name is in $allowedCmdlets; parameters are
#   splatted from a hashtable built from typed values. No string is ever evaluated, no code built
#   from strings (the test of this file bans the APIs that would).
# - The credential arrives once, in the hello line on stdin, and becomes a SecureString at once.
#   It is never written to stdout, stderr, a file, or a variable that outlives the connect step.
# - Every line written to stdout is one JSON object, escaped to ASCII so console code pages
#   cannot corrupt it. The engine escapes its lines to ASCII for the same reason.
& {
    Set-StrictMode -Version 2.0
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'
    $protocolVersion = 1
    # Substituted by the engine at startup with the catalog's cmdlet names (single-quoted data).
    $allowedCmdlets = @('__FEDSHARE_ALLOWLIST__')
    # Windows DNS Server cmdlets (DnsServer module) run on this computer, not in the Exchange
    # session; the catalog marks them and its test keeps them matching this pattern.
    $localPattern = '*-DnsServer*'
    # Nested objects worth keeping as property bags; any other nested value becomes its string form.
    $expandTypes = @('X509Certificate2', 'FederatedDomain')
    # Common parameters the host sets itself; a request must not override them.
    $reservedParameters = @('ErrorAction', 'ErrorVariable', 'WarningAction', 'WarningVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'InformationAction', 'InformationVariable')
    function Write-Reply([object]$reply) {
        $json = ConvertTo-Json -InputObject $reply -Depth 8 -Compress
        $ascii = [regex]::Replace($json, '[^\x00-\x7F]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
        [Console]::Out.WriteLine($ascii)
        [Console]::Out.Flush()
    }
    function Write-Failure([object]$id, [string]$category, [string]$exception, [string]$message, [string]$errorId) {
        $shellError = [ordered]@{ category = $category; exception = $exception; message = $message; errorId = $errorId }
        Write-Reply ([ordered]@{ kind = 'result'; id = $id; ok = $false; output = @(); error = $shellError })
    }
    function ConvertTo-WireValue([object]$value, [int]$depth) {
        if ($null -eq $value) { return $null }
        if ($value -is [string] -or $value -is [bool] -or $value -is [int] -or $value -is [long] -or $value -is [double]) { return $value }
        if ($value -is [datetime]) { return $value.ToUniversalTime().ToString('o') }
        if ($value -is [System.Collections.IDictionary]) {
            $bag = [ordered]@{}
            foreach ($key in $value.Keys) { $bag[[string]$key] = ConvertTo-WireValue $value[$key] ($depth - 1) }
            return $bag
        }
        if ($value -is [System.Collections.IEnumerable]) {
            $items = @()
            foreach ($item in $value) { $items += , (ConvertTo-WireValue $item ($depth - 1)) }
            return , $items
        }
        $expand = $false
        foreach ($typeName in $value.PSObject.TypeNames) {
            foreach ($wanted in $expandTypes) {
                if ($typeName -like "*.$wanted") { $expand = $true }
            }
        }
        if ($expand -and $depth -gt 0) { return ConvertTo-PropertyBag $value ($depth - 1) }
        return $value.ToString()
    }
    function ConvertTo-PropertyBag([object]$item, [int]$depth) {
        $bag = [ordered]@{}
        foreach ($property in $item.PSObject.Properties) {
            if ($property.Name -in @('PSComputerName', 'PSShowComputerName', 'RunspaceId')) { continue }
            $bag[$property.Name] = ConvertTo-WireValue $property.Value $depth
        }
        return $bag
    }
    function ConvertTo-ParameterValue([object]$typed) {
        switch ([string]$typed.type) {
            'string' { return [string]$typed.value }
            'enum' { return [string]$typed.value }
            'bool' { return [bool]$typed.value }
            'int' { return [int]$typed.value }
            'stringList' { return , [string[]]@($typed.value) }
            'switch' { return [switch][bool]$typed.value }
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
    function Connect-Exchange([object]$hello) {
        $sessionParameters = @{
            ConfigurationName = 'Microsoft.Exchange'
            ConnectionUri = [string]$hello.connectionUri
            Authentication = 'Kerberos'
            ErrorAction = 'Stop'
        }
        if ($null -ne $hello.PSObject.Properties['credential'] -and $null -ne $hello.credential) {
            $secure = New-Object System.Security.SecureString
            foreach ($ch in ([string]$hello.credential.password).ToCharArray()) { $secure.AppendChar($ch) }
            $secure.MakeReadOnly()
            $hello.credential.password = $null
            $sessionParameters['Credential'] = New-Object System.Management.Automation.PSCredential ([string]$hello.credential.userName, $secure)
        }
        $session = New-PSSession @sessionParameters
        $sessionParameters = $null
        # Get-OrganizationConfig is imported only to name the organization in the hello reply.
        $importNames = @($allowedCmdlets | Where-Object { $_ -notlike $localPattern }) + @('Get-OrganizationConfig')
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
    function Invoke-Request([object]$request, [hashtable]$commands) {
        $cmdletName = [string]$request.cmdlet
        if ($allowedCmdlets -notcontains $cmdletName) {
            Write-Failure $request.id 'PermissionDenied' 'FedshareHostException' "$cmdletName is not on the Fedshare allowlist" 'Fedshare.NotAllowed'
            return
        }
        if (-not $commands.ContainsKey($cmdletName)) {
            Write-Failure $request.id 'ObjectNotFound' 'CommandNotFoundException' "$cmdletName is not available on this computer: install the DNS Server Tools (Add-WindowsCapability -Online -Name Rsat.Dns.Tools~~~~0.0.1.0, or Install-WindowsFeature RSAT-DNS-Server on a server)" 'Fedshare.NotAvailable'
            return
        }
        try {
            $splat = New-Splat $cmdletName @($request.params)
            $command = $commands[$cmdletName]
            $fedshareWarnings = $null
            $results = @(& $command @splat -ErrorAction Stop -WarningAction SilentlyContinue -WarningVariable fedshareWarnings)
            $output = @()
            foreach ($result in $results) {
                # Objects become property bags; plain values (a string, a number) stay values.
                if ($result -is [string] -or $result -is [ValueType]) { $output += , (ConvertTo-WireValue $result 0) } else { $output += , (ConvertTo-PropertyBag $result 5) }
            }
            $warnings = @()
            foreach ($warning in @($fedshareWarnings)) { if ($null -ne $warning) { $warnings += [string]$warning.Message } }
            Write-Reply ([ordered]@{ kind = 'result'; id = $request.id; ok = $true; output = $output; warnings = $warnings })
        } catch {
            Write-Reply ([ordered]@{ kind = 'result'; id = $request.id; ok = $false; output = @(); error = (Get-ShellError $_) })
        }
    }
    $helloLine = [Console]::In.ReadLine()
    if ($null -eq $helloLine) { exit 0 }
    $hello = ConvertFrom-Json $helloLine
    $helloLine = $null
    if ($hello.kind -ne 'hello') { [Console]::Error.WriteLine('fedshare-host: the first line must be hello'); exit 2 }
    try {
        $connection = Connect-Exchange $hello
    } catch {
        [Console]::Error.WriteLine("fedshare-host: could not open the Exchange session: $($_.Exception.Message)")
        exit 1
    }
    $hello = $null
    $commands = @{}
    foreach ($command in @(Get-Command -Module $connection.Module.Name)) { $commands[$command.Name] = $command }
    Add-LocalCommands $commands
    $organization = ''
    try { $organization = [string](Get-OrganizationConfig -ErrorAction Stop).Name } catch { $organization = [string]$connection.Session.ComputerName }
    Write-Reply ([ordered]@{ kind = 'hello'; protocol = $protocolVersion; host = 'powershell'; hostVersion = $PSVersionTable.PSVersion.ToString(); organization = $organization })
    while ($true) {
        $line = [Console]::In.ReadLine()
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
}
