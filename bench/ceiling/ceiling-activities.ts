/** The ceiling flow's activity: nothing, so the flow measures only what Temporal costs. */
export const ceilingActivities = {
  async noop(): Promise<void> {},
};
