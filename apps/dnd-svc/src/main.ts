import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { DndHandlers } from './dnd/dnd.handlers';
import { DndTables1 } from './migrations';

@Module({ controllers: [DndHandlers] })
class DndModule {}

export const dndService: ServiceDefinition = {
  name: 'dnd-svc',
  schema: 'dnd',
  migrations: [DndTables1],
  module: (platform: Platform) => ({ module: DndModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.dndCommands],
};

export const startDndService = (options?: StartOptions) => startService(dndService, options);

if (require.main === module) runMain((options) => startDndService(options), 'dnd-svc');
