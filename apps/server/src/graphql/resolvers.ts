import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import {
  Arg,
  Ctx,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { RerunCommand, RunFilter, RunSort as DbRunSort } from '../services/runs.ts';
import { AccountResolver } from './accounts.ts';
import { creator, DEFAULT_PAGE, runCommand, withoutNulls } from './edges.ts';
import { SweepResolver } from './sweeps.ts';
import type { GraphQLContext } from './context.ts';
import { ReportResolver } from './reports.ts';
import { toFrame, toImage, toRun } from './mappers.ts';
import {
  CreateRunInput,
  Frame,
  FrameConnection,
  Image,
  ImageConnection,
  User,
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
  WorkspaceQuota,
} from './types.ts';

// Thin edges: translate arguments to service calls and domain records to schema objects.

/** The events of a subscription, each mapped; ending the mapped stream ends the source. */
async function* mapEvents<T, U>(source: AsyncIterable<T>, map: (event: T) => U): AsyncGenerator<U> {
  for await (const event of source) yield map(event);
}

/** The stream `open` returns, opened at the first read, so that an error opening it reaches the reader. */
async function* openWhenRead(open: () => AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* open();
}

function runFilter(filter: RunsFilter | null): RunFilter {
  if (!filter) return {};
  const { metrics, ...rest } = withoutNulls(filter);
  const ranges = metrics?.map(({ metric, ...bounds }) => ({ metric, ...withoutNulls(bounds) }));
  return { ...rest, ...(ranges ? { metrics: ranges } : {}) };
}

function runSort(sort: RunSort | null): DbRunSort {
  return `${sort?.field ?? 'CREATED_AT'}_${sort?.direction ?? 'DESC'}`;
}

function rerunCommand(input: RerunInput | null): RerunCommand {
  if (!input) return {};
  const { name, tags, presetId, imageIds, ...params } = input;
  return {
    name,
    tags,
    presetId,
    params: { ...withoutNulls(params), keyframes: imageIds ?? undefined },
  };
}

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => ImageConnection)
  async images(
    @Ctx() context: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PAGE, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ImageConnection> {
    const page = await context.services.images.list(await context.actor(), { first, after });
    return { ...page, nodes: page.nodes.map((image) => toImage(image, context.urls)) };
  }

  @Query(() => Image, { nullable: true })
  async image(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Image | null> {
    const image = await context.services.images.get(await context.actor(), id);
    return image && toImage(image, context.urls);
  }

  @Mutation(() => UploadImagePayload, {
    description: 'GraphQL multipart request; send the header Apollo-Require-Preflight: true',
  })
  async uploadImage(
    @Ctx() context: GraphQLContext,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
  ): Promise<UploadImagePayload> {
    const upload = await file;
    // The bytes keep arriving (into graphql-upload's temporary file) while credentials are
    // checked; the stream is opened only when the service reads it, because createReadStream
    // throws the size-limit error once the file has passed it, and the service's read turns that
    // error into PAYLOAD_TOO_LARGE whichever came first.
    const { image, created } = await context.services.images.upload(await context.actor(), {
      filename: upload.filename,
      stream: openWhenRead(() => upload.createReadStream()),
    });
    return { image: toImage(image, context.urls), created };
  }

  @Mutation(() => Boolean, { description: 'Refused (CONFLICT) while a run uses the image' })
  async deleteImage(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.images.delete(await context.actor(), id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who uploaded it' })
  createdBy(@Ctx() context: GraphQLContext, @Root() image: Image): Promise<User | null> {
    return creator(context, image.createdById);
  }
}

@Resolver(() => NoisePreset)
export class NoisePresetResolver {
  @Query(() => [NoisePreset])
  async noisePresets(@Ctx() context: GraphQLContext): Promise<NoisePreset[]> {
    return context.services.presets.list(await context.actor());
  }

  @Mutation(() => NoisePreset)
  async createNoisePreset(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => NoisePresetInput) input: NoisePresetInput,
  ): Promise<NoisePreset> {
    return context.services.presets.create(await context.actor(), input);
  }

  @Mutation(() => NoisePreset)
  async updateNoisePreset(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => NoisePresetUpdateInput) input: NoisePresetUpdateInput,
  ): Promise<NoisePreset> {
    return context.services.presets.update(await context.actor(), id, input);
  }

  @Mutation(() => Boolean)
  async deleteNoisePreset(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.presets.delete(await context.actor(), id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made it (null for built-ins)' })
  createdBy(@Ctx() context: GraphQLContext, @Root() preset: NoisePreset): Promise<User | null> {
    return creator(context, preset.createdById);
  }
}

@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection)
  async runs(
    @Ctx() context: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PAGE, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => RunsFilter, { nullable: true }) filter: RunsFilter | null,
    @Arg('sort', () => RunSort, { nullable: true }) sort: RunSort | null,
  ): Promise<RunConnection> {
    const page = await context.services.runs.list(
      await context.actor(),
      { first, after },
      runFilter(filter),
      runSort(sort),
    );
    return { ...page, nodes: page.nodes.map((run) => toRun(run, context.urls)) };
  }

  @Query(() => WorkspaceQuota)
  async quota(@Ctx() context: GraphQLContext): Promise<WorkspaceQuota> {
    return context.services.runs.quota(await context.actor());
  }

  @Query(() => Run, { nullable: true })
  async run(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Run | null> {
    const run = await context.services.runs.get(await context.actor(), id);
    return run && toRun(run, context.urls);
  }

  @FieldResolver(() => [Image], { description: 'Keyframe images in path order' })
  async keyframes(@Ctx() { loaders, urls }: GraphQLContext, @Root() run: Run): Promise<Image[]> {
    const images = await loaders.image.loadMany(run.keyframeIds);
    return images.flatMap((image) =>
      image && !(image instanceof Error) ? [toImage(image, urls)] : [],
    );
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Place in the render queue of the whole system, 1 = next to start; null unless QUEUED',
  })
  async queuePosition(
    @Ctx() { loaders }: GraphQLContext,
    @Root() run: Run,
  ): Promise<number | null> {
    return run.status === 'QUEUED'
      ? ((await loaders.queuePlace.load(run.id))?.position ?? null)
      : null;
  }

  @FieldResolver(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'Estimated start: the frames ahead times the recent time per frame, shared among the render slots; null unless QUEUED, or before any run has succeeded',
  })
  async estimatedStartAt(
    @Ctx() { loaders }: GraphQLContext,
    @Root() run: Run,
  ): Promise<Date | null> {
    return run.status === 'QUEUED'
      ? ((await loaders.queuePlace.load(run.id))?.estimatedStartAt ?? null)
      : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who started it' })
  createdBy(@Ctx() context: GraphQLContext, @Root() run: Run): Promise<User | null> {
    return creator(context, run.createdById);
  }

  @FieldResolver(() => FrameConnection, {
    description: 'Stored frames by index, a page at a time (at most MAX_STEPS per page)',
  })
  async frames(
    @Ctx() context: GraphQLContext,
    @Root() run: Run,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' })
    after: string | null,
  ): Promise<FrameConnection> {
    const page = await context.services.runs.frames(await context.actor(), run.id, {
      first,
      after,
    });
    return { ...page, nodes: page.nodes.map((frame) => toFrame(frame, context.urls)) };
  }

  @FieldResolver(() => [Frame], {
    description: 'First, middle and last stored frames (fewer when fewer are stored)',
  })
  async thumbnails(@Ctx() { loaders, urls }: GraphQLContext, @Root() run: Run): Promise<Frame[]> {
    return (await loaders.thumbnails.load(run)).map((frame) => toFrame(frame, urls));
  }

  @Mutation(() => Run)
  async createRun(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreateRunInput) input: CreateRunInput,
  ): Promise<Run> {
    const run = await context.services.runs.create(await context.actor(), runCommand(input));
    return toRun(run, context.urls);
  }

  @Mutation(() => Run, { description: 'The worker stops within one frame' })
  async cancelRun(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Run> {
    return toRun(await context.services.runs.cancel(await context.actor(), id), context.urls);
  }

  @Mutation(() => Run, {
    description: 'A new run with the same parameters and the given overrides',
  })
  async rerun(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('overrides', () => RerunInput, { nullable: true }) overrides: RerunInput | null,
  ): Promise<Run> {
    const run = await context.services.runs.rerun(
      await context.actor(),
      id,
      rerunCommand(overrides),
    );
    return toRun(run, context.urls);
  }

  @Mutation(() => Boolean)
  async deleteRun(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.runs.delete(await context.actor(), id);
  }

  @Mutation(() => Run)
  async tagRun(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return toRun(await context.services.runs.tag(await context.actor(), id, tags), context.urls);
  }

  @Mutation(() => Run, {
    description:
      "Replaces the run's notes: short Markdown (at most 4000 characters); '' clears them",
  })
  async updateRunNotes(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('notes', () => String) notes: string,
  ): Promise<Run> {
    return toRun(
      await context.services.runs.setNotes(await context.actor(), id, notes),
      context.urls,
    );
  }

  @Mutation(() => Run)
  async untagRun(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return toRun(await context.services.runs.untag(await context.actor(), id, tags), context.urls);
  }
}

@Resolver()
export class ModelResolver {
  @Query(() => [Model])
  async models(@Ctx() context: GraphQLContext): Promise<Model[]> {
    return context.services.models.list(await context.actor());
  }
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => RunProgressEvent, {
    description:
      'Frames stored so far (from fromIndex on), then each new frame and status change; completes after the final status. A client that reconnects passes the index after the last frame it received.',
    // Checks (credentials, the run's workspace) run before the subscription starts, so a
    // refusal is the subscription's error, as on HTTP.
    subscribe: async ({ args, context }) => {
      const { services, urls, actor } = context as GraphQLContext;
      const events = await services.progress.runProgress(
        await actor(),
        String(args['runId']),
        Number(args['fromIndex'] ?? 0),
      );
      return mapEvents(events, (event) =>
        event.kind === 'FRAME'
          ? { ...event, url: urls.sign(event.url), thumbnailUrl: urls.sign(event.thumbnailUrl) }
          : event,
      );
    },
  })
  runProgress(
    @Root() event: RunProgressEvent,
    @Arg('runId', () => ID) _runId: string,
    @Arg('fromIndex', () => Int, { defaultValue: 0 }) _fromIndex: number,
  ): RunProgressEvent {
    return event;
  }

  @Subscription(() => RunUpdate, {
    description: 'Every run created, changed or deleted: feeds the history list',
    subscribe: async ({ context }) => {
      const { services, urls, actor } = context as GraphQLContext;
      return mapEvents(services.progress.runUpdates(await actor()), (update) => ({
        ...update,
        run: update.run && toRun(update.run, urls),
      }));
    },
  })
  runUpdates(@Root() update: RunUpdate): RunUpdate {
    return update;
  }
}

export const resolvers = [
  AccountResolver,
  ImageResolver,
  NoisePresetResolver,
  RunResolver,
  ReportResolver,
  SweepResolver,
  ModelResolver,
  SubscriptionResolver,
] as const;
