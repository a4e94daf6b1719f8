/**
 * Every Kubernetes object of ours carries these labels, so that `kubectl get all -l
 * app.kubernetes.io/part-of=codering-x` shows the whole system and nothing else.
 */

import { PART_OF, PART_OF_LABEL } from '../factory/nuclio';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export function coderingLabels(component: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    [PART_OF_LABEL]: PART_OF,
    'app.kubernetes.io/component': component,
    [MANAGED_BY_LABEL]: 'pulumi',
  };
}

/** The subset that selects a component's pods (stable: a selector cannot change after creation). */
export function selectorLabels(component: string): Record<string, string> {
  return { [PART_OF_LABEL]: PART_OF, 'app.kubernetes.io/component': component };
}
