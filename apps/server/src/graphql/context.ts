import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type * as Schema from './types.ts';

// What the resolvers need; the resolvers stay thin and the services do the work.

export interface PageArgs {
  first: number;
  after?: string | null;
}

export interface ImageApi {
  list(page: PageArgs): Promise<Schema.ImageConnection>;
  get(id: string): Promise<Schema.Image | null>;
  upload(file: FileUpload): Promise<Schema.UploadImagePayload>;
  delete(id: string): Promise<boolean>;
}

export interface PresetApi {
  list(): Promise<Schema.NoisePreset[]>;
  create(input: Schema.NoisePresetInput): Promise<Schema.NoisePreset>;
  update(id: string, input: Schema.NoisePresetUpdateInput): Promise<Schema.NoisePreset>;
  delete(id: string): Promise<boolean>;
}

export interface RunApi {
  list(
    page: PageArgs,
    filter: Schema.RunsFilter | null | undefined,
    sort: Schema.RunSort | null | undefined,
  ): Promise<Schema.RunConnection>;
  get(id: string): Promise<Schema.Run | null>;
  keyframes(runId: string): Promise<Schema.Image[]>;
  frames(runId: string): Promise<Schema.Frame[]>;
  thumbnails(runId: string): Promise<Schema.Frame[]>;
  create(input: Schema.CreateRunInput): Promise<Schema.Run>;
  cancel(id: string): Promise<Schema.Run>;
  rerun(id: string, overrides: Schema.RerunInput | null | undefined): Promise<Schema.Run>;
  delete(id: string): Promise<boolean>;
  tag(id: string, tags: string[]): Promise<Schema.Run>;
  untag(id: string, tags: string[]): Promise<Schema.Run>;
}

export interface ModelApi {
  list(): Promise<Schema.Model[]>;
}

export interface ProgressApi {
  /** Stored frames first, then live events, without gap or duplicate; ends after the final status. */
  runProgress(runId: string, signal?: AbortSignal): Promise<AsyncIterable<Schema.RunProgressEvent>>;
  runUpdates(signal?: AbortSignal): AsyncIterable<Schema.RunUpdate>;
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
