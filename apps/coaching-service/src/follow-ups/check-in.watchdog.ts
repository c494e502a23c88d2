import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { LOGGER, type Logger } from '@trellis/platform-logging';
import { PollingLoop } from '../common/polling-loop';
import type { CoachingConfig } from '../config';
import { FollowUpsService } from './follow-ups.service';

/**
 * Looks every `CHECK_IN_POLL_MS` for site-visit check-ins past their deadline without a
 * safe-return confirmation and alerts the program manager
 * (`FollowUpsService.raiseMissedCheckIns`).
 */
@Injectable()
export class CheckInWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop?: PollingLoop;

  constructor(
    private readonly followUps: FollowUpsService,
    @Inject(CONFIG) private readonly config: CoachingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.CHECK_IN_AUTOSTART) return;
    this.loop = new PollingLoop(
      'check-in-watchdog',
      this.config.CHECK_IN_POLL_MS,
      () => this.followUps.raiseMissedCheckIns(),
      this.logger.child({ component: 'check-in-watchdog' }),
    );
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
  }
}
