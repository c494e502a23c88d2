import { Global, Module, type DynamicModule } from '@nestjs/common';
import { createLogger, type Logger, type LoggerOptions } from './logger.factory';
import { NestPinoLogger } from './nest-pino.logger';

/** Injection token of the service's pino `Logger`: `@Inject(LOGGER) logger: Logger`. */
export const LOGGER = Symbol('LOGGER');

/** Options of {@link LoggingModule.forRoot}: those of `createLogger()`. */
export type LoggingModuleOptions = LoggerOptions;

/**
 * Global module giving every provider the service's pino logger (`LOGGER`) and the
 * {@link NestPinoLogger} adapter for `app.useLogger(app.get(NestPinoLogger))`.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        { provide: LOGGER, useFactory: () => createLogger(options) },
        {
          provide: NestPinoLogger,
          useFactory: (logger: Logger) => new NestPinoLogger(logger),
          inject: [LOGGER],
        },
      ],
      exports: [LOGGER, NestPinoLogger],
    };
  }
}
