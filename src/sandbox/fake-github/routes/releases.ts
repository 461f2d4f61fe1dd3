// Releases: list (drafts only for push access), get by id or tag, update.
import { isoNow } from '../state.ts';
import type { StoredRelease } from '../state.ts';
import { releaseJson } from '../representations.ts';
import { paginate } from '../pagination.ts';
import { denyUnlessPush, invalid, notFound } from './route.ts';
import type { Route, RouteRequest, RouteResult } from './route.ts';

const DOCS = 'https://docs.github.com/rest/releases/releases';
/** GitHub refuses longer release bodies. */
export const MAX_BODY_CHARS = 125_000;

export function visibleRelease(request: RouteRequest, id: number): StoredRelease | undefined {
  const release = request.state.releases.get(id);
  return release && (!release.draft || request.access === 'push') ? release : undefined;
}

export function renderRelease(request: RouteRequest, r: StoredRelease) {
  const assets = r.assetIds.flatMap((id) => request.state.assets.get(id) ?? []);
  return releaseJson(request.site, r, assets);
}

export const releaseRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/releases$/,
    operationId: 'repos/list-releases',
    docs: `${DOCS}#list-releases`,
    handle(request) {
      const newestFirst = [...request.state.releases.values()]
        .filter((r) => !r.draft || request.access === 'push')
        .sort((a, b) => b.id - a.id);
      const page = paginate(newestFirst, request.url);
      return { status: 200, json: page.items.map((r) => renderRelease(request, r)), link: page.link };
    },
  },
  {
    method: 'GET',
    pattern: /^\/releases\/tags\/(.+)$/,
    operationId: 'repos/get-release-by-tag',
    docs: `${DOCS}#get-a-release-by-tag-name`,
    handle(request) {
      // Drafts are never found by tag, even with push access: their tag does not exist yet.
      const release = [...request.state.releases.values()].find((r) => !r.draft && r.tag_name === request.params[0]);
      return release ? { status: 200, json: renderRelease(request, release) } : notFound(this.docs);
    },
  },
  {
    method: 'GET',
    pattern: /^\/releases\/(\d+)$/,
    operationId: 'repos/get-release',
    docs: `${DOCS}#get-a-release`,
    handle(request) {
      const release = visibleRelease(request, Number(request.params[0]));
      return release ? { status: 200, json: renderRelease(request, release) } : notFound(this.docs);
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/releases\/(\d+)$/,
    operationId: 'repos/update-release',
    docs: `${DOCS}#update-a-release`,
    handle(request) {
      const denied = denyUnlessPush(request, this.docs);
      if (denied) return denied;
      const release = visibleRelease(request, Number(request.params[0]));
      if (!release) return notFound(this.docs);
      return updateRelease(request, release, this.docs);
    },
  },
];

function updateRelease(request: RouteRequest, release: StoredRelease, docs: string): RouteResult {
  const fields = (request.body ?? {}) as Record<string, unknown>;
  const problem = checkFields(fields);
  if (problem) return invalid(docs, 'Release', problem.field, problem.message);
  const wasDraft = release.draft;
  if (typeof fields.tag_name === 'string') release.tag_name = fields.tag_name;
  if (typeof fields.target_commitish === 'string') release.target_commitish = fields.target_commitish;
  if ('name' in fields) release.name = fields.name as string | null;
  if ('body' in fields) release.body = fields.body as string | null;
  if (typeof fields.draft === 'boolean') release.draft = fields.draft;
  if (typeof fields.prerelease === 'boolean') release.prerelease = fields.prerelease;
  release.updated_at = isoNow();
  if (wasDraft && !release.draft) release.published_at = release.updated_at;
  return { status: 200, json: renderRelease(request, release) };
}

const STRING_FIELDS = ['tag_name', 'target_commitish', 'discussion_category_name'];
const NULLABLE_STRING_FIELDS = ['name', 'body'];
const BOOLEAN_FIELDS = ['draft', 'prerelease'];

function checkFields(fields: Record<string, unknown>): { field: string; message: string } | undefined {
  for (const [field, value] of Object.entries(fields)) {
    const ok =
      (STRING_FIELDS.includes(field) && typeof value === 'string') ||
      (NULLABLE_STRING_FIELDS.includes(field) && (typeof value === 'string' || value === null)) ||
      (BOOLEAN_FIELDS.includes(field) && typeof value === 'boolean') ||
      (field === 'make_latest' && (value === 'true' || value === 'false' || value === 'legacy'));
    if (!ok) return { field, message: `${field} is invalid` };
  }
  // GitHub counts characters (code points): an emoji is one, though two UTF-16 units here.
  if (typeof fields.body === 'string' && [...fields.body].length > MAX_BODY_CHARS) {
    return { field: 'body', message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)` };
  }
  return undefined;
}
