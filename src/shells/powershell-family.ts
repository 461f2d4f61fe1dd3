/**
 * How the PowerShell dialect finds a run's processes after the fact. Windows cannot read another
 * process's environment, so there is no run mark to search for (see posix-sweep.ts); and a process
 * whose parent exited keeps a ParentProcessId naming a dead process, so a walk of the daemon's tree
 * at stop time (taskkill /T) misses it. So the family is recorded while the run goes: each time the
 * probe starts, follows or stops a daemon, every process descending from it is appended to
 * `<pid file>.tree`, one `<pid> <creation time, UTC ticks> <command line>` line each. The sweep
 * kills what is recorded and still alive (same pid and same creation time: a pid Windows reused
 * for another process is not ours) plus whatever descends from a recorded process now.
 *
 * The functions use `Read-Pid` (which sets `$id`) and `Stop-Tree` from the dialect's script.
 */
export const FAMILY_FUNCTIONS = [
  // Every process as a record: Id, Parent, Ticks (creation, UTC; 0 when unknown) and Command.
  'function Get-Processes {',
  '  foreach ($p in @(Get-CimInstance Win32_Process -ErrorAction SilentlyContinue)) {',
  '    $t = [long]0; if ($p.CreationDate) { $t = ([DateTime]$p.CreationDate).ToUniversalTime().Ticks }',
  '    $c = [string]$p.CommandLine; if (-not $c) { $c = [string]$p.Name }',
  "    New-Object PSObject -Property @{ Id = [int]$p.ProcessId; Parent = [int]$p.ParentProcessId; Ticks = $t; Command = ($c -replace '[\\x00-\\x1f]', ' ') }",
  '  }',
  '}',
  // The live processes descending from $seeds (records, alive or not) by ParentProcessId; a child
  // is never older than its parent, so a stale ParentProcessId that a reused pid matches is no link.
  'function Find-Family($all, $seeds) {',
  '  $byParent = @{}',
  '  foreach ($p in $all) { if (-not $byParent.ContainsKey($p.Parent)) { $byParent[$p.Parent] = New-Object System.Collections.ArrayList }; $null = $byParent[$p.Parent].Add($p) }',
  '  $seen = @{}; $queue = New-Object System.Collections.Queue',
  '  foreach ($s in $seeds) { $seen["$($s.Id) $($s.Ticks)"] = 1; $queue.Enqueue($s) }',
  '  while ($queue.Count -gt 0) {',
  '    $p = $queue.Dequeue()',
  '    if (-not $byParent.ContainsKey($p.Id)) { continue }',
  '    foreach ($c in $byParent[$p.Id]) {',
  '      $k = "$($c.Id) $($c.Ticks)"',
  '      if ($c.Id -eq $p.Id -or $seen.ContainsKey($k) -or $c.Ticks -lt $p.Ticks) { continue }',
  '      $seen[$k] = 1; $queue.Enqueue($c); $c',
  '    }',
  '  }',
  '}',
  'function Read-Family($f) {',
  '  if (-not [System.IO.File]::Exists($f)) { return }',
  '  foreach ($line in [System.IO.File]::ReadAllLines($f)) {',
  "    $w = $line.Split([char[]]@(' '), 3)",
  '    $i = 0; $t = [long]0',
  '    if ($w.Count -lt 2 -or -not ([int]::TryParse($w[0], [ref]$i) -and [long]::TryParse($w[1], [ref]$t))) { continue }',
  "    $c = ''; if ($w.Count -gt 2) { $c = $w[2] }",
  '    New-Object PSObject -Property @{ Id = $i; Parent = 0; Ticks = $t; Command = $c }',
  '  }',
  '}',
  // Appends to `<pid file>.tree` the recorded daemon's live family not recorded yet.
  'function Save-Family($f) {',
  '  if (-not (Read-Pid $f)) { return }',
  "  $tf = $f + '.tree'",
  '  $known = @(Read-Family $tf)',
  '  $all = @(Get-Processes)',
  // A daemon recorded once is a seed from then on, alive or not; a live process with its pid but
  // another creation time is not it.
  '  $root = @(); if (-not ($known | Where-Object { $_.Id -eq $id })) { $root = @($all | Where-Object { $_.Id -eq $id }) }',
  '  $new = @($root) + @(Find-Family $all (@($known) + @($root)))',
  '  if ($new.Count -eq 0) { return }',
  '  $text = ($new | ForEach-Object { "$($_.Id) $($_.Ticks) $($_.Command)" }) -join "`n"',
  '  [System.IO.File]::AppendAllText($tf, $text + "`n")',
  '}',
].join('\n');

/**
 * The sweep: `$files` (an expression the caller builds) lists the `.tree` files of the runs in
 * scope. Kills every recorded process still alive and every live descendant of one, taskkill /T
 * /F (Windows can only force), looks again for any they started meanwhile, up to four rounds.
 * Prints `swept <pid> <command>` once per process, then `survived <pid>` for each still alive.
 * Needs `FAMILY_FUNCTIONS` and `Stop-Tree` defined before it.
 */
export function sweepFamiliesScript(files: string): string {
  return [
    `$known = @(foreach ($f in @(${files})) { Read-Family $f })`,
    '$recorded = @{}; foreach ($k in $known) { $recorded["$($k.Id) $($k.Ticks)"] = 1 }',
    '$swept = @{}; $targets = @()',
    'function Test-Alive($list) { $now = @{}; foreach ($p in @(Get-Processes)) { $now["$($p.Id) $($p.Ticks)"] = 1 }; @($list | Where-Object { $now.ContainsKey("$($_.Id) $($_.Ticks)") }) }',
    'for ($round = 1; $round -le 4; $round++) {',
    '  $all = @(Get-Processes)',
    // Seeds: what was recorded, and what this sweep already took (a survivor may start more).
    '  $live = @($all | Where-Object { $recorded.ContainsKey("$($_.Id) $($_.Ticks)") })',
    '  $found = @($live) + @(Find-Family $all (@($known) + @($targets)))',
    '  $new = @($found | Where-Object { -not $swept.ContainsKey("$($_.Id) $($_.Ticks)") })',
    '  if ($new.Count -eq 0) { break }',
    '  foreach ($p in $new) {',
    '    $k = "$($p.Id) $($p.Ticks)"; if ($swept.ContainsKey($k)) { continue }',
    '    $swept[$k] = $p; $targets += $p',
    '    $c = $p.Command; if ($c.Length -gt 200) { $c = $c.Substring(0, 200) }',
    '    [Console]::Out.WriteLine("swept $($p.Id) $c")',
    '  }',
    '  foreach ($p in $new) { Stop-Tree $p.Id }',
    '  $deadline = [DateTime]::UtcNow.AddSeconds(5)',
    '  while (@(Test-Alive $new).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }',
    '}',
    'foreach ($p in @(Test-Alive $targets)) { [Console]::Out.WriteLine("survived $($p.Id)") }',
  ].join('\n');
}
