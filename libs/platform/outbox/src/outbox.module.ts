import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';

/** Options of `OutboxModule.forRootAsync`. */
export interface OutboxModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Builds the relay's options from injected dependencies (connection, models, Kafka, logger). */
  useFactory: (...deps: never[]) => OutboxRelayOptions | Promise<OutboxRelayOptions>;
}

/**
 * Runs an `OutboxRelay` inside a NestJS application: provided (and exported) under the
 * `OutboxRelay` class token, started on bootstrap unless `autoStart: false`, stopped before
 * shutdown (the current document is finished), publisher disconnected on shutdown.
 */
@Module({})
export class OutboxModule {
  static forRootAsync(options: OutboxModuleAsyncOptions): DynamicModule {
    const factory = options.useFactory as (
      ...deps: unknown[]
    ) => OutboxRelayOptions | Promise<OutboxRelayOptions>;
    return {
      module: OutboxModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: OutboxRelay,
          inject: options.inject ?? [],
          useFactory: async (...deps: unknown[]) => new OutboxRelay(await factory(...deps)),
        },
      ],
      exports: [OutboxRelay],
    };
  }
}
