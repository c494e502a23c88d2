import { errorCode, startTrainingApp, type TrainingTestApp } from '../testing/training-app.fixture';

interface Item {
  id: string;
  kind: string;
  level: string;
  sourceManual: string;
  threatTypes: string[];
}

describe('catalogue API on the real servers', () => {
  let t: TrainingTestApp;

  beforeAll(async () => {
    t = await startTrainingApp({ CONSUME_ENGAGEMENT_EVENTS: 'false' });
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('filters by kind, level, source manual and threat type, for every role including analysts', async () => {
    const analyst = await t.minter.analyst();
    const all = await t.call('GET', '/catalogue', analyst);
    expect(all.status).toBe(200);
    const lgbti = await t.call(
      'GET',
      '/catalogue?kind=training-module&sourceManual=lgbti',
      analyst,
    );
    const items = lgbti.body as Item[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan((all.body as Item[]).length);
    expect(items.every((i) => i.kind === 'training-module' && i.sourceManual === 'lgbti')).toBe(
      true,
    );
    const basic = await t.call(
      'GET',
      '/catalogue?level=basic&threatType=surveillance',
      await t.minter.defender('o'),
    );
    expect((basic.body as Item[]).length).toBeGreaterThan(0);
    expect(
      (basic.body as Item[]).every(
        (i) => i.level === 'basic' && i.threatTypes.includes('surveillance'),
      ),
    ).toBe(true);
    const bad = await t.call('GET', '/catalogue?kind=recipe', analyst);
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('returns a module with learning objectives, duration and (transitive) prerequisites; 404 for unknown ids', async () => {
    const officer = await t.minter.protectionOfficer('tru');
    const res = await t.call('GET', '/catalogue/training-module.threat-assessment', officer);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      kind: 'training-module',
      prerequisites: ['training-module.risk-analysis'],
      allPrerequisites: [
        'training-module.introduction-to-security-and-protection',
        'training-module.risk-analysis',
      ],
    });
    expect((res.json['learningObjectives'] as string[]).length).toBeGreaterThan(0);
    expect(res.json['durationMinutes']).toEqual(expect.any(Number));
    expect((await t.call('GET', '/catalogue/training-module.nothing', officer)).status).toBe(404);
  });
});
