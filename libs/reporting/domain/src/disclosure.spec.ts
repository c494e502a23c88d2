import { DisclosureControl } from './disclosure';

const orgs = (n: number) => new Set(Array.from({ length: n }, (_, i) => `o${i}`));

describe('small-cell suppression', () => {
  it('suppresses counts of 1 to k−1 organisations, shows zero and larger counts', () => {
    const c = new DisclosureControl(5);
    const zero = c.count(0, orgs(0));
    const small = c.count(4, orgs(4));
    const ok = c.count(9, orgs(5));
    expect(c.figure(zero)).toEqual({ value: 0 });
    expect(c.figure(small)).toEqual({ value: null, suppressed: true });
    expect(c.figure(ok)).toEqual({ value: 9 });
  });

  it('suppresses a second part of a published total so the first cannot be recomputed', () => {
    const c = new DisclosureControl(5);
    const parts = [c.count(12, 12), c.count(2, 2), c.count(7, 7), c.count(30, 30)];
    const total = c.count(51, 51);
    c.sum(parts, total);
    expect(parts.map((p) => c.isSuppressed(p))).toEqual([false, true, true, false]);
    expect(c.isSuppressed(total)).toBe(false);
  });

  it('treats totals published by another query (implicit) like shown ones, across rows and columns', () => {
    const c = new DisclosureControl(5);
    // Two rows × two columns, margins published elsewhere.
    const a = c.count(3, 3);
    const b = c.count(10, 10);
    const d = c.count(20, 20);
    const e = c.count(8, 8);
    c.sum([a, b]);
    c.sum([d, e]);
    c.sum([a, d]);
    c.sum([b, e]);
    // a is small → b (row) and d (column) follow → e follows (its row and column).
    expect([a, b, d, e].map((x) => c.isSuppressed(x))).toEqual([true, true, true, true]);
  });

  it('protects a hidden complement ("did not reach") and suppresses derived figures with their inputs', () => {
    const c = new DisclosureControl(5);
    const total = c.count(12, 12);
    const reached = c.count(10, 10);
    c.sum([reached, c.count(2, 2, { hidden: true })], total);
    const share = c.derived(10 / 12, [reached, total]);
    const median = c.derived(42, [], 4);
    const none = c.derived(undefined, []);
    expect(c.figure(total)).toEqual({ value: 12 });
    expect(c.figure(reached)).toEqual({ value: null, suppressed: true });
    expect(c.figure(share)).toEqual({ value: null, suppressed: true });
    expect(c.figure(median)).toEqual({ value: null, suppressed: true });
    expect(c.figure(none)).toEqual({ value: null });
  });

  it('rejects a threshold below 1 and late cells', () => {
    expect(() => new DisclosureControl(0)).toThrow(RangeError);
    const c = new DisclosureControl(2);
    c.resolve();
    expect(() => c.count(1, 1)).toThrow(/after resolve/);
  });
});
