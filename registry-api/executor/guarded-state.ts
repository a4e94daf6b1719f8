/**
 * A state that moves only along a declared table of transitions. A race is driven by timers and by
 * promises that settle in any order; a move its table does not allow is a bug of ours, thrown where it
 * happens rather than left to decide, quietly, who holds which worker.
 */

export class IllegalTransition extends Error {
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly transition: string,
  ) {
    super(`${machine}: no transition ${transition} from ${from}`);
    this.name = 'IllegalTransition';
  }
}

/** For each state, the states it may move to. */
export type Transitions<S extends string> = { readonly [K in S]: readonly S[] };

export class GuardedState<S extends string> {
  constructor(
    private readonly machine: string,
    private current: S,
    private readonly transitions: Transitions<S>,
  ) {}

  get value(): S {
    return this.current;
  }

  is(...states: S[]): boolean {
    return states.includes(this.current);
  }

  move(to: S): void {
    if (!this.transitions[this.current].includes(to)) throw new IllegalTransition(this.machine, this.current, to);
    this.current = to;
  }
}
