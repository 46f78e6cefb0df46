import type { InstanceStatus } from '@mcp/protocol';

export interface HealthThresholds {
  /** Consecutive passes that bring a `down` instance back `up`. */
  healthyThreshold: number;
  /** Consecutive failures that take an `up` instance `down`. */
  unhealthyThreshold: number;
}

/**
 * An instance's status as its probes decide it: `unhealthyThreshold` failures in a row take it
 * down, `healthyThreshold` passes in a row bring it back, and a single result against the streak
 * starts the count again — so one slow answer does not flap a healthy instance.
 */
export class HealthState {
  private current: InstanceStatus;
  private passes = 0;
  private failures = 0;

  constructor(
    private readonly thresholds: HealthThresholds,
    status: InstanceStatus,
  ) {
    this.current = status;
  }

  get status(): InstanceStatus {
    return this.current;
  }

  /** Counts one probe result; answers the new status when this result crossed a threshold. */
  observe(passed: boolean): InstanceStatus | undefined {
    if (passed) {
      this.failures = 0;
      this.passes += 1;
      if (this.current === 'down' && this.passes >= this.thresholds.healthyThreshold) {
        return this.become('up');
      }
    } else {
      this.passes = 0;
      this.failures += 1;
      if (this.current === 'up' && this.failures >= this.thresholds.unhealthyThreshold) {
        return this.become('down');
      }
    }
    return undefined;
  }

  /** The status is known from elsewhere (a transition that could not be recorded, another replica): count afresh from it. */
  reset(status: InstanceStatus): void {
    this.current = status;
    this.passes = 0;
    this.failures = 0;
  }

  private become(status: InstanceStatus): InstanceStatus {
    this.reset(status);
    return status;
  }
}
