import { GetQuietHoursController } from './get-quiet-hours/get-quiet-hours.controller';
import { PutQuietHoursController } from './put-quiet-hours/put-quiet-hours.controller';

/** The settings use cases' controllers; the gateway module registers whatever this lists. */
export const SETTINGS_CONTROLLERS = [GetQuietHoursController, PutQuietHoursController];
export { GatewayQuietHoursTables1 } from './quiet-hours.migrations';
export { QuietHoursConfig, defaultQuietHoursApplies, quietHoursForCampaign } from './quiet-hours.store';
