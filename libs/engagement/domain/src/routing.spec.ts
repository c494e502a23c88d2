import {
  conflictingCountries,
  duplicateCountries,
  OverlappingDesksError,
  routeEngagement,
  TRU_UNIT_ID,
} from './routing';

const desks = [
  { id: 'desk-andes', countries: ['CO', 'PE', 'EC'] },
  { id: 'desk-mesoamerica', countries: ['GT', 'HN', 'MX'] },
  { id: 'desk-closed', countries: ['KE'], active: false },
  { id: 'desk-empty', countries: [] },
];

describe('routeEngagement', () => {
  it('routes to the desk covering the country', () => {
    expect(routeEngagement('PE', desks)).toEqual({
      kind: 'desk',
      deskId: 'desk-andes',
      unitId: 'desk-andes',
    });
    expect(routeEngagement('MX', desks)).toEqual({
      kind: 'desk',
      deskId: 'desk-mesoamerica',
      unitId: 'desk-mesoamerica',
    });
  });

  it('ignores case and surrounding spaces', () => {
    expect(routeEngagement(' co ', desks)).toMatchObject({ deskId: 'desk-andes' });
  });

  it('sends organisations outside every desk to the Training and Research Unit', () => {
    expect(routeEngagement('FR', desks)).toEqual({ kind: 'tru', unitId: TRU_UNIT_ID });
    expect(routeEngagement('FR', [])).toEqual({ kind: 'tru', unitId: TRU_UNIT_ID });
  });

  it('does not route to a closed desk', () => {
    expect(routeEngagement('KE', desks)).toEqual({ kind: 'tru', unitId: TRU_UNIT_ID });
  });

  it('refuses to guess when two desks claim the same country', () => {
    const broken = [...desks, { id: 'desk-b', countries: ['pe'] }];
    expect(() => routeEngagement('PE', broken)).toThrow(OverlappingDesksError);
    expect(() => routeEngagement('PE', broken)).toThrow('desk-andes, desk-b');
  });
});

describe('desk country rules', () => {
  it('finds countries another active desk already covers', () => {
    expect(conflictingCountries(['gt', 'BR'], desks)).toEqual([
      { country: 'GT', deskId: 'desk-mesoamerica' },
    ]);
  });

  it('lets a desk keep its own countries and take a closed desk’s', () => {
    expect(conflictingCountries(['CO', 'PE'], desks, 'desk-andes')).toEqual([]);
    expect(conflictingCountries(['KE'], desks)).toEqual([]);
  });

  it('spots a country listed twice', () => {
    expect(duplicateCountries(['CO', 'co', 'PE'])).toEqual(['CO']);
    expect(duplicateCountries(['CO', 'PE'])).toEqual([]);
  });
});
