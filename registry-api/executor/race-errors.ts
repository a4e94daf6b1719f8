/**
 * The two ways an attempt ends without a result that are not in the error catalogue: every worker of
 * the attempt failed (the executor retries), or the client went away (nobody is listening any more).
 */

export class AttemptFailed extends Error {
  constructor(readonly failures: string[]) {
    super(`every worker of the attempt failed: ${failures.join('; ')}`);
    this.name = 'AttemptFailed';
  }
}

export class RunAborted extends Error {
  constructor() {
    super('the client closed the connection before the run finished');
    this.name = 'RunAborted';
  }
}
