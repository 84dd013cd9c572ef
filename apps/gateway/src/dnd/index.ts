import { ExportConsentChangesController } from './consent/export-changes/export-changes.controller';
import { GetConsentHistoryController } from './consent/get-history/get-history.controller';
import { DeleteEntryController } from './delete-entry/delete-entry.controller';
import { GetEntryController } from './get-entry/get-entry.controller';
import { SearchEntriesController } from './search-entries/search-entries.controller';
import { UploadListController } from './upload-list/upload-list.controller';

/** The DND use cases' controllers; the gateway module registers whatever this lists. */
export const DND_CONTROLLERS = [UploadListController, DeleteEntryController, SearchEntriesController, GetEntryController, ExportConsentChangesController, GetConsentHistoryController];
