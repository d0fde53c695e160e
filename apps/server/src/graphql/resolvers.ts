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
import type { GraphQLContext } from './context.ts';
import {
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

const MAX_PAGE = 100;

function pageSize(first: number): number {
  return Math.max(1, Math.min(MAX_PAGE, first));
}

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => ImageConnection)
  images(
    @Ctx() { api }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `At most ${MAX_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ImageConnection> {
    return api.images.list({ first: pageSize(first), after });
  }

  @Query(() => Image, { nullable: true })
  image(@Ctx() { api }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Image | null> {
    return api.images.get(id);
  }

  @Mutation(() => UploadImagePayload, {
    description: 'GraphQL multipart request; send the header Apollo-Require-Preflight: true',
  })
  async uploadImage(
    @Ctx() { api }: GraphQLContext,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
  ): Promise<UploadImagePayload> {
    return api.images.upload(await file);
  }

  @Mutation(() => Boolean, { description: 'Refused (CONFLICT) while a run uses the image' })
  deleteImage(@Ctx() { api }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return api.images.delete(id);
  }
}

@Resolver(() => NoisePreset)
export class NoisePresetResolver {
  @Query(() => [NoisePreset])
  noisePresets(@Ctx() { api }: GraphQLContext): Promise<NoisePreset[]> {
    return api.presets.list();
  }

  @Mutation(() => NoisePreset)
  createNoisePreset(
    @Ctx() { api }: GraphQLContext,
    @Arg('input', () => NoisePresetInput) input: NoisePresetInput,
  ): Promise<NoisePreset> {
    return api.presets.create(input);
  }

  @Mutation(() => NoisePreset)
  updateNoisePreset(
    @Ctx() { api }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => NoisePresetUpdateInput) input: NoisePresetUpdateInput,
  ): Promise<NoisePreset> {
    return api.presets.update(id, input);
  }

  @Mutation(() => Boolean)
  deleteNoisePreset(
    @Ctx() { api }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return api.presets.delete(id);
  }
}

@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection)
  runs(
    @Ctx() { api }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `At most ${MAX_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => RunsFilter, { nullable: true }) filter: RunsFilter | null,
    @Arg('sort', () => RunSort, { nullable: true }) sort: RunSort | null,
  ): Promise<RunConnection> {
    return api.runs.list({ first: pageSize(first), after }, filter, sort);
  }

  @Query(() => Run, { nullable: true })
  run(@Ctx() { api }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Run | null> {
    return api.runs.get(id);
  }

  @FieldResolver(() => [Image])
  keyframes(@Ctx() { api }: GraphQLContext, @Root() run: Run): Promise<Image[]> {
    return run.keyframes ? Promise.resolve(run.keyframes) : api.runs.keyframes(run.id);
  }

  @FieldResolver(() => [Frame], { description: 'Stored frames ordered by index' })
  frames(@Ctx() { api }: GraphQLContext, @Root() run: Run): Promise<Frame[]> {
    return api.runs.frames(run.id);
  }

  @FieldResolver(() => [Frame], {
    description: 'First, middle and last stored frames (fewer when fewer are stored)',
  })
  thumbnails(@Ctx() { api }: GraphQLContext, @Root() run: Run): Promise<Frame[]> {
    return api.runs.thumbnails(run.id);
  }

  @Mutation(() => Run)
  createRun(
    @Ctx() { api }: GraphQLContext,
    @Arg('input', () => CreateRunInput) input: CreateRunInput,
  ): Promise<Run> {
    return api.runs.create(input);
  }

  @Mutation(() => Run, { description: 'The worker stops within one frame' })
  cancelRun(@Ctx() { api }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Run> {
    return api.runs.cancel(id);
  }

  @Mutation(() => Run, {
    description: 'A new run with the same parameters and the given overrides',
  })
  rerun(
    @Ctx() { api }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('overrides', () => RerunInput, { nullable: true }) overrides: RerunInput | null,
  ): Promise<Run> {
    return api.runs.rerun(id, overrides);
  }

  @Mutation(() => Boolean)
  deleteRun(@Ctx() { api }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return api.runs.delete(id);
  }

  @Mutation(() => Run)
  tagRun(
    @Ctx() { api }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return api.runs.tag(id, tags);
  }

  @Mutation(() => Run)
  untagRun(
    @Ctx() { api }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('tags', () => [String]) tags: string[],
  ): Promise<Run> {
    return api.runs.untag(id, tags);
  }
}

@Resolver()
export class ModelResolver {
  @Query(() => [Model])
  models(@Ctx() { api }: GraphQLContext): Promise<Model[]> {
    return api.models.list();
  }
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => RunProgressEvent, {
    description:
      'Frames stored so far, then each new frame and status change; completes after the final status',
    subscribe: ({ args, context }) =>
      (context as GraphQLContext).api.progress.runProgress(String(args['runId'])),
  })
  runProgress(
    @Root() event: RunProgressEvent,
    @Arg('runId', () => ID) _runId: string,
  ): RunProgressEvent {
    return event;
  }

  @Subscription(() => RunUpdate, {
    description: 'Every run created, changed or deleted: feeds the history list',
    subscribe: ({ context }) => (context as GraphQLContext).api.progress.runUpdates(),
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
