import type { ReleaseAsset } from '../../src/github/types.ts';

/** A release asset as GitHub returns it, for pure tests that need only a few of its fields. */
export function asset(name: string, fields: Partial<ReleaseAsset> = {}): ReleaseAsset {
  const id = fields.id ?? 1000 + name.length;
  return {
    url: `https://api.github.com/repos/ephpm/ephemerd/releases/assets/${id}`,
    browser_download_url: `https://github.com/ephpm/ephemerd/releases/download/v1.2.3/${name}`,
    id,
    node_id: `RA_${id}`,
    name,
    label: null,
    state: 'uploaded',
    content_type: 'application/octet-stream',
    size: 10,
    digest: null,
    download_count: 0,
    created_at: '2025-07-01T00:00:00Z',
    updated_at: '2025-07-01T00:00:00Z',
    uploader: null,
    ...fields,
  };
}
