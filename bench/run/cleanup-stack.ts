/**
 * What the bench must undo however it ends (normal end, an error, Ctrl-C): containers it started, the
 * API process and its workers. Undone last-in first-out, each step bounded and independent, so that
 * one failing step does not leave the others' containers behind.
 */

type Cleanup = { what: string; run: () => Promise<void> };

export class CleanupStack {
  private readonly steps: Cleanup[] = [];
  private running: Promise<void> | undefined;

  push(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }

  /** Runs every step once; later calls wait for the same run. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop() as Cleanup;
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.what} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }

  /** Ctrl-C and SIGTERM clean up, then exit with the signal's conventional status. */
  runOnSignals(): void {
    const handler = (signal: NodeJS.Signals): void => {
      console.error(`\n${signal}: cleaning up the bench's containers…`);
      void this.runAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  }
}
