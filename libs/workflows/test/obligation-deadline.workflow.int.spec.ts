import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { EscalationRaisedV1, ObligationOpenedV1, ReminderDueV1 } from '@trellis/contracts';
import {
  deadlineQuery,
  obligationClosedSignal,
  obligationDeadlineWorkflow,
  scheduleChangedSignal,
  type ObligationDeadlineInput,
} from '../src/index';
import {
  DAY,
  callsOf,
  eventually,
  recordingActivities,
  testWorker,
  bundleWorkflows,
  timeSkippingTestEnvironment,
} from './workflow-test-kit';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows();
});

// A fresh test server per test: time skipping is global to a server, and a failed test must
// not leave running workflows that hold time still for the next one.
beforeEach(async () => {
  env = await timeSkippingTestEnvironment();
});

afterEach(async () => {
  await env?.teardown();
});

function deadlineInput(dueAtMs: number): ObligationDeadlineInput {
  return {
    engagementId: 'eng-1',
    organisationId: 'org-1',
    unitId: 'desk-1',
    obligationId: `risk-assessment-${randomUUID().slice(0, 8)}`,
    obligationKind: 'risk-assessment',
    assigneeId: 'officer-1',
    programManagerId: 'pm-1',
    dueAt: new Date(dueAtMs).toISOString(),
    reminderLeadTime: 'P3D',
    escalationGracePeriod: 'P2D',
    revision: 1,
  };
}

async function startDeadline(dueInDays: number) {
  const { activities, calls } = recordingActivities();
  const { worker, taskQueue } = await testWorker(env, bundle, activities);
  const now = await env.currentTimeMs();
  const input = deadlineInput(now + dueInDays * DAY);
  const handle = await env.client.workflow.start(obligationDeadlineWorkflow, {
    taskQueue,
    workflowId: `deadline-${randomUUID()}`,
    args: [input],
  });
  return { worker, handle, calls, input, now };
}

describe('obligationDeadlineWorkflow', () => {
  it('reminds the assignee the lead time before the due date and on it', async () => {
    const { worker, handle, calls, input } = await startDeadline(10);
    await worker.runUntil(async () => {
      const opened = await eventually(() => {
        const [event] = callsOf(calls, 'publishObligationEvent');
        expect(event?.['type']).toBe('reminders.obligation.opened');
        return event;
      });
      expect(ObligationOpenedV1.payload.parse(opened?.['payload'])).toMatchObject({
        assigneeId: 'officer-1',
        dueAt: input.dueAt,
      });
      await env.sleep(7 * DAY - 3_600_000);
      expect(callsOf(calls, 'publishReminder')).toHaveLength(0);
      await env.sleep(2 * 3_600_000);
      const lead = await eventually(() => {
        const reminders = callsOf(calls, 'publishReminder');
        expect(reminders).toHaveLength(1);
        return reminders[0];
      });
      expect(ReminderDueV1.payload.parse(lead?.['payload'])).toMatchObject({
        stage: 'lead',
        assigneeId: 'officer-1',
        dueAt: input.dueAt,
      });
      await env.sleep(3 * DAY);
      const due = await eventually(() => {
        const reminders = callsOf(calls, 'publishReminder');
        expect(reminders).toHaveLength(2);
        return reminders[1];
      });
      expect(due?.['payload']).toMatchObject({ stage: 'due' });
      expect(due?.['eventId']).not.toBe(lead?.['eventId']);
      expect(callsOf(calls, 'publishEscalation')).toHaveLength(0);

      await handle.signal(obligationClosedSignal, {
        outcome: 'fulfilled',
        fulfilledAt: new Date(await env.currentTimeMs()).toISOString(),
      });
      const result = await handle.result();
      expect(result.outcome).toBe('fulfilled');
      expect(result.sent.map((s) => s.stage)).toEqual(['lead', 'due']);
      const fulfilled = callsOf(calls, 'publishObligationEvent').at(-1);
      expect(fulfilled).toMatchObject({
        type: 'reminders.obligation.fulfilled',
        payload: { late: true },
      });
    });
  });

  it('escalates to the program manager after the grace period', async () => {
    const { worker, handle, calls, input } = await startDeadline(5);
    await worker.runUntil(async () => {
      await env.sleep(5 * DAY + 1_000);
      await eventually(() => expect(callsOf(calls, 'publishReminder')).toHaveLength(2));
      expect(callsOf(calls, 'publishEscalation')).toHaveLength(0);
      await env.sleep(2 * DAY);
      const escalation = await eventually(() => {
        const escalations = callsOf(calls, 'publishEscalation');
        expect(escalations).toHaveLength(1);
        return escalations[0];
      });
      expect(EscalationRaisedV1.payload.parse(escalation?.['payload'])).toMatchObject({
        programManagerId: 'pm-1',
        assigneeId: 'officer-1',
        dueAt: input.dueAt,
        overdueSince: input.dueAt,
      });
      expect(await handle.query(deadlineQuery)).toMatchObject({
        sent: ['lead', 'due', 'escalation'],
        closed: null,
      });
      await handle.signal(obligationClosedSignal, { outcome: 'cancelled', reason: 'superseded' });
      expect((await handle.result()).outcome).toBe('cancelled');
      expect(callsOf(calls, 'publishObligationEvent').at(-1)).toMatchObject({
        type: 'reminders.obligation.cancelled',
        payload: { reason: 'superseded' },
      });
    });
  });

  it('stops when fulfilled early: no reminder after fulfilment', async () => {
    const { worker, handle, calls } = await startDeadline(10);
    await worker.runUntil(async () => {
      await env.sleep(DAY);
      const sourceEventId = randomUUID();
      await handle.signal(obligationClosedSignal, {
        outcome: 'fulfilled',
        fulfilledAt: new Date(await env.currentTimeMs()).toISOString(),
        sourceEventId,
      });
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'fulfilled', sent: [], sentForDueAt: [] });
      await env.sleep(30 * DAY);
      expect(callsOf(calls, 'publishReminder')).toHaveLength(0);
      expect(callsOf(calls, 'publishEscalation')).toHaveLength(0);
      expect(callsOf(calls, 'publishObligationEvent').at(-1)).toMatchObject({
        type: 'reminders.obligation.fulfilled',
        payload: { late: false, sourceEventId },
      });
    });
  });

  it('is silent while suspended and reminds again for a moved due date', async () => {
    const { worker, handle, calls, input } = await startDeadline(5);
    await worker.runUntil(async () => {
      const schedule = {
        dueAt: input.dueAt,
        assigneeId: 'officer-1',
        programManagerId: 'pm-1',
      };
      await handle.signal(scheduleChangedSignal, { ...schedule, revision: 2, suspended: true });
      await eventually(async () =>
        expect(await handle.query(deadlineQuery)).toMatchObject({ suspended: true }),
      );
      await env.sleep(10 * DAY);
      expect(callsOf(calls, 'publishReminder')).toHaveLength(0);

      const now = await env.currentTimeMs();
      const movedDueAt = new Date(now + 5 * DAY).toISOString();
      await handle.signal(scheduleChangedSignal, {
        ...schedule,
        dueAt: movedDueAt,
        assigneeId: 'officer-2',
        revision: 3,
        suspended: false,
        reason: 'engagement-resumed',
      });
      // A stale revision is ignored.
      await handle.signal(scheduleChangedSignal, { ...schedule, revision: 2, suspended: true });
      await eventually(() =>
        expect(callsOf(calls, 'publishObligationEvent').at(-1)).toMatchObject({
          type: 'reminders.obligation.rescheduled',
          payload: { previousDueAt: input.dueAt, dueAt: movedDueAt, reason: 'engagement-resumed' },
        }),
      );
      await env.sleep(5 * DAY + 1_000);
      const reminders = await eventually(() => {
        const r = callsOf(calls, 'publishReminder');
        expect(r).toHaveLength(2);
        return r;
      });
      expect(reminders.map((r) => r['payload'])).toEqual([
        expect.objectContaining({ stage: 'lead', dueAt: movedDueAt, assigneeId: 'officer-2' }),
        expect.objectContaining({ stage: 'due', dueAt: movedDueAt, assigneeId: 'officer-2' }),
      ]);
      await handle.signal(obligationClosedSignal, { outcome: 'cancelled', reason: 'superseded' });
      await handle.result();
    });
  });

  it('sends only the due reminder for an obligation opened after its due instant', async () => {
    const { worker, handle, calls } = await startDeadline(-1);
    await worker.runUntil(async () => {
      const [due] = await eventually(() => {
        const r = callsOf(calls, 'publishReminder');
        expect(r).toHaveLength(1);
        return r;
      });
      expect(due?.['payload']).toMatchObject({ stage: 'due' });
      expect(await handle.query(deadlineQuery)).toMatchObject({ sent: ['lead', 'due'] });
      await handle.signal(obligationClosedSignal, { outcome: 'cancelled', reason: 'superseded' });
      await handle.result();
    });
  });
});
