import { GetBalanceController } from './get-balance/get-balance.controller';
import { GetCreditController } from './get-credit/get-credit.controller';
import { SearchCreditsController } from './search-credits/search-credits.controller';

/** The credit use cases' controllers; the gateway module registers whatever this lists. */
export const CREDIT_CONTROLLERS = [SearchCreditsController, GetCreditController, GetBalanceController];
