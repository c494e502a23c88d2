import type { Phase } from '@trellis/contracts';
import type { UserSession } from './gateway.client';

/*
 * What the demo sees of the engagement, as a client would: its phase (polling
 * `GET /api/engagement/engagements/:id`) and the notifications in the inboxes of the people
 * involved (polling `GET /api/coaching/inbox?engagementId=`). New phases and notifications are
 * reported once each; the scenario waits on them.
 */

/** A notification as the coaching service's inbox shows it. */
export interface InboxNotification {
  id: string;
  kind: string;
  engagementId: string;
  obligationId?: string;
  obligationKind?: string;
  subjectId?: string;
  stage?: string;
  dueAt?: string;
  createdAt: string;
}

/** A notification seen in someone's inbox. */
export interface SeenNotification extends InboxNotification {
  /** Username of the inbox's owner. */
  recipient: string;
  /** Milliseconds since the scenario started when it was first seen. */
  elapsedMs: number;
}

/** A phase seen on the engagement. */
export interface SeenPhase {
  phase: Phase;
  elapsedMs: number;
}

/** Callbacks of the monitor. */
export interface MonitorListener {
  phase(phase: SeenPhase, previous: Phase | null): void;
  notification(notification: SeenNotification): void;
}

/** Raised when an expected change did not show within its time. */
export class ScenarioTimeoutError extends Error {
  override readonly name = 'ScenarioTimeoutError';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls the engagement and the inboxes until stopped; answers waits on what it saw. */
export class EngagementMonitor {
  readonly phases: SeenPhase[] = [];
  readonly notifications: SeenNotification[] = [];
  private readonly seen = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private lastError: Error | undefined;

  constructor(
    private readonly engagementId: string,
    /** Reads the engagement (any person of its unit). */
    private readonly reader: Pick<UserSession, 'get'>,
    /** Whose inboxes to watch. */
    private readonly inboxes: ReadonlyArray<Pick<UserSession, 'get' | 'username'>>,
    private readonly listener: MonitorListener,
    private readonly startedAt: number,
    private readonly intervalMs: number,
  ) {}

  /** The phase last seen (null before the first poll). */
  get currentPhase(): Phase | null {
    return this.phases[this.phases.length - 1]?.phase ?? null;
  }

  /** Starts polling (the first poll completes before this resolves). */
  async start(): Promise<void> {
    this.running = true;
    await this.pollOnce();
    this.loop = (async () => {
      while (this.running) {
        await sleep(this.intervalMs);
        if (this.running) await this.pollOnce();
      }
    })();
  }

  /** Stops polling after one last look. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    await this.pollOnce();
  }

  /** One poll of the engagement and every inbox (errors are kept; five in a row fail waits). */
  async pollOnce(): Promise<void> {
    try {
      const [engagement, ...inboxes] = await Promise.all([
        this.reader.get<{ phase: Phase }>(
          `/api/engagement/engagements/${this.engagementId}`,
          'watch the engagement phase',
        ),
        ...this.inboxes.map((person) =>
          person.get<InboxNotification[] | { items: InboxNotification[] }>(
            `/api/coaching/inbox?engagementId=${encodeURIComponent(this.engagementId)}`,
            `watch the inbox of ${person.username}`,
          ),
        ),
      ]);
      this.consecutiveFailures = 0;
      if (engagement.phase !== this.currentPhase) {
        const previous = this.currentPhase;
        const seen = { phase: engagement.phase, elapsedMs: Date.now() - this.startedAt };
        this.phases.push(seen);
        this.listener.phase(seen, previous);
      }
      inboxes.forEach((answer, i) => {
        const person = this.inboxes[i];
        if (person === undefined) return;
        const items = Array.isArray(answer) ? answer : answer.items;
        // Oldest first, so reminders are reported in the order they were created.
        const sorted = [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        for (const item of sorted) {
          const key = `${person.username}:${item.id}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
          const seen: SeenNotification = {
            ...item,
            recipient: person.username,
            elapsedMs: Date.now() - this.startedAt,
          };
          this.notifications.push(seen);
          this.listener.notification(seen);
        }
      });
    } catch (err) {
      this.consecutiveFailures += 1;
      this.lastError = err instanceof Error ? err : new Error(String(err));
    }
  }

  /**
   * Waits until `check` returns a value (checked against what the polls saw), at most
   * `timeoutMs`; `what` names the wait in the timeout error.
   */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (this.consecutiveFailures >= 5 && this.lastError) {
        throw new Error(`while waiting for ${what}: ${this.lastError.message}`);
      }
      if (Date.now() > deadline) {
        throw new ScenarioTimeoutError(
          `waited ${Math.round(timeoutMs / 1000)} s for ${what}; the engagement was last seen ` +
            `in phase ${this.currentPhase ?? 'unknown'}`,
        );
      }
      await sleep(100);
    }
  }

  /** Waits until the engagement is seen in `phase`. */
  waitForPhase(phase: Phase, timeoutMs: number): Promise<SeenPhase> {
    return this.waitFor(
      `the engagement to reach phase ${phase}`,
      () => {
        const current = this.phases[this.phases.length - 1];
        if (current?.phase === 'terminated' && phase !== 'terminated') {
          throw new Error(`the engagement was terminated while waiting for phase ${phase}`);
        }
        return this.phases.find((p) => p.phase === phase);
      },
      timeoutMs,
    );
  }

  /** Waits for a notification matching `predicate` (first seen wins). */
  waitForNotification(
    what: string,
    predicate: (n: SeenNotification) => boolean,
    timeoutMs: number,
  ): Promise<SeenNotification> {
    return this.waitFor(what, () => this.notifications.find(predicate), timeoutMs);
  }
}
