/**
 * The draft's and the commit's web pages, from the release's `html_url`
 * (`<site>/<owner>/<repo>/releases/tag/<tag>`): works for github.com and GitHub Enterprise
 * alike. Anything that is not an http(s) URL of that shape gives no link.
 */
export function draftLinks(releaseHtmlUrl: string | undefined, commit: string | null): { draftUrl?: string; commitUrl?: string } {
  if (releaseHtmlUrl === undefined || !isWebUrl(releaseHtmlUrl)) return {};
  const at = releaseHtmlUrl.indexOf('/releases/');
  const repoPage = at > 0 ? releaseHtmlUrl.slice(0, at) : null;
  const commitUrl = repoPage && commit && /^[0-9a-f]{7,64}$/i.test(commit) ? `${repoPage}/commit/${commit}` : undefined;
  return commitUrl ? { draftUrl: releaseHtmlUrl, commitUrl } : { draftUrl: releaseHtmlUrl };
}

/** Only http(s) links reach a report: a `javascript:` URL from anywhere is dropped. */
export function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
