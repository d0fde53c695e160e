import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type {
  CreateRunCommand,
  RerunCommand,
  RunFilter,
  RunSort as DbRunSort,
} from '../services/runs.ts';
import type { GraphQLContext } from './context.ts';
import { toFrame, toImage, toRun } from './mappers.ts';
import {
  CreateRunInput,
  Frame,
  FrameConnection,
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

// Thin edges: translate arguments to service calls and domain records to schema objects.

const DEFAULT_PAGE = 20;

/** GraphQL's null for an omitted optional argument becomes undefined, the domain's "use the default". */
type WithoutNulls<T> = { [K in keyof T]?: Exclude<T[K], null> };

function withoutNulls<T extends object>(input: T): WithoutNulls<T> {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as WithoutNulls<T>;
}

function runFilter(filter: RunsFilter | null): RunFilter {
  return filter ? withoutNulls(filter) : {};
}

function runSort(sort: RunSort | null): DbRunSort {
  return `${sort?.field ?? 'CREATED_AT'}_${sort?.direction ?? 'DESC'}`;
}

/** The API's run input in the domain's names (imageIds are the keyframes). */
function runCommand(input: CreateRunInput): CreateRunCommand {
  const { name, tags, presetId, imageIds, ...params } = input;
  return { name, tags, presetId, params: { ...withoutNulls(params), keyframes: imageIds } };
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
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PAGE, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ImageConnection> {
    const page = await services.images.list({ first, after });
    return { ...page, nodes: page.nodes.map(toImage) };
  }

  @Query(() => Image, { nullable: true })
  async image(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Image | null> {
    const image = await services.images.get(id);
    return image && toImage(image);
  }

  @Mutation(() => UploadImagePayload, {
    description: 'GraphQL multipart request; send the header Apollo-Require-Preflight: true',
  })
  async uploadImage(
    @Ctx() { services }: GraphQLContext,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
  ): Promise<UploadImagePayload> {
    const upload = await file;
    const { image, created } = await services.images.upload({
      filename: upload.filename,
      stream: upload.createReadStream(),
    });
    return { image: toImage(image), created };
  }

  @Mutation(() => Boolean, { description: 'Refused (CONFLICT) while a run uses the image' })
  deleteImage(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return services.images.delete(id);
  }
}

@Resolver(() => NoisePreset)
export class NoisePresetResolver {
  @Query(() => [NoisePreset])
  noisePresets(@Ctx() { services }: GraphQLContext): Promise<NoisePreset[]> {
    return services.presets.list();
  }

  @Mutation(() => NoisePreset)
  createNoisePreset(
    @Ctx() { services }: GraphQLContext,
    @Arg('input', () => NoisePresetInput) input: NoisePresetInput,
  ): Promise<NoisePreset> {
    return services.presets.create(input);
  }

  @Mutation(() => NoisePreset)
  updateNoisePreset(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => NoisePresetUpdateInput) input: NoisePresetUpdateInput,
  ): Promise<NoisePreset> {
    return services.presets.update(id, input);
  }

  @Mutation(() => Boolean)
  deleteNoisePreset(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return services.presets.delete(id);
  }
}

@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection)
  async runs(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PAGE, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => RunsFilter, { nullable: true }) filter: RunsFilter | null,
    @Arg('sort', () => RunSort, { nullable: true }) sort: RunSort | null,
  ): Promise<RunConnection> {
    const page = await services.runs.list({ first, after }, runFilter(filter), runSort(sort));
    return { ...page, nodes: page.nodes.map(toRun) };
  }

  @Query(() => Run, { nullable: true })
  async run(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Run | null> {
    const run = await services.runs.get(id);
    return run && toRun(run);
  }

  @FieldResolver(() => [Image], { description: 'Keyframe images in path order' })
  async keyframes(@Ctx() { loaders }: GraphQLContext, @Root() run: Run): Promise<Image[]> {
    const images = await loaders.image.loadMany(run.keyframeIds);
    return images.flatMap((image) => (image && !(image instanceof Error) ? [toImage(image)] : []));
  }

  @FieldResolver(() => FrameConnection, {
    description: 'Stored frames by index, a page at a time (at most MAX_STEPS per page)',
  })
  async frames(
    @Ctx() { services }: GraphQLContext,
    @Root() run: Run,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' })
    after: string | null,
  ): Promise<FrameConnection> {
    const page = await services.runs.frames(run.id, { first, after });
    return { ...page, nodes: page.nodes.map(toFrame) };
  }

  @FieldResolver(() => [Frame], {
    description: 'First, middle and last stored frames (fewer when fewer are stored)',
  })
  async thumbnails(@Ctx() { loaders }: GraphQLContext, @Root() run: Run): Promise<Frame[]> {
    return (await loaders.thumbnails.load(run)).map(toFrame);
  }

  @Mutation(() => Run)
  async createRun(
    @Ctx() { services }: GraphQLContext,
    @Arg('input', () => CreateRunInput) input: CreateRunInput,
  ): Promise<Run> {
    return toRun(await services.runs.create(runCommand(input)));
  }

  @Mutation(() => Run, { description: 'The worker stops within one frame' })
  async cancelRun(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Run> {
    return toRun(await services.runs.cancel(id));
  }

  @Mutation(() => Run, {
    description: 'A new run with the same parameters and the given overrides',
  })
  async rerun(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('overrides', () => RerunInput, { nullable: true }) overrides: RerunInput | null,
  ): Promise<Run> {
    return toRun(await services.runs.rerun(id, rerunCommand(overrides)));
  }

  @Mutation(() => Boolean)
  deleteRun(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return services.runs.delete(id);
  }

  @Mutation(() => Run)
  async tagRun(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return toRun(await services.runs.tag(id, tags));
  }

  @Mutation(() => Run, {
    description:
      "Replaces the run's notes: short Markdown (at most 4000 characters); '' clears them",
  })
  async updateRunNotes(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('notes', () => String) notes: string,
  ): Promise<Run> {
    return toRun(await services.runs.setNotes(id, notes));
  }

  @Mutation(() => Run)
  async untagRun(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return toRun(await services.runs.untag(id, tags));
  }
}

@Resolver()
export class ModelResolver {
  @Query(() => [Model])
  models(@Ctx() { services }: GraphQLContext): Promise<Model[]> {
    return services.models.list();
  }
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => RunProgressEvent, {
    description:
      'Frames stored so far (from fromIndex on), then each new frame and status change; completes after the final status. A client that reconnects passes the index after the last frame it received.',
    subscribe: ({ args, context }) =>
      (context as GraphQLContext).services.progress.runProgress(
        String(args['runId']),
        Number(args['fromIndex'] ?? 0),
      ),
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
    subscribe: async function* ({ context }) {
      for await (const update of (context as GraphQLContext).services.progress.runUpdates()) {
        yield { ...update, run: update.run && toRun(update.run) };
      }
    },
  })
  runUpdates(@Root() update: RunUpdate): RunUpdate {
    return update;
  }
}

export const resolvers = [
  ImageResolver,
  NoisePresetResolver,
  RunResolver,
  ModelResolver,
  SubscriptionResolver,
] as const;
