import type { Connection } from '@temporalio/client';
import {
  ensureSearchAttributes,
  SearchAttributeSetupError,
  TRELLIS_ORGANISATION_ID,
} from './search-attributes';

const KEYWORD = 2;
const TEXT = 1;

function fakeConnection(initial: Record<string, number>, addFails = false) {
  const custom = { ...initial };
  const add = jest.fn(
    ({ searchAttributes }: { namespace: string; searchAttributes: Record<string, number> }) => {
      if (addFails) return Promise.reject(new Error('PermissionDenied'));
      Object.assign(custom, searchAttributes);
      return Promise.resolve({});
    },
  );
  const connection = {
    operatorService: {
      listSearchAttributes: () => Promise.resolve({ customAttributes: { ...custom } }),
      addSearchAttributes: add,
    },
  } as unknown as Connection;
  return { connection, add, custom };
}

describe('ensureSearchAttributes', () => {
  it('adds TrellisOrganisationId as a Keyword when missing, in the given namespace', async () => {
    const { connection, add, custom } = fakeConnection({});
    expect(await ensureSearchAttributes(connection, 'trellis')).toEqual(['TrellisOrganisationId']);
    expect(add).toHaveBeenCalledWith({
      namespace: 'trellis',
      searchAttributes: { TrellisOrganisationId: KEYWORD },
    });
    expect(custom[TRELLIS_ORGANISATION_ID.name]).toBe(KEYWORD);
  });

  it('does nothing when it is there already (idempotent)', async () => {
    const { connection, add } = fakeConnection({ TrellisOrganisationId: KEYWORD });
    expect(await ensureSearchAttributes(connection, 'default')).toEqual([]);
    expect(add).not.toHaveBeenCalled();
  });

  it('refuses an attribute of another type, and says when it cannot add one', async () => {
    await expect(
      ensureSearchAttributes(fakeConnection({ TrellisOrganisationId: TEXT }).connection, 'default'),
    ).rejects.toBeInstanceOf(SearchAttributeSetupError);
    await expect(
      ensureSearchAttributes(fakeConnection({}, true).connection, 'default'),
    ).rejects.toThrow(/could not register search attribute\(s\) TrellisOrganisationId/);
  });
});
