import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import {
  Easing,
  FitMode,
  InterpolationMethod,
  NoiseMode,
  NoiseSchedule,
  RunEventKind,
  RunSortField,
  RunStatus,
  RunUpdateKind,
  SortDirection,
} from './enums.ts';

// Every decorator names its type: tsx/esbuild emits no decorator metadata.

@ObjectType({ description: 'An uploaded image, stored once per distinct content (sha256)' })
export class Image {
  @Field(() => ID) id!: string;
  @Field(() => String) sha256!: string;
  @Field(() => String) originalName!: string;
  @Field(() => String) mimeType!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => Int) byteSize!: number;
  @Field(() => String, { description: 'Path of the original bytes on this server (/files/...)' })
  url!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType()
export class ImageConnection {
  @Field(() => [Image]) nodes!: Image[];
  @Field(() => Int) totalCount!: number;
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class UploadImagePayload {
  @Field(() => Image) image!: Image;
  @Field(() => Boolean, { description: 'false when the same bytes were already uploaded' })
  created!: boolean;
}

@ObjectType({
  description: 'Noise parameters as applied to a run (a snapshot, independent of presets)',
})
export class NoiseSettings {
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode) mode!: NoiseMode;
  @Field(() => NoiseSchedule) schedule!: NoiseSchedule;
  @Field(() => Boolean, {
    description: 'true: one noise field for every frame; false: fresh noise per frame',
  })
  shared!: boolean;
}

@ObjectType()
export class NoisePreset {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode) mode!: NoiseMode;
  @Field(() => NoiseSchedule) schedule!: NoiseSchedule;
  @Field(() => Boolean) shared!: boolean;
  @Field(() => String) description!: string;
  @Field(() => Boolean, { description: 'Built-in presets cannot be changed or deleted' })
  builtIn!: boolean;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType()
export class Frame {
  @Field(() => Int) index!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Float) noiseLevel!: number;
  @Field(() => String, { description: 'Path of the PNG on this server (/files/...)' }) url!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => Float) decodeMs!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Mean absolute 8-bit RGB difference from the previous frame, divided by 255 (0..1); null for frame 0',
  })
  change!: number | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType({
  description:
    'Files built on the server from the stored frames (paths on this server; 409 while a run has no frames)',
})
export class RunDownloads {
  @Field(() => String, { description: 'Every frame as PNG in one zip' }) framesZip!: string;
  @Field(() => String, {
    description: 'Animated WebP; query fps (1..50, default 10) and loop=loop|ping-pong',
  })
  animationWebp!: string;
  @Field(() => String, {
    description: 'Animated GIF; query fps (1..50, default 10) and loop=loop|ping-pong',
  })
  animationGif!: string;
  @Field(() => String, { description: 'PNG grid of every frame' }) contactSheet!: string;
}

@ObjectType()
export class Run {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => String) model!: string;
  /** Loaded by a field resolver when the service did not include it. */
  @Field(() => [Image], { description: 'Keyframe images in path order' }) keyframes?: Image[];
  @Field(() => Int) steps!: number;
  @Field(() => InterpolationMethod) method!: InterpolationMethod;
  @Field(() => Easing) easing!: Easing;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => FitMode) fit!: FitMode;
  @Field(() => NoiseSettings) noise!: NoiseSettings;
  @Field(() => ID, { nullable: true, description: 'The preset the noise came from, if any' })
  presetId!: string | null;
  @Field(() => Int) seed!: number;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) framesDone!: number;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Float, { nullable: true, description: 'Time spent encoding keyframes' })
  encodeMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'Wall time from start to finish' })
  totalMs!: number | null;
  @Field(() => RunDownloads) downloads!: RunDownloads;
}

@ObjectType()
export class RunConnection {
  @Field(() => [Run]) nodes!: Run[];
  @Field(() => Int) totalCount!: number;
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class Model {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Int, { nullable: true }) latentChannels!: number | null;
  @Field(() => Boolean, {
    description: 'Whether the weights are present locally (or in the mirror)',
  })
  weightsAvailable!: boolean;
}

@ObjectType({
  description:
    'One event of a run: kind FRAME carries the frame fields; kind STATUS carries status (and error)',
})
export class RunProgressEvent {
  @Field(() => RunEventKind) kind!: RunEventKind;
  @Field(() => ID) runId!: string;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int, { nullable: true }) index!: number | null;
  @Field(() => Float, { nullable: true }) alpha!: number | null;
  @Field(() => Float, { nullable: true }) noiseLevel!: number | null;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => Float, { nullable: true }) decodeMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'FRAME: change from the previous frame' })
  change!: number | null;
  @Field(() => Int, { description: 'Frames stored so far' }) done!: number;
  @Field(() => Int, { description: 'Frames the run will have' }) total!: number;
}

@ObjectType()
export class RunUpdate {
  @Field(() => RunUpdateKind) kind!: RunUpdateKind;
  @Field(() => ID) runId!: string;
  @Field(() => Run, { nullable: true, description: 'The run as it is now; null once deleted' })
  run!: Run | null;
}

@InputType()
export class NoiseInput {
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode, { defaultValue: NoiseMode.ABSOLUTE }) mode!: NoiseMode;
  @Field(() => NoiseSchedule, { defaultValue: NoiseSchedule.CONSTANT }) schedule!: NoiseSchedule;
  @Field(() => Boolean, { defaultValue: false }) shared!: boolean;
}

@InputType({ description: 'Noise comes from presetId or noise (not both); neither means no noise' })
export class CreateRunInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String) model!: string;
  @Field(() => [ID], { description: 'Keyframe images in path order (at least 2)' })
  imageIds!: string[];
  @Field(() => Int) steps!: number;
  @Field(() => InterpolationMethod, { defaultValue: InterpolationMethod.LERP })
  method!: InterpolationMethod;
  @Field(() => Easing, { defaultValue: Easing.LINEAR }) easing!: Easing;
  @Field(() => Int, { defaultValue: 512 }) width!: number;
  @Field(() => Int, { defaultValue: 512 }) height!: number;
  @Field(() => FitMode, { defaultValue: FitMode.COVER }) fit!: FitMode;
  @Field(() => ID, { nullable: true }) presetId?: string | null;
  @Field(() => NoiseInput, { nullable: true }) noise?: NoiseInput | null;
  @Field(() => Int, { nullable: true, description: 'Random when omitted' }) seed?: number | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}

@InputType({ description: 'Overrides for rerun; every field omitted keeps the original run value' })
export class RerunInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => [ID], { nullable: true }) imageIds?: string[] | null;
  @Field(() => Int, { nullable: true }) steps?: number | null;
  @Field(() => InterpolationMethod, { nullable: true }) method?: InterpolationMethod | null;
  @Field(() => Easing, { nullable: true }) easing?: Easing | null;
  @Field(() => Int, { nullable: true }) width?: number | null;
  @Field(() => Int, { nullable: true }) height?: number | null;
  @Field(() => FitMode, { nullable: true }) fit?: FitMode | null;
  @Field(() => ID, { nullable: true }) presetId?: string | null;
  @Field(() => NoiseInput, { nullable: true }) noise?: NoiseInput | null;
  @Field(() => Int, { nullable: true }) seed?: number | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}

@InputType()
export class RunsFilter {
  @Field(() => [RunStatus], { nullable: true }) status?: RunStatus[] | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => String, { nullable: true }) tag?: string | null;
  @Field(() => ID, { nullable: true, description: 'Runs that use this image as a keyframe' })
  imageId?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAfter?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdBefore?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive text contained in the name',
  })
  search?: string | null;
}

@InputType()
export class RunSort {
  @Field(() => RunSortField, { defaultValue: RunSortField.CREATED_AT }) field!: RunSortField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC }) direction!: SortDirection;
}

@InputType()
export class NoisePresetInput {
  @Field(() => String) name!: string;
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode, { defaultValue: NoiseMode.ABSOLUTE }) mode!: NoiseMode;
  @Field(() => NoiseSchedule, { defaultValue: NoiseSchedule.CONSTANT }) schedule!: NoiseSchedule;
  @Field(() => Boolean, { defaultValue: false }) shared!: boolean;
  @Field(() => String, { defaultValue: '' }) description!: string;
}

@InputType()
export class NoisePresetUpdateInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Float, { nullable: true }) level?: number | null;
  @Field(() => NoiseMode, { nullable: true }) mode?: NoiseMode | null;
  @Field(() => NoiseSchedule, { nullable: true }) schedule?: NoiseSchedule | null;
  @Field(() => Boolean, { nullable: true }) shared?: boolean | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}
