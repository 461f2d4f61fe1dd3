// Commit statuses: create (push access), list for a ref, and the combined status.
import { minimalRepositoryJson, repoPath, statusJson } from '../representations.ts';
import { paginate } from '../pagination.ts';
import type { StoredStatus } from '../state.ts';
import { denyUnlessPush, failure, invalid, notFound } from './route.ts';
import type { Route, RouteRequest, RouteResult } from './route.ts';

const DOCS = 'https://docs.github.com/rest/commits/statuses';
const STATES = ['error', 'failure', 'pending', 'success'] as const;
/** GitHub keeps at most this many statuses per SHA and context. */
export const MAX_STATUSES_PER_CONTEXT = 1000;

export const statusRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/statuses\/([^/]+)$/,
    operationId: 'repos/create-commit-status',
    docs: `${DOCS}#create-a-commit-status`,
    handle(request) {
      return createStatus(request, request.params[0] ?? '', this.docs);
    },
  },
  {
    method: 'GET',
    pattern: /^\/commits\/(.+)\/statuses$/,
    operationId: 'repos/list-commit-statuses-for-ref',
    docs: `${DOCS}#list-commit-statuses-for-a-reference`,
    handle(request) {
      const sha = request.state.resolveCommit(request.params[0] ?? '');
      const page = paginate(sha ? request.state.statusesFor(sha) : [], request.url);
      return { status: 200, json: page.items.map((s) => statusJson(request.site, s, s.creator)), link: page.link };
    },
  },
  {
    method: 'GET',
    pattern: /^\/commits\/(.+)\/status$/,
    operationId: 'repos/get-combined-status-for-ref',
    docs: `${DOCS}#get-the-combined-status-for-a-specific-reference`,
    handle(request) {
      const sha = request.state.resolveCommit(request.params[0] ?? '');
      return sha ? { status: 200, json: combinedStatus(request, sha) } : notFound(this.docs);
    },
  },
];

function createStatus(request: RouteRequest, sha: string, docs: string): RouteResult {
  const denied = denyUnlessPush(request, docs);
  if (denied) return denied;
  if (!request.state.knownShas().has(sha)) return failure(422, `No commit found for SHA: ${sha}`, docs);
  const fields = (request.body ?? {}) as Record<string, unknown>;
  const state = STATES.find((s) => s === fields.state);
  if (!state) return invalid(docs, 'Status', 'state', 'state is not included in the list');
  const context = typeof fields.context === 'string' ? fields.context : 'default';
  const description = typeof fields.description === 'string' ? fields.description : null;
  if (description !== null && description.length > 140) {
    return invalid(docs, 'Status', 'description', 'description is too long (maximum is 140 characters)');
  }
  const sameContext = request.state.statusesFor(sha).filter((s) => s.context === context);
  if (sameContext.length >= MAX_STATUSES_PER_CONTEXT) {
    return invalid(docs, 'Status', 'context', 'This SHA and context has reached the maximum number of statuses.');
  }
  const targetUrl = typeof fields.target_url === 'string' ? fields.target_url : null;
  const creator = request.user;
  if (!creator) return failure(401, 'Requires authentication', docs);
  const stored = request.state.addStatus({ sha, state, context, description, target_url: targetUrl, creator });
  return { status: 201, json: statusJson(request.site, stored, creator) };
}

function combinedStatus(request: RouteRequest, sha: string) {
  const latest = new Map<string, StoredStatus>();
  for (const s of request.state.statusesFor(sha)) if (!latest.has(s.context)) latest.set(s.context, s);
  const states = [...latest.values()].map((s) => s.state);
  const state = states.some((s) => s === 'error' || s === 'failure')
    ? 'failure'
    : states.length === 0 || states.includes('pending')
      ? 'pending'
      : 'success';
  return {
    state,
    statuses: [...latest.values()].map((s) => {
      const { creator: _creator, ...simple } = statusJson(request.site, s, s.creator);
      return { ...simple, required: false };
    }),
    sha,
    total_count: latest.size,
    repository: minimalRepositoryJson(request.site),
    commit_url: `${repoPath(request.site)}/commits/${sha}`,
    url: `${repoPath(request.site)}/commits/${sha}/status`,
  };
}
