import { chartColumns, discoverReports, tabulate } from './reports';

const document = {
  paths: {
    '/api/reporting/reports/autonomy': {
      get: {
        summary: 'Autonomy levels by unit',
        parameters: [
          { name: 'unitId', in: 'query', schema: { type: 'string' } },
          { name: 'level', in: 'query', schema: { type: 'string', enum: ['0', '1'] } },
          { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          { name: 'x-trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: {
          '200': { content: { 'application/json': {}, 'text/csv': {} } },
        },
      },
    },
    '/api/reporting/reports/{reportId}': { get: { summary: 'One' } },
    '/api/reporting/health/ready': { get: { summary: 'Ready' } },
    '/api/reporting/reports/reach': { get: { summary: 'Cascade reach' }, post: {} },
    '/api/risk/threats': { get: { summary: 'Not a report' } },
  },
};

describe('reports from the OpenAPI document', () => {
  it('are the reporting GET routes without path parameters, with their query filters', () => {
    const reports = discoverReports(document);
    expect(reports.map((r) => [r.id, r.title, r.csv])).toEqual([
      ['reports/autonomy', 'Autonomy levels by unit', true],
      ['reports/reach', 'Cascade reach', false],
    ]);
    expect(reports[0]?.parameters).toEqual([
      { name: 'unitId', required: false, kind: 'text', options: [], description: undefined },
      {
        name: 'level',
        required: false,
        kind: 'choice',
        options: ['0', '1'],
        description: undefined,
      },
      { name: 'from', required: true, kind: 'date', options: [], description: undefined },
    ]);
    expect(discoverReports(null)).toEqual([]);
    expect(discoverReports({ paths: 'x' })).toEqual([]);
  });
});

describe('report answers as tables', () => {
  it('makes one table of an array of records, flattening one level', () => {
    const [table] = tabulate([
      { unit: 'desk-a', count: 4, levels: { low: 1, high: 3 } },
      { unit: 'desk-b', count: null, tags: ['x', 'y'] },
    ]);
    expect(table?.columns).toEqual(['unit', 'count', 'levels.low', 'levels.high', 'tags']);
    expect(table?.rows).toEqual([
      ['desk-a', 4, 1, 3, null],
      ['desk-b', null, null, null, 'x; y'],
    ]);
  });

  it('makes tables of an object: its scalars, its maps of numbers and its arrays', () => {
    const tables = tabulate({
      generatedAt: '2027-03-10',
      suppressedBelow: 5,
      byPhase: { agreement: 2, 'follow-up': 7 },
      units: [{ unitId: 'tru', engagements: 3 }],
    });
    expect(tables.map((t) => t.name)).toEqual(['summary', 'byPhase', 'units']);
    expect(tables[1]?.rows).toEqual([
      ['agreement', 2],
      ['follow-up', 7],
    ]);
  });

  it('charts a table with a text column and a number column', () => {
    const [table] = tabulate([
      { unit: 'a', n: 1 },
      { unit: 'b', n: null },
    ]);
    expect(table && chartColumns(table)).toEqual({ label: 0, value: 1 });
    const [noNumbers] = tabulate([{ a: 'x' }]);
    expect(noNumbers && chartColumns(noNumbers)).toBeUndefined();
  });
});
