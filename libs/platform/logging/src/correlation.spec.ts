import { setImmediate as nextTick } from 'node:timers/promises';
import { CORRELATION_HEADER, correlation } from './correlation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation', () => {
  it('names the header shared by HTTP and Kafka', () => {
    expect(CORRELATION_HEADER).toBe('x-correlation-id');
  });

  it('has no id outside run()', () => {
    expect(correlation.id()).toBeUndefined();
  });

  it('follows awaits, timers, immediates and promise callbacks started inside run()', async () => {
    const seen = await correlation.run('req-1', async () => {
      const out: (string | undefined)[] = [correlation.id()];
      await Promise.resolve();
      out.push(correlation.id());
      await nextTick();
      out.push(correlation.id());
      out.push(
        await new Promise<string | undefined>((resolve) =>
          setTimeout(() => resolve(correlation.id()), 5),
        ),
      );
      out.push(
        await new Promise<string | undefined>((resolve) =>
          setImmediate(() => resolve(correlation.id())),
        ),
      );
      out.push(await Promise.resolve().then(() => correlation.id()));
      return out;
    });
    expect(seen).toEqual(['req-1', 'req-1', 'req-1', 'req-1', 'req-1', 'req-1']);
    expect(correlation.id()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const work = (id: string, delay: number) =>
      correlation.run(id, async () => {
        await new Promise((r) => setTimeout(r, delay));
        return correlation.id();
      });
    await expect(Promise.all([work('a', 20), work('b', 1), work('c', 10)])).resolves.toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('lets a nested run shadow the outer id and restores it afterwards', () => {
    correlation.run('outer', () => {
      expect(correlation.run('inner', () => correlation.id())).toBe('inner');
      expect(correlation.id()).toBe('outer');
    });
  });

  it('returns what fn returns', () => {
    expect(correlation.run('x', () => 42)).toBe(42);
  });

  describe('ensure()', () => {
    it('keeps a valid incoming id', () => {
      expect(correlation.ensure('abc-123_DEF:9.z')).toBe('abc-123_DEF:9.z');
      const max = 'a'.repeat(128);
      expect(correlation.ensure(max)).toBe(max);
    });

    it.each([
      ['missing', undefined],
      ['null', null],
      ['empty', ''],
      ['too long', 'a'.repeat(129)],
      ['with a space', 'a b'],
      ['with a newline (log injection)', 'abc\ninjected'],
      ['with a control character', 'abc\u0007'],
      ['non-ASCII', 'café'],
    ])('replaces an id that is %s with a new UUID', (_label, incoming) => {
      const id = correlation.ensure(incoming);
      expect(id).toMatch(UUID);
      expect(id).not.toBe(incoming);
    });

    it('generates a different id each time', () => {
      expect(correlation.ensure()).not.toBe(correlation.ensure());
    });
  });
});
