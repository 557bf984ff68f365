/*
 * The workflow sandbox makes Date deterministic (it is the time of the current workflow task), so it
 * is safe here; lint forbids it everywhere else in workflows/ so that every read of the clock goes
 * through these two functions.
 */
/* eslint-disable no-restricted-properties */
export const nowMs = (): number => Date.now();
export const nowIso = (): string => new Date(Date.now()).toISOString();
