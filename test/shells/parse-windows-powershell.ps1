# Parses scripts with PowerShell's own parser and lists what Windows PowerShell 5.1 would reject:
# any parse error, and syntax that only PowerShell 7 accepts. Input: a JSON file of
# { name, text, reportsExit } items; output: JSON { name, problems[] } per item.
param([Parameter(Mandatory = $true)][string]$InputFile)
$ErrorActionPreference = 'Stop'
# && || ?? ??= ?. ?[ and the ternary's ?, and the `clean` block keyword (7.3).
$sevenOnly = @('AndAnd', 'OrOr', 'QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'QuestionMark', 'Clean')
$items = [System.IO.File]::ReadAllText($InputFile) | ConvertFrom-Json
$results = foreach ($item in $items) {
  $tokens = $null; $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput($item.text, [ref]$tokens, [ref]$errors)
  $problems = [System.Collections.Generic.List[string]]::new()
  foreach ($e in $errors) { $problems.Add("parse error at line $($e.Extent.StartLineNumber): $($e.Message)") }
  foreach ($t in $tokens) {
    if ($sevenOnly -contains $t.Kind.ToString()) { $problems.Add("PowerShell 7 only at line $($t.Extent.StartLineNumber): $($t.Kind) '$($t.Text)'") }
  }
  $parallel = $ast.FindAll({
      param($node)
      if ($node -isnot [System.Management.Automation.Language.CommandAst]) { return $false }
      if (@('ForEach-Object', '%', 'foreach') -notcontains $node.GetCommandName()) { return $false }
      foreach ($element in $node.CommandElements) {
        if ($element -is [System.Management.Automation.Language.CommandParameterAst] -and $element.ParameterName.Length -ge 2 -and 'parallel'.StartsWith($element.ParameterName.ToLowerInvariant())) { return $true }
      }
      return $false
    }, $true)
  foreach ($node in $parallel) { $problems.Add("PowerShell 7 only at line $($node.Extent.StartLineNumber): ForEach-Object -Parallel") }
  # A bare `exit` loses the in-band exit status: only Exit-Smoke may call it.
  if (-not $item.reportsExit) { $exits = @() } else {
  $exits = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.ExitStatementAst] }, $true) }
  foreach ($node in $exits) {
    $in = $node.Parent
    while ($in -and $in -isnot [System.Management.Automation.Language.FunctionDefinitionAst]) { $in = $in.Parent }
    if (-not $in -or $in.Name -ne 'Exit-Smoke') { $problems.Add("bare exit at line $($node.Extent.StartLineNumber): $($node.Extent.Text)") }
  }
  [pscustomobject]@{ name = $item.name; problems = @($problems) }
}
ConvertTo-Json -InputObject @($results) -Depth 4
