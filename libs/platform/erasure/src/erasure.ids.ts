import { createHash } from 'node:crypto';

/** The UUID namespace of Trellis' erasure event ids (a fixed random UUID; never change it). */
export const ERASURE_EVENT_NAMESPACE = '6f0d8a52-4c1e-4f7b-9a3d-2b5e1c7f9a10';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and a name): the same name always
 * gives the same UUID.
 */
export function uuidV5(name: string, namespace: string = ERASURE_EVENT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new TypeError('uuidV5: the namespace must be a UUID');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an event a service publishes in answer to an erasure request: derived from the
 * request, the service and the event's `type@version`, so a redelivered request, a retry after
 * a crash or a second instance of the service produce the very same event id (consumers drop
 * the duplicate).
 */
export function erasureEventId(
  erasureRequestId: string,
  service: string,
  eventKey: string,
): string {
  return uuidV5(`trellis/erasure/${erasureRequestId}/${service}/${eventKey}`);
}
