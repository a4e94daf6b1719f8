/**
 * Follows one build's event stream (the classic builder's text: `Step n/m : INSTRUCTION`, the step's
 * output, ` ---> <id>` after each step) and keeps what a progress bar and a failure report need:
 * the current step, its last output lines, and the intermediate images the build made.
 */
import type { EngineEvent, ImageEngine } from '../engine';
import { LABELS } from '../tags';

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;
/** ` ---> 0123456789ab`: the image a step produced (or reused from the cache). */
const STEP_IMAGE = /^ ---> ([0-9a-f]{12,64})$/;
/** Terminal control sequences that apt and npm write even without a TTY. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export class BuildLog {
  step = 0;
  total = 0;
  instruction = '';
  /** Last non-empty line of output. */
  lastLine = '';
  /** Image ids (short) the steps produced, in order; the first is the FROM image's. */
  readonly stepImages: string[] = [];
  private stepLines: string[] = [];
  private readonly allLines: string[] = [];
  private partial = '';

  constructor(
    private readonly keepStepLines = 40,
    private readonly keepLines = 200,
  ) {}

  /** Feeds one event; returns true when something a progress display shows changed. */
  add(event: EngineEvent): boolean {
    const text = event.stream ?? (event.status ? `${event.status}${event.progress ? ` ${event.progress}` : ''}\n` : '');
    const errorText = event.error ?? event.errorDetail?.message;
    let changed = false;
    if (text) {
      this.partial += text.replace(ANSI, '');
      const lines = this.partial.split(/\r?\n|\r/);
      this.partial = lines.pop() ?? '';
      for (const line of lines) changed = this.line(line) || changed;
    }
    if (errorText) changed = this.line(errorText) || changed;
    return changed;
  }

  private line(raw: string): boolean {
    const line = raw.trimEnd();
    if (line.trim() === '') return false;
    const step = STEP.exec(line);
    if (step) {
      this.step = Number(step[1]);
      this.total = Number(step[2]);
      this.instruction = step[3] ?? '';
      this.stepLines = [];
    } else {
      const image = STEP_IMAGE.exec(line);
      if (image?.[1]) this.stepImages.push(image[1]);
    }
    this.push(this.stepLines, line, this.keepStepLines);
    this.push(this.allLines, line, this.keepLines);
    this.lastLine = line;
    return true;
  }

  private push(lines: string[], line: string, keep: number): void {
    lines.push(line);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  }

  /** The current step's header and its last output lines: what a failed build is reported with. */
  currentStepLines(): string[] {
    return [...this.stepLines];
  }

  lines(): string[] {
    return [...this.allLines];
  }
}

/**
 * Removes the intermediate images a build made (its ` ---> <id>` lines), newest first so that each
 * is a leaf when its turn comes. Only untagged images with our label go, never by force: an image
 * another image still builds on (a shared cache layer) is in use and stays. Returns the removed ids.
 */
export async function removeBuildLeftovers(engine: ImageEngine, stepImages: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const id of [...new Set(stepImages)].reverse()) {
    try {
      const image = await engine.inspectImage(id);
      if (!image || image.tags.length > 0 || image.labels[LABELS.managed] !== 'true') continue;
      if ((await engine.removeImage(image.id)) === 'removed') removed.push(image.id);
    } catch {
      // Cleaning up must never hide the build's own error.
    }
  }
  return removed;
}
