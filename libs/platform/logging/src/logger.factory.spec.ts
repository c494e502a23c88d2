import type { DestinationStream } from 'pino';
import { correlation } from './correlation';
import { createLogger, formatPrettyLine, prettyStream } from './logger.factory';
import { REDACTED } from './redaction';

type Line = Record<string, unknown>;

function capture(): { destination: DestinationStream; lines: Line[] } {
  const lines: Line[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) } };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level label, ISO time and message', () => {
    const { destination, lines } = capture();
    createLogger({ service: 'engagement-service', destination }).info({ eventId: 'e1' }, 'hello');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      service: 'engagement-service',
      level: 'info',
      msg: 'hello',
      eventId: 'e1',
    });
    expect(line['time']).toEqual(new Date(String(line['time'])).toISOString());
    expect(line).not.toHaveProperty('correlationId');
  });

  it('adds the current correlation id to every line, across awaits and timers', async () => {
    const { destination, lines } = capture();
    const logger = createLogger({ service: 's', destination });
    await correlation.run('corr-1', async () => {
      logger.info('before');
      await new Promise((r) => setTimeout(r, 5));
      logger.child({ component: 'relay' }).warn('after timer');
    });
    logger.info('outside');
    expect(lines.map((l) => [l['msg'], l['correlationId']])).toEqual([
      ['before', 'corr-1'],
      ['after timer', 'corr-1'],
      ['outside', undefined],
    ]);
    expect(lines[1]).toMatchObject({ component: 'relay', service: 's' });
  });

  it('redacts sensitive fields at any depth, in logged objects and child bindings', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ service: 's', destination });
    logger.info(
      {
        event: {
          id: 'e1',
          payload: {
            organisation: { country: 'GT', name: 'Org', contacts: [{ email: 'a@b.c' }] },
            threat: { facts: 'what happened', likelihood: 4 },
            deeper: { a: { b: { c: { d: { location: '14.6,-90.5', keep: 'ok' } } } } },
          },
        },
        headers: { authorization: 'Bearer x', 'set-cookie': 'sid=1', accept: 'json' },
      },
      'event received',
    );
    logger.child({ user: { email: 'u@x.y', id: 'u1' } }).info('child');
    logger.child({ component: 'a' }).child({ phone: '+502 555' }).info('grandchild');
    const raw = JSON.stringify(lines);
    for (const secret of [
      'Org',
      'a@b.c',
      'what happened',
      '14.6,-90.5',
      'Bearer x',
      'sid=1',
      'u@x.y',
    ]) {
      expect(raw).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      event: {
        id: 'e1',
        payload: {
          organisation: { country: 'GT', name: REDACTED, contacts: REDACTED },
          threat: { facts: REDACTED, likelihood: 4 },
          deeper: { a: { b: { c: { d: { location: REDACTED, keep: 'ok' } } } } },
        },
      },
      headers: { authorization: REDACTED, 'set-cookie': REDACTED, accept: 'json' },
    });
    expect(lines[1]).toMatchObject({ user: { email: REDACTED, id: 'u1' }, msg: 'child' });
    expect(lines[2]).toMatchObject({ component: 'a', phone: REDACTED, msg: 'grandchild' });
  });

  it('serialises errors with type, message and stack, redacting their properties', () => {
    const { destination, lines } = capture();
    const error = Object.assign(new TypeError('boom'), { keyValue: { email: 'x@y.z' } });
    createLogger({ service: 's', destination }).error({ err: error }, 'failed');
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'failed',
      err: { type: 'TypeError', message: 'boom', keyValue: { email: REDACTED } },
    });
    expect(String((lines[0]['err'] as Line)['stack'])).toContain('TypeError: boom');
  });

  it('respects the level', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ service: 's', level: 'warn', destination });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l['msg'])).toEqual(['kept']);
  });

  it('can write readable lines for development', () => {
    const out: string[] = [];
    const logger = createLogger({
      service: 's',
      destination: prettyStream({ write: (s: string) => out.push(s) }),
    });
    correlation.run('c-9', () => logger.info({ context: 'Relay', email: 'a@b.c', n: 1 }, 'sent'));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[s\] \(c-9\) Relay: sent \{"email":"\[REDACTED\]","n":1\}\n$/,
    );
  });

  it('passes unparseable lines through when pretty-printing', () => {
    expect(formatPrettyLine('not json')).toBe('not json\n');
  });
});
