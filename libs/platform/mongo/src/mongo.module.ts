import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import type { Connection, Schema } from 'mongoose';
import { createMongoConnection, pingMongo, type MongoConnectionOptions } from './mongo.connection';

/** Injection token of the service's mongoose `Connection`. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

/** Injects the mongoose `Connection` provided by `MongoModule.forRoot`. */
export const InjectConnection = (): PropertyDecorator & ParameterDecorator =>
  Inject(MONGO_CONNECTION);

/** Injection token of the model registered under `name` by `MongoModule.forFeature`. */
export function getModelToken(name: string): string {
  return `MongoModel:${name}`;
}

/** Injects a model registered by `MongoModule.forFeature`. */
export const InjectModel = (name: string): PropertyDecorator & ParameterDecorator =>
  Inject(getModelToken(name));

/**
 * Readiness check of the database: `check()` rejects when MongoDB does not answer a ping.
 * Its shape (`name`, `check()`) is what the HTTP health module expects.
 */
@Injectable()
export class MongoHealth {
  readonly name = 'mongodb';
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  /** Resolves when a ping succeeds within `timeoutMs`. */
  async check(timeoutMs = 2_000): Promise<void> {
    await pingMongo(this.connection, timeoutMs);
  }

  /** Round-trip time of a ping, in milliseconds. */
  ping(timeoutMs = 2_000): Promise<number> {
    return pingMongo(this.connection, timeoutMs);
  }
}

/** Closes the connection when the application shuts down (after in-flight work has stopped). */
@Injectable()
class MongoConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** Options of `MongoModule.forRootAsync`. */
export interface MongoModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...deps: never[]) => MongoConnectionOptions | Promise<MongoConnectionOptions>;
}

/** A model to register with `MongoModule.forFeature`. */
export interface ModelDefinition {
  name: string;
  schema: Schema;
  /** Collection name (default: mongoose's pluralised model name). */
  collection?: string;
}

/**
 * The service's MongoDB connection as a global NestJS module: `forRoot` (or `forRootAsync`, to
 * take the options from configuration) opens one mongoose connection, provides it under
 * `MONGO_CONNECTION`, provides `MongoHealth`, and closes the connection on shutdown.
 * `forFeature` registers models on that connection.
 */
@Module({})
export class MongoModule {
  static forRoot(options: MongoConnectionOptions): DynamicModule {
    return MongoModule.root(
      { provide: MONGO_CONNECTION, useFactory: () => createMongoConnection(options) },
      [],
    );
  }

  static forRootAsync(options: MongoModuleAsyncOptions): DynamicModule {
    // Nest passes the resolved `inject` dependencies in order.
    const factory = options.useFactory as (
      ...deps: unknown[]
    ) => MongoConnectionOptions | Promise<MongoConnectionOptions>;
    const connection: FactoryProvider<Promise<Connection>> = {
      provide: MONGO_CONNECTION,
      inject: options.inject ?? [],
      useFactory: async (...deps: unknown[]) => createMongoConnection(await factory(...deps)),
    };
    return MongoModule.root(connection, options.imports ?? []);
  }

  static forFeature(models: ModelDefinition[]): DynamicModule {
    const providers: Provider[] = models.map((m) => ({
      provide: getModelToken(m.name),
      inject: [MONGO_CONNECTION],
      useFactory: (connection: Connection) =>
        connection.models[m.name] ?? connection.model(m.name, m.schema, m.collection),
    }));
    return { module: MongoModule, providers, exports: providers };
  }

  private static root(
    connection: FactoryProvider<Connection | Promise<Connection>>,
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      imports,
      providers: [connection, MongoHealth, MongoConnectionCloser],
      exports: [MONGO_CONNECTION, MongoHealth],
    };
  }
}
