/** ephemerd's release tags: `vMAJOR.MINOR.PATCH` with an optional `-suffix`. */
export const DEFAULT_TAG_PATTERN = '^v[0-9]+\\.[0-9]+\\.[0-9]+(-[A-Za-z0-9.]+)?$';

/** Git keeps a tag as a file under refs/tags, and no file system takes a name over 255 bytes. */
export const MAX_TAG_BYTES = 255;

/**
 * Whether a tag names one of our releases. The repository also holds releases that are not
 * ephemerd builds (e.g. `deps-linux-virt-6.12.83-r0`); those are ignored, never an error.
 * `pattern` is a RegExp source (config's `release.tagPattern`), validated when config loads.
 */
export function isReleaseTag(tag: string, pattern: string = DEFAULT_TAG_PATTERN): boolean {
  return Buffer.byteLength(tag, 'utf8') <= MAX_TAG_BYTES && new RegExp(pattern).test(tag);
}
