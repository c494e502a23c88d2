import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { CONFIG } from '@trellis/platform-config';
import type { OrchestratorConfig } from '../config';
import { ensureSearchAttributes } from './search-attributes';

export const TEMPORAL_CONNECTION = Symbol('TEMPORAL_CONNECTION');

/** Closes the Temporal client connection on shutdown. */
@Injectable()
class TemporalShutdown implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CONNECTION) private readonly connection: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** Readiness: the Temporal frontend answers. */
export async function checkTemporal(connection: Connection): Promise<void> {
  await connection.workflowService.getSystemInfo({});
}

/**
 * The Temporal client of the bridge (starts and signals workflows) and of the erasure
 * (terminates them); the orchestrator's custom search attributes are registered in the
 * namespace before the client is handed out.
 */
@Global()
@Module({
  providers: [
    {
      provide: TEMPORAL_CONNECTION,
      inject: [CONFIG],
      useFactory: (c: OrchestratorConfig) => Connection.connect({ address: c.TEMPORAL_ADDRESS }),
    },
    {
      provide: Client,
      inject: [TEMPORAL_CONNECTION, CONFIG],
      // The bridge sets TrellisOrganisationId on every workflow it starts: registered first.
      useFactory: async (connection: Connection, c: OrchestratorConfig) => {
        await ensureSearchAttributes(connection, c.TEMPORAL_NAMESPACE);
        return new Client({ connection, namespace: c.TEMPORAL_NAMESPACE });
      },
    },
    TemporalShutdown,
  ],
  exports: [TEMPORAL_CONNECTION, Client],
})
export class TemporalModule {}
