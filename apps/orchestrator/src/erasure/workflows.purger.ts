import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CAPACITY_BUILDING_WORKFLOW_TYPE } from '@trellis/contracts';
import type { ErasureScope, RecordPurger } from '@trellis/platform-erasure';
import { TRELLIS_ORGANISATION_ID } from '../temporal/search-attributes';

/** Tuning of {@link OrganisationWorkflowsPurger}. */
export interface WorkflowsPurgerOptions {
  /** Pause between two listings compared to see visibility settle (default 250 ms). */
  settleMs?: number;
  /** Listings at most before taking the last one (default 8). */
  maxListings?: number;
}

/** The terminate reason of a workflow ended by an erasure request (kept in its history). */
export function erasureTerminationReason(erasureRequestId: string): string {
  return `organisation-erased:${erasureRequestId}`;
}

/** A visibility query literal (ids are `[A-Za-z0-9._:-]`; quotes escaped regardless). */
function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

interface Execution {
  workflowId: string;
  runId: string;
}

/**
 * The organisation's running `capacityBuildingWorkflow`s, as the orchestrator's records of it
 * (kind `workflows`): {@link remove} terminates them with the reason
 * `organisation-erased:<erasureRequestId>`, and their deadline children (the children's parent
 * close policy terminates them too; they are terminated explicitly so none outlives its
 * parent even briefly). Found through the `TrellisOrganisationId` search attribute.
 *
 * The orchestrator keeps no database, so {@link count} is reproducible instead: the workflows
 * running now plus those whose last run was terminated by this very request (read from the
 * end of their history). A redelivered request therefore reports the same count, and a new
 * request for the same organisation reports zero.
 *
 * Visibility is eventually consistent (a workflow started a moment ago may not be listed yet),
 * so the first listing is repeated until two in a row agree.
 */
export class OrganisationWorkflowsPurger implements RecordPurger {
  readonly kind = 'workflows';
  private readonly settleMs: number;
  private readonly maxListings: number;

  constructor(
    private readonly client: Client,
    options: WorkflowsPurgerOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 250;
    this.maxListings = options.maxListings ?? 8;
  }

  async count(scope: ErasureScope): Promise<number> {
    const running = await this.settled(this.query(scope.organisationId, 'Running'));
    const terminated = await this.terminatedBy(scope);
    return new Set([...running.map((e) => e.workflowId), ...terminated]).size;
  }

  async remove(scope: ErasureScope): Promise<number> {
    const reason = erasureTerminationReason(scope.erasureRequestId);
    const running = await this.list(this.query(scope.organisationId, 'Running'));
    let terminated = 0;
    for (const { workflowId } of running) {
      if (await this.terminate(workflowId, reason)) terminated += 1;
      const children = await this.list(
        `ParentWorkflowId = ${literal(workflowId)} AND ExecutionStatus = 'Running'`,
      );
      for (const child of children) await this.terminate(child.workflowId, reason);
    }
    return terminated;
  }

  private query(organisationId: string, status: 'Running' | 'Terminated'): string {
    return [
      `${TRELLIS_ORGANISATION_ID.name} = ${literal(organisationId)}`,
      `WorkflowType = ${literal(CAPACITY_BUILDING_WORKFLOW_TYPE)}`,
      `ExecutionStatus = ${literal(status)}`,
    ].join(' AND ');
  }

  /** Workflow ids whose last run was terminated by this erasure request. */
  private async terminatedBy(scope: ErasureScope): Promise<string[]> {
    const reason = erasureTerminationReason(scope.erasureRequestId);
    const found: string[] = [];
    for (const execution of await this.list(this.query(scope.organisationId, 'Terminated'))) {
      const { history } = await this.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: this.client.options.namespace,
        execution,
        maximumPageSize: 1,
      });
      const last = history?.events?.[0];
      if (last?.workflowExecutionTerminatedEventAttributes?.reason === reason) {
        found.push(execution.workflowId);
      }
    }
    return found;
  }

  /** Terminates the current run; false when it had already closed (or never existed). */
  private async terminate(workflowId: string, reason: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(workflowId).terminate(reason);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  private async list(query: string): Promise<Execution[]> {
    const executions: Execution[] = [];
    for await (const info of this.client.workflow.list({ query })) {
      executions.push({ workflowId: info.workflowId, runId: info.runId });
    }
    return executions.sort((a, b) =>
      `${a.workflowId}/${a.runId}`.localeCompare(`${b.workflowId}/${b.runId}`),
    );
  }

  /** Lists until two listings in a row agree (visibility catching up), or the bound. */
  private async settled(query: string): Promise<Execution[]> {
    let previous = await this.list(query);
    for (let i = 1; i < this.maxListings; i++) {
      await new Promise((r) => setTimeout(r, this.settleMs));
      const next = await this.list(query);
      if (JSON.stringify(next) === JSON.stringify(previous)) return next;
      previous = next;
    }
    return previous;
  }
}
