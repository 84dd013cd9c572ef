import { CreateAnnouncementController } from './create-announcement/create-announcement.controller';
import { DeleteAnnouncementController } from './delete-announcement/delete-announcement.controller';
import { GetAnnouncementFileController } from './get-announcement-file/get-announcement-file.controller';
import { GetAnnouncementController } from './get-announcement/get-announcement.controller';
import { SearchAnnouncementsController } from './search-announcements/search-announcements.controller';
import { UpdateAnnouncementController } from './update-announcement/update-announcement.controller';
import { UploadAnnouncementFileController } from './upload-announcement-file/upload-announcement-file.controller';

/** The announcement use cases' controllers; the gateway module registers whatever this lists. */
export const ANNOUNCEMENT_CONTROLLERS: Array<new (...args: never[]) => unknown> = [
  CreateAnnouncementController,
  UploadAnnouncementFileController,
  GetAnnouncementFileController,
  UpdateAnnouncementController,
  DeleteAnnouncementController,
  SearchAnnouncementsController,
  GetAnnouncementController,
];
