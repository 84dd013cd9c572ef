import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { DndHandlers } from './dnd/dnd.handlers';
import { DndTables1 } from './migrations';
import { OptInLookupInterim } from './dnd/opt-in-lookup.interim';

@Module({ controllers: [DndHandlers, OptInLookupInterim] })
class DndModule {}

export const dndService: ServiceDefinition = {
  name: 'dnd-svc',
  schema: 'dnd',
  migrations: [DndTables1],
  module: (platform: Platform) => ({ module: DndModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.dndCommands],
  queryTopics: [TOPIC.dndQueries],
};

export const startDndService = (options?: StartOptions) => startService(dndService, options);

if (require.main === module) runMain((options) => startDndService(options), 'dnd-svc');
