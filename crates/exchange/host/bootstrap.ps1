if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') {
    Write-Error -Message "fedshare-host: constrained-language: PowerShell runs in $($ExecutionContext.SessionState.LanguageMode) mode (AppLocker or WDAC), which blocks the .NET calls the host needs; run Fedshare from an administration workstation where Windows PowerShell runs in FullLanguage mode, or ask for an AppLocker/WDAC exception for it"
    exit 78
}
$fedshareIn = New-Object System.IO.StreamReader -ArgumentList @([Console]::OpenStandardInput(), (New-Object System.Text.UTF8Encoding -ArgumentList $false), $false)
$fedshareLength = 0
if (-not [int]::TryParse([string]$fedshareIn.ReadLine(), [ref]$fedshareLength) -or $fedshareLength -le 0) { exit 3 }
$fedshareText = New-Object System.Text.StringBuilder -ArgumentList $fedshareLength
$fedshareBuffer = New-Object char[] 4096
while ($fedshareText.Length -lt $fedshareLength) {
    $fedshareCount = $fedshareIn.Read($fedshareBuffer, 0, [Math]::Min(4096, $fedshareLength - $fedshareText.Length))
    if ($fedshareCount -le 0) { exit 3 }
    [void]$fedshareText.Append($fedshareBuffer, 0, $fedshareCount)
}
& ([scriptblock]::Create($fedshareText.ToString())) $fedshareIn
