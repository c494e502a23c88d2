import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { erasureTerminationReason, OrganisationWorkflowsPurger } from './workflows.purger';

interface FakeWorkflow {
  workflowId: string;
  runId: string;
  organisationId?: string;
  parentId?: string;
  type: string;
  status: 'Running' | 'Terminated' | 'Completed';
  reason?: string;
}

/** A Temporal client over an in-memory set of executions, answering the purger's queries. */
function fakeClient(workflows: FakeWorkflow[]) {
  const queries: string[] = [];
  const matches = (w: FakeWorkflow, query: string): boolean => {
    const value = (field: string) => new RegExp(`${field} = '([^']*)'`).exec(query)?.[1];
    const org = value('TrellisOrganisationId');
    const parent = value('ParentWorkflowId');
    const type = value('WorkflowType');
    const status = value('ExecutionStatus');
    return (
      (org === undefined || w.organisationId === org) &&
      (parent === undefined || w.parentId === parent) &&
      (type === undefined || w.type === type) &&
      (status === undefined || w.status === status)
    );
  };
  const client = {
    options: { namespace: 'default' },
    workflow: {
      list: ({ query }: { query: string }) => {
        queries.push(query);
        const found = workflows.filter((w) => matches(w, query));
        return (async function* () {
          for (const w of found) {
            yield await Promise.resolve({ workflowId: w.workflowId, runId: w.runId });
          }
        })();
      },
      getHandle: (workflowId: string) => ({
        terminate: (reason: string) => {
          const w = workflows.find((x) => x.workflowId === workflowId && x.status === 'Running');
          if (!w) {
            return Promise.reject(new WorkflowNotFoundError('closed', workflowId, undefined));
          }
          w.status = 'Terminated';
          w.reason = reason;
          for (const child of workflows.filter((c) => c.parentId === workflowId)) {
            if (child.status === 'Running') child.status = 'Terminated';
          }
          return Promise.resolve();
        },
      }),
    },
    workflowService: {
      getWorkflowExecutionHistoryReverse: ({
        execution,
      }: {
        execution: { workflowId: string; runId: string };
      }) => {
        const w = workflows.find(
          (x) => x.workflowId === execution.workflowId && x.runId === execution.runId,
        );
        return Promise.resolve({
          history: {
            events: [{ workflowExecutionTerminatedEventAttributes: { reason: w?.reason } }],
          },
        });
      },
    },
  } as unknown as Client;
  return { client, queries };
}

const TYPE = 'capacityBuildingWorkflow';
const scope = (erasureRequestId: string) => ({
  erasureRequestId,
  organisationId: 'org-a',
  engagementIds: [],
});

describe('OrganisationWorkflowsPurger', () => {
  function world(): FakeWorkflow[] {
    return [
      { workflowId: 'cb-1', runId: 'r1', organisationId: 'org-a', type: TYPE, status: 'Running' },
      { workflowId: 'cb-2', runId: 'r2', organisationId: 'org-a', type: TYPE, status: 'Running' },
      { workflowId: 'cb-3', runId: 'r3', organisationId: 'org-b', type: TYPE, status: 'Running' },
      // Ended before the erasure for another reason: not this request's.
      {
        workflowId: 'cb-4',
        runId: 'r4',
        organisationId: 'org-a',
        type: TYPE,
        status: 'Terminated',
        reason: 'engagement terminated',
      },
      { workflowId: 'd-1', runId: 'c1', parentId: 'cb-1', type: 'deadline', status: 'Running' },
      { workflowId: 'd-3', runId: 'c3', parentId: 'cb-3', type: 'deadline', status: 'Running' },
    ];
  }

  it('terminates the organisation’s running workflows and their children with the erasure reason', async () => {
    const workflows = world();
    const { client, queries } = fakeClient(workflows);
    const purger = new OrganisationWorkflowsPurger(client, { settleMs: 1 });

    expect(await purger.count(scope('req-1'))).toBe(2);
    expect(await purger.remove(scope('req-1'))).toBe(2);

    const byId = Object.fromEntries(workflows.map((w) => [w.workflowId, w]));
    expect(byId['cb-1']).toMatchObject({
      status: 'Terminated',
      reason: erasureTerminationReason('req-1'),
    });
    expect(byId['cb-2']?.status).toBe('Terminated');
    expect(byId['cb-3']?.status).toBe('Running');
    expect(byId['d-1']?.status).toBe('Terminated');
    expect(byId['d-3']?.status).toBe('Running');
    expect(byId['cb-4']?.reason).toBe('engagement terminated');
    expect(queries).toContain(
      "TrellisOrganisationId = 'org-a' AND WorkflowType = 'capacityBuildingWorkflow' AND ExecutionStatus = 'Running'",
    );
    expect(queries).toContain("ParentWorkflowId = 'cb-1' AND ExecutionStatus = 'Running'");
  });

  it('counts reproducibly: the same request again counts what it terminated, a new one zero', async () => {
    const workflows = world();
    const { client } = fakeClient(workflows);
    const purger = new OrganisationWorkflowsPurger(client, { settleMs: 1 });
    await purger.remove(scope('req-1'));

    expect(await purger.count(scope('req-1'))).toBe(2);
    expect(await purger.remove(scope('req-1'))).toBe(0);
    expect(await purger.count(scope('req-2'))).toBe(0);
  });

  it('waits for the listing to settle (visibility catching up with a fresh start)', async () => {
    const workflows = world().slice(0, 1);
    const { client, queries } = fakeClient(workflows);
    const purger = new OrganisationWorkflowsPurger(client, { settleMs: 1, maxListings: 5 });
    const late: FakeWorkflow = {
      workflowId: 'cb-late',
      runId: 'rl',
      organisationId: 'org-a',
      type: TYPE,
      status: 'Running',
    };
    const list = client.workflow.list.bind(client.workflow);
    let listings = 0;
    (client.workflow as { list: typeof list }).list = (options) => {
      listings += 1;
      if (listings === 2) workflows.push(late); // becomes visible after the first listing
      return list(options);
    };
    expect(await purger.count(scope('req-1'))).toBe(2);
    expect(queries.filter((q) => q.includes("'Running'")).length).toBeGreaterThanOrEqual(3);
  });
});
