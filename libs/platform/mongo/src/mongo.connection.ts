import mongoose, { type ConnectOptions, type Connection } from 'mongoose';

/** How to reach the service's database. */
export interface MongoConnectionOptions {
  /** `mongodb://` URL (FerretDB locally, a MongoDB replica set in production). */
  url: string;
  /** Database name; defaults to the URL's path. One of the two is required. */
  dbName?: string;
  /** Reported to the server (shows in its logs and `currentOp`), e.g. `engagement-service`. */
  appName: string;
  /** How long an operation waits for a reachable server before failing (default 5000 ms). */
  serverSelectionTimeoutMS?: number;
  /** Connection pool size (default 20). */
  maxPoolSize?: number;
  /** Build the schemas' indexes when models are compiled (default true). */
  autoIndex?: boolean;
}

/** The database named by the options or the URL; throws when there is none. */
export function databaseName(options: Pick<MongoConnectionOptions, 'url' | 'dbName'>): string {
  if (options.dbName) return options.dbName;
  let path: string;
  try {
    // Only the path is read: the URL may carry credentials, which must never reach a message.
    path = new URL(options.url).pathname.replace(/^\//, '');
  } catch {
    throw new Error('MongoDB url is not a valid mongodb:// URL');
  }
  if (!path) throw new Error('MongoDB database name missing: set dbName or put it in the url');
  return decodeURIComponent(path);
}

/**
 * Driver options that suit both FerretDB 1.24 and a MongoDB replica set: a bounded server
 * selection time (fail fast instead of buffering for 30 s), no `replicaSet` forced (FerretDB
 * reports none; a replica set URL carries its own), no buffering of commands while
 * disconnected.
 */
export function mongoConnectOptions(options: MongoConnectionOptions): ConnectOptions {
  return {
    dbName: databaseName(options),
    appName: options.appName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 10_000,
    maxPoolSize: options.maxPoolSize ?? 20,
    autoIndex: options.autoIndex ?? true,
    autoCreate: true,
    bufferCommands: false,
  };
}

/** Opens a dedicated mongoose connection (not mongoose's global one) and waits until it is up. */
export async function createMongoConnection(options: MongoConnectionOptions): Promise<Connection> {
  return mongoose.createConnection(options.url, mongoConnectOptions(options)).asPromise();
}

/**
 * Pings the server through `connection`; resolves with the round-trip time in milliseconds,
 * rejects when the connection is closed, the server does not answer within `timeoutMs`, or the
 * ping fails. Used by `/health/ready`.
 */
export async function pingMongo(connection: Connection, timeoutMs = 2_000): Promise<number> {
  const db = connection.db;
  if (connection.readyState !== mongoose.ConnectionStates.connected || !db) {
    throw new Error('MongoDB is not connected');
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`MongoDB did not answer a ping within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return Math.round(performance.now() - started);
}
