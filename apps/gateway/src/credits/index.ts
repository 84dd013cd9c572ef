import { CreditsController } from './credits.controller';

/** The credit use cases' controllers; the gateway module registers whatever this lists. */
export const CREDIT_CONTROLLERS = [CreditsController];
