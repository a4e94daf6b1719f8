/**
 * `docker run` flags that harden a bench container exactly like a warm worker. They are derived from
 * the worker's own create-container body (`workerContainerSpec`), not written again, so that the
 * floor and the peers' model always run under the same limits as our workers; a setting this
 * translator does not know stops the bench instead of being silently left out.
 */

import { DEFAULT_HARDENING, workerContainerSpec } from '../../registry-api/platform/local';

interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

interface WorkerHostConfig {
  NetworkMode: string;
  ReadonlyRootfs: boolean;
  Tmpfs: Record<string, string>;
  IpcMode: string;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  PidsLimit: number;
  CapDrop: string[];
  CapAdd: string[];
  SecurityOpt: string[];
  Ulimits: Ulimit[];
  LogConfig: { Type: string };
  AutoRemove: boolean;
  Privileged: boolean;
}

const KNOWN_HOST_CONFIG = new Set([
  'NetworkMode', 'ReadonlyRootfs', 'Tmpfs', 'IpcMode', 'Memory', 'MemorySwap', 'NanoCpus',
  'PidsLimit', 'CapDrop', 'CapAdd', 'SecurityOpt', 'Ulimits', 'LogConfig', 'AutoRemove', 'Privileged',
]);

/**
 * The hardening flags (no image, no command, no `--rm`/`-i`), with `labels` added. The worker's own
 * labels are not copied: a bench container must never look like a worker.
 */
export function hardenedRunFlags(labels: Record<string, string>): string[] {
  // uid 1000: the floor's shell loop runs as `--user 1000:1000`, and the workdir must be its own
  const spec = workerContainerSpec({ image: 'unused', name: 'unused', labels: {}, sandboxUid: 1000, cleanBudgetMs: 5000, hardening: DEFAULT_HARDENING });
  const unknown = Object.keys(spec.HostConfig as object).filter((key) => !KNOWN_HOST_CONFIG.has(key));
  if (unknown.length > 0) {
    throw new Error(`the worker spec has host settings the bench cannot mirror yet: ${unknown.join(', ')}`);
  }
  const env = (spec.Env as string[] | undefined) ?? [];
  if (env.some((entry) => !entry.startsWith('CODERING_'))) throw new Error('the worker spec sets an environment the bench does not mirror');
  const host = spec.HostConfig as WorkerHostConfig;
  if (host.Privileged) throw new Error('a privileged worker spec: refusing to mirror it');
  const flags = [
    '--network', host.NetworkMode,
    '--ipc', host.IpcMode,
    '--memory', String(host.Memory),
    '--memory-swap', String(host.MemorySwap),
    '--cpus', String(host.NanoCpus / 1e9),
    '--pids-limit', String(host.PidsLimit),
    '--log-driver', host.LogConfig.Type,
  ];
  if (host.ReadonlyRootfs) flags.push('--read-only');
  for (const [target, options] of Object.entries(host.Tmpfs)) flags.push('--tmpfs', `${target}:${options}`);
  for (const cap of host.CapDrop) flags.push('--cap-drop', cap);
  for (const cap of host.CapAdd) flags.push('--cap-add', cap);
  for (const option of host.SecurityOpt) flags.push('--security-opt', option);
  for (const limit of host.Ulimits) flags.push('--ulimit', `${limit.Name}=${limit.Soft}:${limit.Hard}`);
  for (const entry of env) flags.push('--env', entry);
  for (const [key, value] of Object.entries(labels)) flags.push('--label', `${key}=${value}`);
  return flags;
}
