import DataLoader from 'dataloader';
import {
  notAMember,
  unauthenticated,
  type Actor,
  type FrameRecord,
  type ImageRecord,
  type UserRecord,
} from '@latent-lab/domain';
import type { AccountService, Identity } from '../services/accounts.ts';
import type { DownloadService } from '../services/downloads.ts';
import type { ImageService } from '../services/images.ts';
import type { ModelCatalog } from '../services/models.ts';
import type { PresetService } from '../services/presets.ts';
import type { ProgressService } from '../services/progress.ts';
import type { ReportService } from '../services/reports.ts';
import type { QueuePlace, RunService } from '../services/runs.ts';
import type { SweepService } from '../services/sweeps.ts';
import type { UrlSigner } from '../signed-urls.ts';

/** The services the edges call; they take and return domain objects. */
export interface Services {
  accounts: AccountService;
  images: ImageService;
  presets: PresetService;
  runs: RunService;
  reports: ReportService;
  sweeps: SweepService;
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
  user: DataLoader<string, UserRecord | null>;
  /** Queue places of the runs of one response, from one read of the queue. */
  queuePlace: DataLoader<string, QueuePlace | null>;
}

/** Who sent the request, as the edge (HTTP headers or the WebSocket's connection_init) found it. */
export interface RequestAuth {
  identity: Identity | null;
  /** X-Workspace-Id, or the WebSocket payload's workspaceId. */
  workspaceId: string | null;
  /** Where the request came from, for rate limits. */
  address: string;
  /** HTTP only: sets (or with null, clears) the dashboard's session cookie. */
  setSession?: (token: string | null) => void;
}

export interface GraphQLContext {
  services: Services;
  urls: UrlSigner;
  auth: RequestAuth;
  /** The signed-in identity; UNAUTHENTICATED without credentials. */
  identity(): Identity;
  /** The identity in the current workspace; every workspace operation goes through it. */
  actor(): Promise<Actor>;
  loaders: Loaders;
}

export function createContext(
  services: Services,
  urls: UrlSigner,
  auth: RequestAuth,
): GraphQLContext {
  let actor: Promise<Actor> | undefined;
  const identity = (): Identity => {
    if (!auth.identity) throw unauthenticated();
    return auth.identity;
  };
  const context: GraphQLContext = {
    services,
    urls,
    auth,
    identity,
    actor() {
      actor ??= services.accounts.actor(identity(), auth.workspaceId).then((found) => {
        // Signed in, so not UNAUTHENTICATED (a client would sign in again, to the same answer).
        if (!found)
          throw notAMember('you belong to no workspace: accept an invitation or create one');
        return found;
      });
      return actor;
    },
    loaders: {
      image: new DataLoader(async (ids) =>
        inIdOrder(ids, await services.images.getMany(await context.actor(), ids)),
      ),
      thumbnails: new DataLoader(
        async (runs) => {
          const byRun = await services.runs.thumbnails(runs);
          return runs.map((run) => byRun.get(run.id) ?? []);
        },
        // Batched, never cached: a subscription keeps one context for all its events, and a
        // cached answer would show a running run's first (empty) thumbnails forever.
        { cache: false },
      ),
      user: new DataLoader(async (ids) =>
        inIdOrder(ids, await services.accounts.users(await context.actor(), ids)),
      ),
      // Never cached, like thumbnails: a subscription's later events need the queue as it is then.
      queuePlace: new DataLoader((ids) => services.runs.queuePlaces(ids), { cache: false }),
    },
  };
  return context;
}

/** A batch loader's answer: the record of each id, in the ids' order; null where there is none. */
function inIdOrder<T extends { id: string }>(ids: readonly string[], records: T[]): (T | null)[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  return ids.map((id) => byId.get(id) ?? null);
}
