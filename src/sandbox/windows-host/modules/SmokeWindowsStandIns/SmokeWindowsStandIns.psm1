# What PowerShell on Windows has and PowerShell on Linux lacks or does differently, as small as
# the project's scripts need. `powershell` (bin/) imports this before the script it was given.

# Get-CimInstance Win32_Process: every process, or those with a given ParentProcessId or
# ProcessId, read from /proc. Zombies are left out: Windows lists no process that has ended.
function Get-CimInstance {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][string]$ClassName, [string]$Filter)
  if ($ClassName -ne 'Win32_Process') { throw "the Get-CimInstance stand-in knows only Win32_Process, not $ClassName" }
  $field = $null; $value = 0
  if ($Filter) {
    if ($Filter -notmatch '^\s*(ParentProcessId|ProcessId)\s*=\s*(\d+)\s*$') { throw "the Get-CimInstance stand-in cannot read the filter: $Filter" }
    $field = $Matches[1]; $value = [int]$Matches[2]
  }
  foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
    $id = 0
    if (-not [int]::TryParse([System.IO.Path]::GetFileName($dir), [ref]$id)) { continue }
    try { $stat = [System.IO.File]::ReadAllText("$dir/stat") } catch { continue }
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    if ($fields[0] -eq 'Z') { continue }
    $process = [pscustomobject]@{
      ProcessId = $id
      ParentProcessId = [int]$fields[1]
      Name = $stat.Substring($stat.IndexOf('(') + 1, $stat.LastIndexOf(')') - $stat.IndexOf('(') - 1)
    }
    if ($null -eq $field -or $process.$field -eq $value) { $process }
  }
}

# Start-Process with -RedirectStandardOutput/-RedirectStandardError. On Windows the started
# process gets the files themselves as its stdout and stderr; PowerShell on Linux pipes them and
# copies into the files, so the process loses its output (and dies of EPIPE) once the PowerShell
# that started it exits. Here sh opens the files and execs the program: same pid, real files.
# Anything else goes to the real cmdlet.
function Start-Process {
  [CmdletBinding()]
  param(
    [Parameter(Mandatory = $true, Position = 0)][string]$FilePath,
    [Parameter(Position = 1)][string[]]$ArgumentList,
    [string]$WorkingDirectory,
    [string]$RedirectStandardOutput,
    [string]$RedirectStandardError,
    [switch]$NoNewWindow,
    [switch]$PassThru
  )
  if (-not $RedirectStandardOutput -or -not $RedirectStandardError) {
    return Microsoft.PowerShell.Management\Start-Process @PSBoundParameters
  }
  $psi = New-Object System.Diagnostics.ProcessStartInfo
  $psi.FileName = '/bin/sh'
  $psi.UseShellExecute = $false
  if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
  $psi.Environment['SMOKE_STDOUT'] = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($RedirectStandardOutput)
  $psi.Environment['SMOKE_STDERR'] = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($RedirectStandardError)
  # One command line split by Windows' rules, as Start-Process hands it to Windows.
  $psi.Arguments = '-c "exec \"$0\" \"$@\" >\"$SMOKE_STDOUT\" 2>\"$SMOKE_STDERR\" </dev/null" ' + (ConvertTo-WindowsArgument $FilePath) + ' ' + ($ArgumentList -join ' ')
  $process = [System.Diagnostics.Process]::Start($psi)
  if ($PassThru) { $process }
}

# One argument as Windows' command-line rules (CommandLineToArgvW) read it back.
function ConvertTo-WindowsArgument([string]$Value) {
  if ($Value -ne '' -and $Value -notmatch '[\s"]') { return $Value }
  $out = '"'; $backslashes = 0
  foreach ($ch in $Value.ToCharArray()) {
    if ($ch -eq '\') { $backslashes++; continue }
    if ($ch -eq '"') { $out += '\' * ($backslashes * 2 + 1) + '"' } else { $out += '\' * $backslashes + $ch }
    $backslashes = 0
  }
  return $out + '\' * ($backslashes * 2) + '"'
}

Export-ModuleMember -Function Get-CimInstance, Start-Process
