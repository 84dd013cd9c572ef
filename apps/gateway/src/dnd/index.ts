import { DndController } from './dnd.controller';

/** The DND use cases' controllers; the gateway module registers whatever this lists. */
export const DND_CONTROLLERS = [DndController];
