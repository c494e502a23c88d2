import { Injectable, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pino, { type DestinationStream } from 'pino';
import { correlation } from './correlation';
import { createLogger } from './logger.factory';
import { LOGGER, LoggingModule } from './logging.module';
import { NestPinoLogger } from './nest-pino.logger';
import { REDACTED } from './redaction';

type Line = Record<string, unknown>;

function capture(): { destination: DestinationStream; lines: Line[] } {
  const lines: Line[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) } };
}

describe('NestPinoLogger', () => {
  function adapter(level: pino.LevelWithSilent = 'trace') {
    const { destination, lines } = capture();
    return { lines, nest: new NestPinoLogger(createLogger({ service: 's', level, destination })) };
  }

  it('maps Nest levels onto pino levels', () => {
    const { nest, lines } = adapter();
    nest.verbose('v');
    nest.debug('d');
    nest.log('l');
    nest.warn('w');
    nest.error('e');
    nest.fatal('f');
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      ['trace', 'v'],
      ['debug', 'd'],
      ['info', 'l'],
      ['warn', 'w'],
      ['error', 'e'],
      ['fatal', 'f'],
    ]);
  });

  it('takes the trailing string as context', () => {
    const { nest, lines } = adapter();
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(lines[0]).toMatchObject({
      msg: 'Mapped {/health, GET} route',
      context: 'RouterExplorer',
    });
  });

  it('reads error(message, stack, context) and error(message, stack)', () => {
    const { nest, lines } = adapter();
    const stack = new Error('boom').stack!;
    nest.error('boom', stack, 'ExceptionsHandler');
    nest.error('boom', stack);
    nest.error('no stack', undefined, 'Ctx');
    expect(lines[0]).toMatchObject({ msg: 'boom', context: 'ExceptionsHandler', err: { stack } });
    expect(lines[1]).toMatchObject({ msg: 'boom', err: { stack } });
    expect(lines[1]).not.toHaveProperty('context');
    expect(lines[2]).toMatchObject({ msg: 'no stack', context: 'Ctx' });
    expect(lines[2]).not.toHaveProperty('err');
  });

  it('logs Error objects and plain objects, redacted', () => {
    const { nest, lines } = adapter();
    nest.error(new RangeError('out of range'), 'Ctx');
    nest.warn({ organisation: { name: 'Org', country: 'HN' } }, 'Ctx');
    nest.log('with extras', { email: 'a@b.c' }, 'Ctx');
    expect(lines[0]).toMatchObject({
      msg: 'out of range',
      context: 'Ctx',
      err: { type: 'RangeError' },
    });
    expect(lines[1]).toMatchObject({ data: { organisation: { name: REDACTED, country: 'HN' } } });
    expect(lines[2]).toMatchObject({
      msg: 'with extras',
      details: [{ email: REDACTED }],
      context: 'Ctx',
    });
  });

  it('sets the pino level from Nest log levels', () => {
    const { nest, lines } = adapter('info');
    nest.setLogLevels(['warn', 'error', 'fatal']);
    nest.log('dropped');
    nest.warn('kept');
    nest.setLogLevels(['verbose', 'log']);
    nest.verbose('now visible');
    nest.setLogLevels([]);
    nest.fatal('silent');
    expect(lines.map((l) => l['msg'])).toEqual(['kept', 'now visible']);
  });
});

describe('LoggingModule', () => {
  @Injectable()
  class Greeter {
    private readonly logger = new Logger(Greeter.name);
    greet(): void {
      this.logger.log('hello from Nest');
    }
  }

  it('provides LOGGER and routes Nest Logger calls through pino with the correlation id', async () => {
    const { destination, lines } = capture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot({ service: 'coaching-service', level: 'debug', destination }),
      ],
      providers: [Greeter],
    }).compile();
    moduleRef.useLogger(moduleRef.get(NestPinoLogger));
    try {
      moduleRef.get<pino.Logger>(LOGGER).debug('direct');
      correlation.run('c-42', () => moduleRef.get(Greeter).greet());
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'coaching-service', level: 'debug', msg: 'direct' }),
          expect.objectContaining({
            service: 'coaching-service',
            level: 'info',
            msg: 'hello from Nest',
            context: 'Greeter',
            correlationId: 'c-42',
          }),
        ]),
      );
    } finally {
      await moduleRef.close();
    }
  });
});
