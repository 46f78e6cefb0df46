/**
 * Which way each heartbeat travels when the client was given Kafka brokers. A record on the
 * heartbeat topic gets no answer, so the SDK could not tell that its lease is gone; one beat in
 * `checkEvery` therefore goes over HTTP, where a 404 says so (and the instance registers again).
 * When a Kafka beat fails, the retry and the beats after it go over HTTP for one round of
 * `checkEvery`, so a client cut off from Kafka but not from the gateway keeps its lease, and an
 * unreachable broker costs one failed attempt per round rather than one per beat.
 */
export type HeartbeatTransport = 'kafka' | 'http';

export class HeartbeatRoute {
  private readonly checkEvery: number;
  /** Kafka beats delivered since the lease was last confirmed over HTTP. */
  private unchecked = 0;
  /** HTTP beats still to deliver before Kafka is tried again after a failure. */
  private fallback = 0;

  constructor(
    private readonly kafkaOffered: boolean,
    checkEvery: number,
  ) {
    if (!Number.isInteger(checkEvery) || checkEvery < 1) {
      throw new RangeError(`checkEvery must be a whole number of at least 1, got ${checkEvery}`);
    }
    this.checkEvery = checkEvery;
  }

  /** How the next heartbeat (or the retry of a failed one) goes. */
  next(): HeartbeatTransport {
    if (!this.kafkaOffered || this.fallback > 0) return 'http';
    return this.unchecked + 1 >= this.checkEvery ? 'http' : 'kafka';
  }

  /** A heartbeat got through: over HTTP that also confirmed the lease. */
  delivered(transport: HeartbeatTransport): void {
    if (transport === 'kafka') {
      this.unchecked += 1;
      return;
    }
    this.unchecked = 0;
    if (this.fallback > 0) this.fallback -= 1;
  }

  /** A heartbeat failed; after a Kafka failure HTTP takes over for a round. */
  failed(transport: HeartbeatTransport): void {
    if (transport === 'kafka') this.fallback = this.checkEvery;
  }

  /** The registry just granted the lease: that confirms it as an HTTP beat would. */
  registered(): void {
    this.unchecked = 0;
  }
}

/** About one lease check per TTL: the heartbeats that fit in one TTL, at least one. */
export function leaseCheckEvery(ttlMs: number, heartbeatIntervalMs: number): number {
  return Math.max(1, Math.floor(ttlMs / heartbeatIntervalMs));
}
