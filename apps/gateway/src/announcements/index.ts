/** The announcement use cases' controllers; the gateway module registers whatever this lists. */
export const ANNOUNCEMENT_CONTROLLERS: Array<new (...args: never[]) => unknown> = [];
