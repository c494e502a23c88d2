import { pickBenches } from './cli';

const all = [{ name: 'api' }, { name: 'events' }, { name: 'starts' }, { name: 'memory' }];

describe('pickBenches', () => {
  it('runs every benchmark without --only', () => {
    expect(pickBenches([], all)).toEqual(all);
  });

  it('keeps the runner order for --only a,b and --only=a,b', () => {
    expect(pickBenches(['--only', 'starts,api'], all).map((b) => b.name)).toEqual([
      'api',
      'starts',
    ]);
    expect(pickBenches(['--only=memory'], all).map((b) => b.name)).toEqual(['memory']);
  });

  it('rejects an unknown or missing name, listing the known ones', () => {
    expect(() => pickBenches(['--only', 'api,nope'], all)).toThrow(
      '--only expects some of api, events, starts, memory; got api,nope',
    );
    expect(() => pickBenches(['--only'], all)).toThrow('got nothing');
  });
});
