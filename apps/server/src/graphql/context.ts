import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type {
  CreateRunInput,
  Frame,
  Image,
  ImageConnection,
  Model,
  NoisePreset,
  NoisePresetInput,
  NoisePresetUpdateInput,
  RerunInput,
  Run,
  RunConnection,
  RunProgressEvent,
  RunSort,
  RunsFilter,
  RunUpdate,
  UploadImagePayload,
} from './types.ts';

// What the resolvers need; the resolvers stay thin and the services do the work.

export interface PageArgs {
  first: number;
  after?: string | null;
}

export interface ImageApi {
  list(page: PageArgs): Promise<ImageConnection>;
  get(id: string): Promise<Image | null>;
  upload(file: FileUpload): Promise<UploadImagePayload>;
  delete(id: string): Promise<boolean>;
}

export interface PresetApi {
  list(): Promise<NoisePreset[]>;
  create(input: NoisePresetInput): Promise<NoisePreset>;
  update(id: string, input: NoisePresetUpdateInput): Promise<NoisePreset>;
  delete(id: string): Promise<boolean>;
}

export interface RunApi {
  list(
    page: PageArgs,
    filter: RunsFilter | null | undefined,
    sort: RunSort | null | undefined,
  ): Promise<RunConnection>;
  get(id: string): Promise<Run | null>;
  keyframes(runId: string): Promise<Image[]>;
  frames(runId: string): Promise<Frame[]>;
  thumbnails(runId: string): Promise<Frame[]>;
  create(input: CreateRunInput): Promise<Run>;
  cancel(id: string): Promise<Run>;
  rerun(id: string, overrides: RerunInput | null | undefined): Promise<Run>;
  delete(id: string): Promise<boolean>;
  tag(id: string, tags: string[]): Promise<Run>;
  untag(id: string, tags: string[]): Promise<Run>;
}

export interface ModelApi {
  list(): Promise<Model[]>;
}

export interface ProgressApi {
  /** Stored frames first, then live events, without gap or duplicate; ends after the final status. */
  runProgress(runId: string, signal?: AbortSignal): Promise<AsyncIterable<RunProgressEvent>>;
  runUpdates(signal?: AbortSignal): AsyncIterable<RunUpdate>;
}

export interface Api {
  images: ImageApi;
  presets: PresetApi;
  runs: RunApi;
  models: ModelApi;
  progress: ProgressApi;
}

export interface GraphQLContext {
  api: Api;
}
