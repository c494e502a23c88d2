/** What replaces a sensitive value in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values never reach a log line, at any depth. Matching ignores case, `_` and `-`
 * (`first_name`, `firstName` and `First-Name` are the same key). DESIGN.md §5: the people in
 * the data are under threat, so identities, contacts, locations and every free-text narrative
 * are treated as sensitive, together with credentials and key material. A bare `key` is not
 * in the list (Kafka message keys and cache keys are ids worth seeing); name key material
 * explicitly (`dataKey`, `privateKey`, ...).
 */
export const SENSITIVE_KEYS: readonly string[] = [
  // identities
  'name',
  'names',
  'firstName',
  'lastName',
  'fullName',
  'displayName',
  'givenName',
  'familyName',
  'middleName',
  'nickname',
  'alias',
  'username',
  'organisationName',
  'organizationName',
  'personName',
  'contactName',
  'participantName',
  'defenderName',
  'officerName',
  'representative',
  'signatory',
  'dateOfBirth',
  'birthDate',
  'nationalId',
  'passportNumber',
  // contacts
  'email',
  'emails',
  'phone',
  'phones',
  'phoneNumber',
  'mobile',
  'contact',
  'contacts',
  'whatsapp',
  'telegram',
  // locations
  'address',
  'addresses',
  'location',
  'locations',
  'region',
  'city',
  'village',
  'district',
  'coordinates',
  'latitude',
  'longitude',
  'lat',
  'lng',
  'lon',
  'geo',
  'gps',
  'hidingPlace',
  'ip',
  'ipAddress',
  'remoteAddress',
  // free text: threat assessment steps, incidents, follow-ups, security wheel, reviews
  'narrative',
  'narratives',
  'description',
  'descriptions',
  'notes',
  'note',
  'comment',
  'comments',
  'facts',
  'pattern',
  'objective',
  'author',
  'perpetrator',
  'conclusion',
  'barriers',
  'solutions',
  'obstacles',
  'observedBehaviourChange',
  'observedBehaviorChange',
  'nextActions',
  'evidence',
  'rationale',
  'audience',
  'text',
  'body',
  // credentials and key material
  'password',
  'passphrase',
  'secret',
  'secrets',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'jwt',
  'bearer',
  'authorization',
  'proxyAuthorization',
  'cookie',
  'cookies',
  'setCookie',
  'apiKey',
  'privateKey',
  'secretKey',
  'masterKey',
  'dataKey',
  'wrappedKey',
  'encryptionKey',
  'keyMaterial',
  'credentials',
  'mongoUrl',
  'connectionString',
];

/**
 * Endings that make a composite key sensitive too (`contactEmail`, `homeAddress`,
 * `incidentNarrative`, `sessionToken`, `dbPassword`).
 */
export const SENSITIVE_KEY_SUFFIXES: readonly string[] = [
  'email',
  'phone',
  'phonenumber',
  'address',
  'narrative',
  'description',
  'notes',
  'password',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'fullname',
  'firstname',
  'lastname',
  'displayname',
];

const normalise = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');
const sensitiveKeys = new Set(SENSITIVE_KEYS.map(normalise));
const sensitiveSuffixes = SENSITIVE_KEY_SUFFIXES.map(normalise);

/** Whether a property name holds data that must never be logged. */
export function isSensitiveKey(key: string): boolean {
  const k = normalise(key);
  return sensitiveKeys.has(k) || sensitiveSuffixes.some((suffix) => k.endsWith(suffix));
}

const MAX_DEPTH = 12;

/**
 * A copy of `value` in which every property with a sensitive key, at any depth (objects,
 * arrays, `Error`s and their `cause`, values with `toJSON()` such as mongoose documents), is
 * replaced by `[REDACTED]`. Cycles become `[Circular]`; structures deeper than 12 levels are
 * cut off. Strings are left alone: never put sensitive values into log messages.
 */
export function redactSensitive<T>(value: T): T {
  return redactValue(value, 0, new WeakSet<object>()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (seen.has(value)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[Truncated]';
  }
  if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
    return value;
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item) => redactValue(item, depth + 1, seen));
    }
    if (value instanceof Error) {
      return redactError(value, depth, seen);
    }
    if (value instanceof Map || value instanceof Set) {
      return value;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return redactValue(toJSON.call(value), depth, seen);
    }
    return redactProperties(value as Record<string, unknown>, {}, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactProperties<T extends object>(
  source: Record<string, unknown>,
  target: T,
  depth: number,
  seen: WeakSet<object>,
): T {
  const out = target as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redactValue(source[key], depth + 1, seen);
  }
  return target;
}

/**
 * Keeps the prototype (so pino's error serializer still reports the right `type`), the
 * message and the stack; redacts the error's own properties (e.g. a driver error's
 * `keyValue`) and its `cause`.
 */
function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  Object.defineProperty(copy, 'message', {
    value: error.message,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(copy, 'stack', {
    value: error.stack,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  if (error.cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: redactValue(error.cause, depth + 1, seen),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return redactProperties(error as unknown as Record<string, unknown>, copy, depth, seen);
}
