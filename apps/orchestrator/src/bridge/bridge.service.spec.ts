import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  DeskCreatedV1,
  EngagementCreatedV1,
  eventFixture,
  IncidentReportedV1,
  workflowIdForEngagement,
} from '@trellis/contracts';
import { createLogger } from '@trellis/platform-logging';
import type { OrchestratorConfig } from '../config';
import { TRELLIS_ORGANISATION_ID } from '../temporal/search-attributes';
import { WorkflowBridge } from './bridge.service';

function fakeClient() {
  const calls: {
    op: string;
    id: string;
    name?: string;
    args?: unknown;
    attributes?: unknown;
  }[] = [];
  let alreadyStarted = false;
  const client = {
    workflow: {
      start: (
        type: string,
        opts: { workflowId: string; args: unknown[]; typedSearchAttributes?: unknown },
      ) => {
        if (alreadyStarted)
          return Promise.reject(
            new WorkflowExecutionAlreadyStartedError('exists', opts.workflowId, type),
          );
        calls.push({
          op: 'start',
          id: opts.workflowId,
          name: type,
          args: opts.args[0],
          attributes: opts.typedSearchAttributes,
        });
        return Promise.resolve();
      },
      getHandle: (id: string) => ({
        signal: (name: string, args: unknown) => {
          calls.push({ op: 'signal', id, name, args });
          return Promise.resolve();
        },
      }),
    },
  } as unknown as Client;
  return { client, calls, markStarted: () => (alreadyStarted = true) };
}

const config = { TEMPORAL_TASK_QUEUE: 'q' } as OrchestratorConfig;
const logger = createLogger({ service: 'test', level: 'silent' });

describe('WorkflowBridge', () => {
  it('starts the workflow for an engagement-created event, on the configured task queue, tagged with its organisation', async () => {
    const { client, calls } = fakeClient();
    const event = eventFixture(EngagementCreatedV1);
    expect(await new WorkflowBridge(client, config, logger).apply(event)).toBe('started');
    expect(calls).toEqual([
      expect.objectContaining({
        op: 'start',
        id: workflowIdForEngagement(event.payload.engagementId),
        name: 'capacityBuildingWorkflow',
        attributes: [{ key: TRELLIS_ORGANISATION_ID, value: event.payload.organisationId }],
      }),
    ]);
  });

  it('treats an already started workflow as success (redelivery)', async () => {
    const { client, markStarted } = fakeClient();
    markStarted();
    expect(
      await new WorkflowBridge(client, config, logger).apply(eventFixture(EngagementCreatedV1)),
    ).toBe('already-started');
  });

  it('signals the engagement’s workflow with the event id', async () => {
    const { client, calls } = fakeClient();
    const event = eventFixture(IncidentReportedV1);
    expect(await new WorkflowBridge(client, config, logger).apply(event)).toBe('signalled');
    expect(calls[0]).toMatchObject({
      op: 'signal',
      name: 'incidentReported.v1',
      args: expect.objectContaining({ eventId: event.id }),
    });
  });

  it('ignores events no workflow cares about', async () => {
    const { client, calls } = fakeClient();
    expect(
      await new WorkflowBridge(client, config, logger).apply(eventFixture(DeskCreatedV1)),
    ).toBe('ignored');
    expect(calls).toEqual([]);
  });
});
