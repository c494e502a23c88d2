/*
 * Deterministic ids for workflow code. Event ids in the contracts are UUIDs and must be the
 * same on every retry and replay (consumers deduplicate by them), so they are derived from a
 * stable key (`<workflowId>:<obligationId>:r<revision>:<stage>`) with a pure-JS hash — no
 * Node `crypto`, no randomness.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `text`, starting from `seed`. */
function fnv1a32(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so nearby keys differ in every nibble.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A UUID (RFC 9562 version 8, "custom") derived from `key`: the same key always gives the same
 * UUID. Not cryptographic — for idempotency keys only.
 */
export function deterministicUuid(key: string): string {
  const hex = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f]
    .map((seed) => fnv1a32(key, seed).toString(16).padStart(8, '0'))
    .join('');
  const version = `8${hex.slice(13, 16)}`;
  const variant = `${((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}
