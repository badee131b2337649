/**
 * Keeps a running step's lease: renews it every third of its length until stopped. A renewal that
 * finds the lease gone (it lapsed and another run took the step, or counsel settled it) stops
 * renewing; the run then records nothing, since recording checks the lease too. A renewal that
 * fails (the database away for a moment) is tried again at the next tick.
 */
export class StepLease {
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(renew: () => Promise<boolean>, leaseMs: number) {
    this.timer = setInterval(() => {
      this.renewing = this.renewing.then(() =>
        renew().then(
          (held) => {
            if (!held) this.stop();
          },
          () => undefined,
        ),
      );
    }, Math.max(500, Math.floor(leaseMs / 3)));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
