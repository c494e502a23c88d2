import {
  activate,
  amend,
  diffTerms,
  editTerms,
  InvalidTransitionError,
  newDraft,
  propose,
  sign,
  supersede,
  withdraw,
} from './agreement';

const terms = {
  coachingCadence: 'P1M',
  interventions: [
    { catalogueRef: 'topic.office-security', priority: 1 },
    { catalogueRef: 'method.early-warning', priority: 2 },
  ],
  autonomyGoals: { targetLevel: 3 },
};
const at = '2026-11-25T10:00:00.000Z';

describe('agreement state machine', () => {
  it('goes draft → proposed → signed by both parties → active', () => {
    let v = newDraft(terms);
    expect(v).toMatchObject({ version: 1, status: 'draft', signatures: [] });
    v = propose(v, at);
    v = sign(v, 'protection-organisation', 'officer-1', at);
    expect(v.status).toBe('proposed');
    v = sign(v, 'defender-organisation', 'defender-9', at);
    expect(v.status).toBe('signed');
    v = activate(v, at);
    expect(v).toMatchObject({ status: 'active', activatedAt: at });
    expect(v.signatures.map((s) => s.party)).toEqual([
      'protection-organisation',
      'defender-organisation',
    ]);
  });

  it('refuses a second signature by the same party', () => {
    const v = sign(propose(newDraft(terms), at), 'defender-organisation', 'd1', at);
    expect(() => sign(v, 'defender-organisation', 'd2', at)).toThrow(/already signed/);
  });

  it('refuses signing a draft, activating before both signatures, editing a proposal', () => {
    const draft = newDraft(terms);
    expect(() => sign(draft, 'defender-organisation', 'd', at)).toThrow(InvalidTransitionError);
    const proposed = propose(draft, at);
    expect(() => activate(sign(proposed, 'defender-organisation', 'd', at), at)).toThrow(
      /both parties must sign/,
    );
    expect(() => editTerms(proposed, terms)).toThrow(/only drafts can be edited/);
  });

  it('withdrawing a proposal returns it to draft and clears signatures', () => {
    const v = withdraw(sign(propose(newDraft(terms), at), 'defender-organisation', 'd', at));
    expect(v).toMatchObject({ status: 'draft', signatures: [] });
    expect(v.proposedAt).toBeUndefined();
  });

  it('amends only the active version, into a new immutable draft version', () => {
    const active = activate(
      sign(
        sign(propose(newDraft(terms), at), 'protection-organisation', 'o', at),
        'defender-organisation',
        'd',
        at,
      ),
      at,
    );
    const v2 = amend(active, 1);
    expect(v2).toMatchObject({ version: 2, status: 'draft', amendsVersion: 1, signatures: [] });
    v2.terms.coachingCadence = 'P2W';
    expect(active.terms.coachingCadence).toBe('P1M');
    expect(() => amend(newDraft(terms), 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' }),
    );
    expect(supersede(active, at).status).toBe('superseded');
  });
});

describe('diffTerms', () => {
  it('lists changed, added and removed fields by path, matching interventions by reference', () => {
    const after = {
      coachingCadence: 'P2W',
      interventions: [
        { catalogueRef: 'method.early-warning', priority: 1 },
        { catalogueRef: 'measure.hiding-place', priority: 3 },
      ],
      autonomyGoals: { targetLevel: 3 },
    };
    expect(diffTerms(terms, after)).toEqual([
      { path: 'coachingCadence', before: 'P1M', after: 'P2W' },
      {
        path: 'interventions[measure.hiding-place]',
        after: { catalogueRef: 'measure.hiding-place', priority: 3 },
      },
      { path: 'interventions[method.early-warning].priority', before: 2, after: 1 },
      {
        path: 'interventions[topic.office-security]',
        before: { catalogueRef: 'topic.office-security', priority: 1 },
      },
    ]);
    expect(diffTerms(terms, structuredClone(terms))).toEqual([]);
  });
});
