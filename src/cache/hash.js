// The content hash a cache entry carries in its name and is checked against when read.
import { createHash } from 'node:crypto';

/** Hex digits kept: 64 bits, plenty to notice damage (nobody forges cache entries). */
export const HASH_LENGTH = 16;

/**
 * @param {string | Uint8Array} data
 * @returns {string}
 */
export function contentHash(data) {
  return createHash('sha256').update(data).digest('hex').slice(0, HASH_LENGTH);
}
