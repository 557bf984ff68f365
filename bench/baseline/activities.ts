/** The baseline's only activity: a body that does nothing. */
export async function noop(): Promise<void> {
  // nothing: the baseline measures Temporal's own cost of scheduling and completing an activity
}
