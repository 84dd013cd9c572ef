import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TOPIC } from '@clarion/contracts';
import { PlatformModule, runMain, startService, type Platform, type ServiceDefinition, type StartOptions } from '@clarion/platform';
import { InboundReplyHandler } from './consent/inbound-reply.handler';
import { FilterRecipientsHandler } from './dnd/filter-recipients.handler';
import { ListEntriesHandler } from './dnd/list-entries.handler';
import { ListUploadsHandler } from './dnd/list-uploads.handler';
import { OptInListsHandler } from './dnd/opt-in-lists.handler';
import { DndTables1, DndTables2, DndTables3 } from './migrations';

@Module({ controllers: [FilterRecipientsHandler, ListUploadsHandler, ListEntriesHandler, OptInListsHandler, InboundReplyHandler] })
class DndModule {}

export const dndService: ServiceDefinition = {
  name: 'dnd-svc',
  schema: 'dnd',
  migrations: [DndTables1, DndTables2, DndTables3],
  module: (platform: Platform) => ({ module: DndModule, imports: [PlatformModule.forRoot(platform)] }),
  commandTopics: [TOPIC.dndCommands],
  queryTopics: [TOPIC.dndQueries],
};

export const startDndService = (options?: StartOptions) => startService(dndService, options);

if (require.main === module) runMain((options) => startDndService(options), 'dnd-svc');
