/** Who is testing a draft already: said to the user as "run <runId> since <since>". */
export interface RunHolder {
  runId: string;
  since: string;
}
