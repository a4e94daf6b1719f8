import { FIRST_SANDBOX_UID, SandboxUids, SANDBOX_UID_COUNT } from '../../../registry-api/platform/local';

describe('SandboxUids', () => {
  it('hands out distinct uids from the base image range, and takes them back', () => {
    const uids = new SandboxUids();
    const taken = Array.from({ length: SANDBOX_UID_COUNT }, () => uids.take());
    expect(new Set(taken).size).toBe(SANDBOX_UID_COUNT);
    expect(Math.min(...taken)).toBe(FIRST_SANDBOX_UID);
    expect(Math.max(...taken)).toBe(FIRST_SANDBOX_UID + SANDBOX_UID_COUNT - 1);
    expect(() => uids.take()).toThrow(/no sandbox uid left/);
    uids.give(FIRST_SANDBOX_UID + 5);
    uids.give(FIRST_SANDBOX_UID + 5);
    expect(uids.take()).toBe(FIRST_SANDBOX_UID + 5);
    expect(() => uids.take()).toThrow();
  });
});
