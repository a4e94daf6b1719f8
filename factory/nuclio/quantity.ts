/**
 * Kubernetes quantities and Go durations from plain numbers: the builder computes sizes in bytes and
 * times in milliseconds, and Nuclio wants `256Mi` and `25s`.
 */

const MiB = 1024 * 1024;

/** Bytes as a quantity, in whole MiB rounded up (a limit is never made smaller than asked). */
export function bytesToQuantity(bytes: number): string {
  return `${Math.ceil(bytes / MiB)}Mi`;
}

/** Milliseconds as a Go duration in whole seconds, rounded up. */
export function msToDuration(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/** Parses the quantities `bytesToQuantity` and operators write: `512Mi`, `1Gi`, `300M`, `1048576`. */
export function quantityToBytes(quantity: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (match === null) return Number.NaN;
  const factors: Record<string, number> = {
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: MiB, Gi: 1024 * MiB, Ti: 1024 * 1024 * MiB,
  };
  return Number(match[1]) * (match[2] === undefined ? 1 : (factors[match[2]] ?? Number.NaN));
}
