/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type --
   the run option fields are declared at run time from the domain's table (option-fields.ts);
   an interface of the same name gives them their types. */
import type * as Domain from '@latent-lab/domain';
import { Field, Float, ID, InputType, Int, ObjectType, type ClassType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { groupOptions, TOP_LEVEL_OPTIONS } from '@latent-lab/domain';
import {
  NoiseMode,
  NoiseSchedule,
  Role,
  RunEventKind,
  RunMetric,
  RunSortField,
  RunStatus,
  RunUpdateKind,
  SortDirection,
} from './enums.ts';
import { optionFields } from './option-fields.ts';

// Every decorator names its type: tsx/esbuild emits no decorator metadata.

/** The run's top-level options (steps, method, ...), typed from the domain's parameters. */
type TopLevelOptions = Omit<Domain.RunParams, 'model' | 'keyframes' | 'noise' | 'animation'>;

/** A page of a list (domain Connection): its nodes, the count of all, and where the next starts. */
export function connectionOf<Node extends object>(node: ClassType<Node>) {
  // Never in the schema itself (no resolver returns it): each XConnection subclass is.
  @ObjectType()
  abstract class Connection {
    @Field(() => [node]) nodes!: Node[];
    @Field(() => Int) totalCount!: number;
    @Field(() => Boolean) hasNextPage!: boolean;
    @Field(() => String, { nullable: true }) endCursor!: string | null;
  }
  return Connection;
}

@ObjectType({ description: 'A person with an account' })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
}

@ObjectType({ description: 'A workspace the user belongs to, with their role in it' })
export class WorkspaceMembership {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Role) role!: Domain.Role;
}

@ObjectType()
export class Me {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
  @Field(() => [WorkspaceMembership], { description: 'Oldest membership first' })
  workspaces!: WorkspaceMembership[];
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, {
    description:
      'A bearer session token for Authorization: Bearer <token> (the dashboard uses the HTTP-only cookie set with it)',
  })
  token!: string;
  @Field(() => User) user!: User;
}

@ObjectType({ description: 'What the first page of a fresh installation needs to know' })
export class Setup {
  @Field(() => Boolean, { description: 'No account exists yet: the next sign-up is the owner' })
  needsOwner!: boolean;
  @Field(() => String, { description: 'first-user or open' }) signupPolicy!: string;
}

@ObjectType({ description: 'A single-use, expiring link that makes whoever opens it a member' })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Shown only here' }) token!: string;
  @Field(() => String, { description: 'The link to send: the dashboard accepts it' }) url!: string;
  @Field(() => Role) role!: Domain.Role;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

@ObjectType({ description: 'An invitation not yet used nor expired; its link is not shown again' })
export class PendingInvitation {
  @Field(() => ID) id!: string;
  @Field(() => Role, { description: 'At most the role of whoever sent it, when it is accepted' })
  role!: Domain.Role;
  @Field(() => User, { nullable: true, description: 'Who sent it' }) createdBy!: User | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

@ObjectType({ description: 'What an invitation link offers, for whoever opens it' })
export class InvitationPreview {
  @Field(() => String) workspaceName!: string;
  @Field(() => String, { description: 'Who sent it' }) inviterName!: string;
  @Field(() => Role, { description: 'The role it grants if accepted now (at most the sender’s)' })
  role!: Domain.Role;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

@ObjectType()
export class Member {
  @Field(() => User) user!: User;
  @Field(() => Role) role!: Domain.Role;
  @Field(() => GraphQLISODateTime) joinedAt!: Date;
}

@ObjectType({ description: 'A credential for scripts, bound to one workspace with a role' })
export class ApiToken {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Role) role!: Domain.Role;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType()
export class ApiTokenPayload {
  @Field(() => String, { description: 'The secret, shown only here: send it as Bearer <token>' })
  token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}

@InputType()
export class SignUpInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => String) name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'An invitation link token: joins its workspace (required after the first account under first-user)',
  })
  invitationToken?: string | null;
}

@InputType()
export class SignInInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String) currentPassword!: string;
  @Field(() => String, { description: 'The same rules as at sign-up' }) newPassword!: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String) name!: string;
  @Field(() => Role, { description: 'At most your own role in the current workspace' })
  role!: Domain.Role;
}

@ObjectType({ description: 'An uploaded image, stored once per distinct content (sha256)' })
export class Image {
  @Field(() => ID) id!: string;
  @Field(() => String) sha256!: string;
  @Field(() => String) originalName!: string;
  @Field(() => String) mimeType!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => Int) byteSize!: number;
  @Field(() => String, {
    description: 'Signed, expiring URL of the original bytes on this server (/files/...)',
  })
  url!: string;
  @Field(() => String, {
    description: 'Path of a small WebP of the image (at most 128 px a side) for lists',
  })
  thumbnailUrl!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  /** Resolved to Image.createdBy. */
  createdById!: string | null;
}

@ObjectType()
export class ImageConnection extends connectionOf(Image) {}

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
  // Fields: the noise options of the domain's table (option-fields.ts).
  declare level: number;
  declare mode: Domain.NoiseMode;
  declare schedule: Domain.NoiseSchedule;
  declare shared: boolean;
}
optionFields(NoiseSettings, groupOptions('noise'), 'output');

@ObjectType({ description: "How the run's animated downloads play" })
export class AnimationSettings {
  declare fps: number;
  declare loop: Domain.LoopMode;
}
optionFields(AnimationSettings, groupOptions('animation'), 'output');

@ObjectType()
export class NoisePreset {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode) mode!: Domain.NoiseMode;
  @Field(() => NoiseSchedule) schedule!: Domain.NoiseSchedule;
  @Field(() => Boolean) shared!: boolean;
  @Field(() => String) description!: string;
  @Field(() => Boolean, { description: 'Built-in presets cannot be changed or deleted' })
  builtIn!: boolean;
  /** Resolved to NoisePreset.createdBy. */
  createdById!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@ObjectType()
export class Frame {
  @Field(() => Int) index!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Float) noiseLevel!: number;
  @Field(() => String, { description: 'Path of the PNG on this server (/files/...)' }) url!: string;
  @Field(() => String, {
    description:
      'Path of a small WebP of the frame (at most 128 px a side), made once when the frame was stored',
  })
  thumbnailUrl!: string;
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

@ObjectType()
export class FrameConnection extends connectionOf(Frame) {}

@ObjectType({
  description:
    'Files built on the server from the stored frames (paths on this server; 409 while a run has no frames)',
})
export class RunDownloads {
  @Field(() => String, { description: 'Every frame as PNG in one zip' }) framesZip!: string;
  @Field(() => String, {
    description:
      "Animated WebP at the run's fps and loop (query fps=1..50 and loop=loop|ping-pong override them)",
  })
  animationWebp!: string;
  @Field(() => String, {
    description: "Animated GIF at the run's fps and loop (query fps and loop override them)",
  })
  animationGif!: string;
  @Field(() => String, { description: 'PNG grid of every frame' }) contactSheet!: string;
}

@ObjectType({
  description:
    "A succeeded run's quality figures, measured from its stored frames (formulas: packages/engine/README.md)",
})
export class RunMetrics {
  @Field(() => Float, {
    description: 'Mean frame-to-frame change (each in 0..1, see Frame.change)',
  })
  meanChange!: number;
  @Field(() => Float, { description: 'Largest frame-to-frame change' }) maxChange!: number;
  @Field(() => Float, {
    description:
      'Population standard deviation / mean of the frame-to-frame changes: low is an even pace (0 when the mean is 0)',
  })
  changeCv!: number;
  @Field(() => [Float], {
    description:
      "PSNR in dB of the frame nearest each keyframe against that keyframe's resized input, in keyframe order; identical images give the cap, 100",
  })
  endpointPsnr!: number[];
  @Field(() => Float, { description: 'The smallest of endpointPsnr' }) minEndpointPsnr!: number;
  @Field(() => Float, {
    description:
      "Total latent distance walked: the sum of L2 distances between consecutive frames' latents before noise",
  })
  pathLength!: number;
}

@ObjectType()
export class Run {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RunStatus) status!: Domain.RunStatus;
  /** Resolved to Run.createdBy. */
  createdById!: string | null;
  @Field(() => String) model!: string;
  /** The keyframe image ids in path order (resolved to images by Run.keyframes). */
  keyframeIds!: string[];
  // The top-level options' fields come from the domain's table (optionFields below).
  @Field(() => NoiseSettings) noise!: NoiseSettings;
  @Field(() => ID, { nullable: true, description: 'The preset the noise came from, if any' })
  presetId!: string | null;
  @Field(() => AnimationSettings) animation!: AnimationSettings;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, {
    description: "Short Markdown notes ('' when none); clients render it without raw HTML",
  })
  notes!: string;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) framesDone!: number;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Float, { nullable: true, description: 'Time spent encoding keyframes' })
  encodeMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'Wall time from start to finish' })
  totalMs!: number | null;
  @Field(() => RunMetrics, {
    nullable: true,
    description: 'Quality metrics, set when the run succeeds; null before and for other runs',
  })
  metrics!: RunMetrics | null;
  @Field(() => RunDownloads) downloads!: RunDownloads;
  @Field(() => ID, { nullable: true, description: 'The sweep the run is a cell of, if any' })
  sweepId!: string | null;
}
export interface Run extends TopLevelOptions {}
optionFields(Run, TOP_LEVEL_OPTIONS, 'output');

@ObjectType()
export class RunConnection extends connectionOf(Run) {}

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
  @Field(() => RunEventKind) kind!: 'FRAME' | 'STATUS';
  @Field(() => ID) runId!: string;
  @Field(() => RunStatus) status!: Domain.RunStatus;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int, { nullable: true }) index!: number | null;
  @Field(() => Float, { nullable: true }) alpha!: number | null;
  @Field(() => Float, { nullable: true }) noiseLevel!: number | null;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => String, { nullable: true, description: "FRAME: the frame's small WebP" })
  thumbnailUrl!: string | null;
  @Field(() => Float, { nullable: true }) decodeMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'FRAME: change from the previous frame' })
  change!: number | null;
  @Field(() => Int, { description: 'Frames stored so far' }) done!: number;
  @Field(() => Int, { description: 'Frames the run will have' }) total!: number;
}

@ObjectType()
export class RunUpdate {
  @Field(() => RunUpdateKind) kind!: 'CREATED' | 'UPDATED' | 'DELETED';
  @Field(() => ID) runId!: string;
  @Field(() => Run, { nullable: true, description: 'The run as it is now; null once deleted' })
  run!: Run | null;
}

@InputType()
export class NoiseInput {
  declare level: number;
  declare mode: Domain.NoiseMode;
  declare schedule: Domain.NoiseSchedule;
  declare shared: boolean;
}
optionFields(NoiseInput, groupOptions('noise'), 'input');

@InputType()
export class AnimationInput {
  declare fps: number;
  declare loop: Domain.LoopMode;
}
optionFields(AnimationInput, groupOptions('animation'), 'input');

@InputType({ description: 'Noise comes from presetId or noise (not both); neither means no noise' })
export class CreateRunInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String) model!: string;
  @Field(() => [ID], { description: 'Keyframe images in path order (at least 2)' })
  imageIds!: string[];
  @Field(() => ID, { nullable: true }) presetId?: string | null;
  @Field(() => NoiseInput, { nullable: true }) noise?: NoiseInput | null;
  @Field(() => AnimationInput, { nullable: true, description: 'Default: 10 fps, LOOP' })
  animation?: AnimationInput | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}
export interface CreateRunInput extends Omit<TopLevelOptions, 'seed'> {
  /** Random when omitted. */
  seed?: number | null;
}
optionFields(CreateRunInput, TOP_LEVEL_OPTIONS, 'input');

@InputType({ description: 'Overrides for rerun; every field omitted keeps the original run value' })
export class RerunInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => [ID], { nullable: true }) imageIds?: string[] | null;
  @Field(() => ID, { nullable: true }) presetId?: string | null;
  @Field(() => NoiseInput, { nullable: true }) noise?: NoiseInput | null;
  @Field(() => AnimationInput, { nullable: true }) animation?: AnimationInput | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}
export interface RerunInput extends Partial<{
  [K in keyof TopLevelOptions]: TopLevelOptions[K] | null;
}> {}
optionFields(RerunInput, TOP_LEVEL_OPTIONS, 'override');

@InputType({ description: 'Runs whose metric lies in [min, max]; an omitted bound is open' })
export class RunMetricRange {
  @Field(() => RunMetric) metric!: Domain.RunMetricKey;
  @Field(() => Float, { nullable: true }) min?: number | null;
  @Field(() => Float, { nullable: true }) max?: number | null;
}

@InputType()
export class RunsFilter {
  @Field(() => [RunStatus], { nullable: true }) status?: Domain.RunStatus[] | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Runs with a tag starting with this text (case-insensitive)',
  })
  tag?: string | null;
  @Field(() => ID, { nullable: true, description: 'Runs that use this image as a keyframe' })
  imageId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Runs created by this user' })
  createdById?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAfter?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdBefore?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive text contained in the name, the notes or a tag',
  })
  search?: string | null;
  @Field(() => [RunMetricRange], {
    nullable: true,
    description: 'Every range must hold; runs without metrics (not succeeded) match none',
  })
  metrics?: RunMetricRange[] | null;
}

@InputType()
export class RunSort {
  @Field(() => RunSortField, { defaultValue: 'CREATED_AT' })
  field!: 'CREATED_AT' | 'NAME' | Domain.RunMetricConstant;
  @Field(() => SortDirection, { defaultValue: 'DESC' }) direction!: 'ASC' | 'DESC';
}

@ObjectType({ description: "The current workspace's quotas and what it uses of them now" })
export class WorkspaceQuota {
  @Field(() => Int, { description: 'Its runs queued or running now' }) activeRuns!: number;
  @Field(() => Int, {
    description:
      'Most runs queued or running at once (MAX_ACTIVE_RUNS): a run or a sweep that would pass it is refused',
  })
  maxActiveRuns!: number;
  @Field(() => Float, {
    description: 'Bytes of its uploads and frames, and those uploads in progress have reserved',
  })
  storedBytes!: number;
  @Field(() => Float, { description: 'Most bytes stored (MAX_STORAGE_BYTES)' })
  maxStorageBytes!: number;
}

@InputType()
export class NoisePresetInput {
  @Field(() => String) name!: string;
  @Field(() => Float) level!: number;
  @Field(() => NoiseMode, { defaultValue: 'absolute' }) mode!: Domain.NoiseMode;
  @Field(() => NoiseSchedule, { defaultValue: 'constant' }) schedule!: Domain.NoiseSchedule;
  @Field(() => Boolean, { defaultValue: false }) shared!: boolean;
  @Field(() => String, { defaultValue: '' }) description!: string;
}

@InputType()
export class NoisePresetUpdateInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Float, { nullable: true }) level?: number | null;
  @Field(() => NoiseMode, { nullable: true }) mode?: Domain.NoiseMode | null;
  @Field(() => NoiseSchedule, { nullable: true }) schedule?: Domain.NoiseSchedule | null;
  @Field(() => Boolean, { nullable: true }) shared?: boolean | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}
