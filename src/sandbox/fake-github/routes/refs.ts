// Git refs, commits and branches: enough to resolve a release's target_commitish to a SHA.
import { branchJson, commitJson, gitRefJson } from '../representations.ts';
import { failure, notFound } from './route.ts';
import type { Route } from './route.ts';

export const refRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/git\/ref\/(.+)$/,
    operationId: 'git/get-ref',
    docs: 'https://docs.github.com/rest/git/refs#get-a-reference',
    handle(request) {
      const ref = request.params[0] ?? '';
      const [kind, ...rest] = ref.split('/');
      const name = rest.join('/');
      const sha = kind === 'heads' ? request.state.branches.get(name) : kind === 'tags' ? request.state.tags.get(name) : undefined;
      return sha ? { status: 200, json: gitRefJson(request.site, `refs/${ref}`, sha) } : notFound(this.docs);
    },
  },
  {
    method: 'GET',
    // The statuses routes below share the prefix; they are tried first (see routes/index.ts).
    pattern: /^\/commits\/(.+)$/,
    operationId: 'repos/get-commit',
    docs: 'https://docs.github.com/rest/commits/commits#get-a-commit',
    handle(request) {
      const ref = request.params[0] ?? '';
      const sha = request.state.resolveCommit(ref);
      return sha ? { status: 200, json: commitJson(request.site, sha) } : failure(422, `No commit found for SHA: ${ref}`, this.docs);
    },
  },
  {
    method: 'GET',
    pattern: /^\/branches\/(.+)$/,
    operationId: 'repos/get-branch',
    docs: 'https://docs.github.com/rest/branches/branches#get-a-branch',
    handle(request) {
      const name = request.params[0] ?? '';
      const sha = request.state.branches.get(name);
      return sha ? { status: 200, json: branchJson(request.site, name, sha) } : failure(404, 'Branch not found', this.docs);
    },
  },
];
