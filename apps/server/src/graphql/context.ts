import DataLoader from 'dataloader';
import type { FrameRecord, ImageRecord } from '@latent-lab/domain';
import type { DownloadService } from '../services/downloads.ts';
import type { ImageService } from '../services/images.ts';
import type { ModelCatalog } from '../services/models.ts';
import type { PresetService } from '../services/presets.ts';
import type { ProgressService } from '../services/progress.ts';
import type { RunService } from '../services/runs.ts';

/** The services the edges call; they take and return domain objects. */
export interface Services {
  images: ImageService;
  presets: PresetService;
  runs: RunService;
  models: ModelCatalog;
  progress: ProgressService;
  downloads: DownloadService;
}

/** What a thumbnail load needs of a run: frames are stored in index order, so the count names them. */
export interface RunRef {
  id: string;
  framesDone: number;
}

/** Per-operation batch loaders: a page of runs costs one query per field, not one per run. */
export interface Loaders {
  image: DataLoader<string, ImageRecord | null>;
  thumbnails: DataLoader<RunRef, FrameRecord[]>;
}

export interface GraphQLContext {
  services: Services;
  loaders: Loaders;
}

export function createContext(services: Services): GraphQLContext {
  return {
    services,
    loaders: {
      image: new DataLoader(async (ids) => {
        const images = new Map((await services.images.getMany(ids)).map((i) => [i.id, i]));
        return ids.map((id) => images.get(id) ?? null);
      }),
      thumbnails: new DataLoader(
        async (runs) => {
          const byRun = await services.runs.thumbnails(runs);
          return runs.map((run) => byRun.get(run.id) ?? []);
        },
        // Batched, never cached: a subscription keeps one context for all its events, and a
        // cached answer would show a running run's first (empty) thumbnails forever.
        { cache: false },
      ),
    },
  };
}
