import type { components } from '@octokit/openapi-types';

/** GitHub's own shapes, from its published OpenAPI description: never copied by hand. */
export type Release = components['schemas']['release'];
export type ReleaseAsset = components['schemas']['release-asset'];
export type CommitStatus = components['schemas']['status'];
