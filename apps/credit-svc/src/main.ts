import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { LedgerHandlers } from './ledger/ledger.handlers';
import { LedgerTables1 } from './migrations';

@Module({ controllers: [LedgerHandlers] })
class CreditModule {}

export const creditService: ServiceDefinition = {
  name: 'credit-svc',
  schema: 'credit',
  migrations: [LedgerTables1],
  module: (platform: Platform) => ({ module: CreditModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.creditCommands],
  queryTopics: [TOPIC.creditQueries],
};

export const startCreditService = (options?: StartOptions) => startService(creditService, options);

if (require.main === module) runMain(() => startCreditService(), 'credit-svc');
