import type { CheckName, PlatformResult, Verdict } from './verdict.ts';

/** report.json, schema 1. Other tools read it: keep these names. */
export interface RunReport {
  schema: 1;
  runId: string;
  tag: string;
  repo: string;
  releaseId: number;
  commit: string | null;
  verdict: Verdict;
  startedAt: string;
  finishedAt: string;
  /** SHA-256 of checksums.txt as downloaded. */
  checksumsSha256: string | null;
  /** Asset name to sha256 of every archive tested: what `watch` and `gate` compare with the draft. */
  assetDigests: Record<string, string>;
  platforms: PlatformResult[];
  /**
   * Every check the platforms' plans held, in run order: the matrix's columns. Absent in reports
   * written before plans were recorded: their columns are the results' names.
   */
  plan?: CheckName[];
  /** Hosts reached without a verified host key (they opted out in hosts.yaml). */
  insecureHosts: string[];
  runUrl?: string;
  /** The draft and the tested commit on GitHub's web pages, for the report's links. */
  draftUrl?: string;
  commitUrl?: string;
  /**
   * Assets that changed on the draft while this run tested them (re-uploaded, removed). A stale
   * result is never posted as a pass: its verdict is `error`.
   */
  stale?: string[];
}
