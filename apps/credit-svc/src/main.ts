import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { LedgerHandlers } from './ledger/ledger.handlers';
import { HoldExpiryTimer } from './ledger/hold-expiry.timer';
import { LedgerTables1, LedgerTables2, LedgerTables3 } from './migrations';

@Module({ controllers: [LedgerHandlers], providers: [HoldExpiryTimer] })
class CreditModule {}

export const creditService: ServiceDefinition = {
  name: 'credit-svc',
  schema: 'credit',
  migrations: [LedgerTables1, LedgerTables2, LedgerTables3],
  module: (platform: Platform) => ({ module: CreditModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.creditCommands],
  queryTopics: [TOPIC.creditQueries],
};

export const startCreditService = (options?: StartOptions) => startService(creditService, options);

if (require.main === module) runMain((options) => startCreditService(options), 'credit-svc');
