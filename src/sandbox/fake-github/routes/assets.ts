// Release assets: listing (paginated) and the asset endpoint, which answers JSON metadata or,
// for Accept: application/octet-stream, a 302 to the storage origin.
import { createHmac } from 'node:crypto';
import { assetJson } from '../representations.ts';
import { paginate } from '../pagination.ts';
import { visibleRelease } from './releases.ts';
import { notFound } from './route.ts';
import type { Route } from './route.ts';
import type { StoredAsset } from '../state.ts';

const DOCS = 'https://docs.github.com/rest/releases/assets';

export const assetRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/releases\/(\d+)\/assets$/,
    operationId: 'repos/list-release-assets',
    docs: `${DOCS}#list-release-assets`,
    handle(request) {
      const release = visibleRelease(request, Number(request.params[0]));
      if (!release) return notFound(this.docs);
      const assets = release.assetIds.flatMap((id) => request.state.assets.get(id) ?? []);
      const page = paginate(assets, request.url);
      return { status: 200, json: page.items.map((a) => assetJson(request.site, release, a)), link: page.link };
    },
  },
  {
    method: 'GET',
    pattern: /^\/releases\/assets\/(\d+)$/,
    operationId: 'repos/get-release-asset',
    docs: `${DOCS}#get-a-release-asset`,
    handle(request) {
      const asset = request.state.assets.get(Number(request.params[0]));
      const release = asset && visibleRelease(request, asset.releaseId);
      if (!asset || !release) return notFound(this.docs);
      if (request.accept.includes('application/octet-stream')) {
        return { status: 302, location: storageLocation(request.storageUrl, asset) };
      }
      return { status: 200, json: assetJson(request.site, release, asset) };
    },
  },
];

/** Looks like a pre-signed object-store URL; only the key in the path is checked. */
function storageLocation(storageUrl: string, asset: StoredAsset): string {
  const url = new URL(`/github-production-release-asset/${asset.releaseId}/${asset.storageKey}`, storageUrl);
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  url.searchParams.set('X-Amz-Credential', `FAKEKEY/${date.slice(0, 8)}/us-east-1/s3/aws4_request`);
  url.searchParams.set('X-Amz-Date', date);
  url.searchParams.set('X-Amz-Expires', '300');
  url.searchParams.set('X-Amz-Signature', createHmac('sha256', asset.storageKey).update(date).digest('hex'));
  url.searchParams.set('X-Amz-SignedHeaders', 'host');
  url.searchParams.set('response-content-disposition', `attachment; filename=${asset.name}`);
  url.searchParams.set('response-content-type', 'application/octet-stream');
  return url.href;
}
