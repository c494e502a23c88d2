import type { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The organisation of a capacity-building workflow, set by the bridge when it starts one:
 * the erasure of an organisation finds its workflows with it (visibility query
 * `TrellisOrganisationId = '<id>'`). A Keyword: exact match.
 */
export const TRELLIS_ORGANISATION_ID = defineSearchAttributeKey(
  'TrellisOrganisationId',
  SearchAttributeType.KEYWORD,
);

type IndexedValueType = NonNullable<
  Parameters<Connection['operatorService']['addSearchAttributes']>[0]['searchAttributes']
>[string];

/** `temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD`. */
const INDEXED_VALUE_TYPE_KEYWORD = 2 as IndexedValueType;

/** The custom search attributes the orchestrator needs, with their indexed value types. */
const REQUIRED_SEARCH_ATTRIBUTES: Record<string, IndexedValueType> = {
  [TRELLIS_ORGANISATION_ID.name]: INDEXED_VALUE_TYPE_KEYWORD,
};

/** The namespace lacks a search attribute and it could not be registered. */
export class SearchAttributeSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchAttributeSetupError';
  }
}

/**
 * Registers the orchestrator's custom search attributes in `namespace` when they are missing
 * (operator service: list, then add). Idempotent; a concurrent registration by another
 * orchestrator is fine. Fails with a clear message when an attribute exists with another type
 * or cannot be added (e.g. no operator permission: register it once by hand,
 * `temporal operator search-attribute create --name TrellisOrganisationId --type Keyword`).
 * Resolves the names it added.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<string[]> {
  const missing = async (): Promise<Record<string, IndexedValueType>> => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace,
    });
    const wanted: Record<string, IndexedValueType> = {};
    for (const [name, type] of Object.entries(REQUIRED_SEARCH_ATTRIBUTES)) {
      const existing = customAttributes?.[name];
      if (existing === undefined || existing === null) {
        wanted[name] = type;
      } else if (existing !== type) {
        throw new SearchAttributeSetupError(
          `search attribute ${name} exists in namespace ${namespace} with another type (${String(existing)}); expected Keyword`,
        );
      }
    }
    return wanted;
  };
  const toAdd = await missing();
  const names = Object.keys(toAdd);
  if (names.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: toAdd });
  } catch (cause) {
    // Another orchestrator may have added it meanwhile: only a still-missing attribute fails.
    if (Object.keys(await missing()).length > 0) {
      throw new SearchAttributeSetupError(
        `could not register search attribute(s) ${names.join(', ')} in namespace ${namespace}`,
        { cause },
      );
    }
  }
  return names;
}
