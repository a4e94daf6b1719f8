/**
 * Shows a build's progress: on a terminal one cli-progress bar per image of the chain (base, runtime,
 * exercise) advancing step by step with the build's last line; elsewhere (CI logs) one line per step.
 * Everything goes to stderr: stdout carries only the result (`reference@digest`).
 */
import cliProgress from 'cli-progress';
import type { BuildProgress } from '../builder';

export class BuildProgressDisplay {
  private readonly multibar: cliProgress.MultiBar | null;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly lastStep = new Map<string, string>();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.multibar = stream.isTTY
      ? new cliProgress.MultiBar(
          {
            stream,
            format: '{stage} |{bar}| {value}/{total} {message}',
            barsize: 24,
            hideCursor: true,
            clearOnComplete: false,
            stopOnComplete: false,
            forceRedraw: true,
            autopadding: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  update(progress: BuildProgress): void {
    if (this.multibar) {
      const width = Math.max(20, (this.stream.columns ?? 100) - 48);
      const message = oneLine(progress.message).slice(0, width);
      let bar = this.bars.get(progress.stage);
      if (!bar) {
        bar = this.multibar.create(Math.max(progress.total, 1), 0, { stage: progress.stage.padEnd(8), message });
        this.bars.set(progress.stage, bar);
      }
      if (progress.total > 0) {
        bar.setTotal(progress.total);
        bar.update(progress.step, { message });
      } else {
        bar.update({ message });
      }
      return;
    }
    // Not a terminal: one line per step, and the build/pull/push phases once each (not every layer's
    // byte counts).
    if (progress.total === 0 && !/^(building|pulling|pushing) /.test(progress.message)) return;
    const key = progress.total > 0 ? `${progress.step}/${progress.total}` : progress.message;
    if (this.lastStep.get(progress.stage) === key) return;
    this.lastStep.set(progress.stage, key);
    const where = progress.total > 0 ? ` ${progress.step}/${progress.total}` : '';
    this.stream.write(`[${progress.stage}]${where} ${oneLine(progress.message).slice(0, 160)}\n`);
  }

  /** Marks every bar complete (success) or leaves it where it stopped (failure), then releases the terminal. */
  stop(success: boolean): void {
    if (!this.multibar) return;
    if (success) {
      for (const bar of this.bars.values()) bar.update(bar.getTotal(), { message: 'done' });
    }
    this.multibar.stop();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
