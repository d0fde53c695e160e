import { GraphQLJSON } from 'graphql-scalars';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import {
  optionConstant,
  sweepOption,
  type SweepAxis as DomainSweepAxis,
  type SweepRecord,
} from '@latent-lab/domain';
import type { CreateSweepCommand } from '../services/sweeps.ts';
import type { GraphQLContext } from './context.ts';
import { OPTION_ENUMS } from './enums.ts';
import { toRun } from './mappers.ts';
import { creator, DEFAULT_PAGE, runCommand } from './edges.ts';
import { connectionOf, CreateRunInput, Run, User } from './types.ts';

@ObjectType({
  description: 'One axis of a sweep: a field of CreateRunInput and its values, in order',
})
export class SweepAxis {
  @Field(() => String, { description: "The field's path: method, noise.level, seed, ..." })
  field!: string;
  @Field(() => [GraphQLJSON], { description: 'As CreateRunInput spells them (enums: SLERP)' })
  values!: unknown[];
}

@ObjectType({ description: 'One run of a sweep, at its place in the grid' })
export class SweepCell {
  @Field(() => [Int], { description: "The index of the cell's value on each axis" })
  coordinates!: number[];
  @Field(() => Run, { nullable: true, description: 'Null once the run was deleted' })
  run!: Run | null;
}

@ObjectType({ description: 'A grid of runs: a base run with up to 3 fields varied along axes' })
export class Sweep {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  /** Resolved to Sweep.createdBy. */
  createdById!: string | null;
  /** Checked again when the cells are read. */
  workspaceId!: string;
  @Field(() => [SweepAxis]) axes!: SweepAxis[];
}

@ObjectType()
export class SweepConnection extends connectionOf(Sweep) {}

@InputType()
export class SweepAxisInput {
  @Field(() => String, {
    description: 'A run option of CreateRunInput by its path: method, noise.level, seed, ...',
  })
  field!: string;
  @Field(() => [GraphQLJSON], { description: 'Values as CreateRunInput takes them, each once' })
  values!: unknown[];
}

@InputType({
  description:
    'Up to 3 axes and 64 runs; every run is validated before any is queued (a bad value is named axes[i].values[j])',
})
export class CreateSweepInput {
  @Field(() => String, { nullable: true, description: "Default: the base's name, else the axes" })
  name?: string | null;
  @Field(() => CreateRunInput, {
    description: 'What every cell shares; an omitted seed is drawn once',
  })
  base!: CreateRunInput;
  @Field(() => [SweepAxisInput]) axes!: SweepAxisInput[];
}

/** An axis value from the API's spelling (enum constants) to the domain's; others pass as given. */
function domainValue(field: string, value: unknown): unknown {
  const option = sweepOption(field);
  if (option?.kind !== 'choice' || typeof value !== 'string') return value;
  return OPTION_ENUMS[option.graphqlEnum]![value] ?? value;
}

/** An axis value in the API's spelling, as CreateRunInput takes it. */
function apiValue(field: string, value: unknown): unknown {
  return sweepOption(field)?.kind === 'choice' ? optionConstant(String(value)) : value;
}

function toSweep(sweep: SweepRecord): Sweep {
  return {
    ...sweep,
    axes: sweep.axes.map(({ field, values }) => ({
      field,
      values: values.map((value) => apiValue(field, value)),
    })),
  };
}

function sweepCommand(input: CreateSweepInput): CreateSweepCommand {
  const axes: DomainSweepAxis[] = input.axes.map(({ field, values }) => ({
    field,
    values: values.map((value) => domainValue(field, value)),
  }));
  return { name: input.name, base: runCommand(input.base), axes };
}

@Resolver(() => Sweep)
export class SweepResolver {
  @Query(() => SweepConnection, { description: 'Newest first' })
  async sweeps(
    @Ctx() context: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PAGE, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<SweepConnection> {
    const page = await context.services.sweeps.list(await context.actor(), { first, after });
    return { ...page, nodes: page.nodes.map(toSweep) };
  }

  @Query(() => Sweep, { nullable: true })
  async sweep(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Sweep | null> {
    const sweep = await context.services.sweeps.get(await context.actor(), id);
    return sweep && toSweep(sweep);
  }

  @Mutation(() => Sweep, { description: 'Creates and queues every run of the grid, or none' })
  async createSweep(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreateSweepInput) input: CreateSweepInput,
  ): Promise<Sweep> {
    return toSweep(
      await context.services.sweeps.create(await context.actor(), sweepCommand(input)),
    );
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made it' })
  createdBy(@Ctx() context: GraphQLContext, @Root() sweep: Sweep): Promise<User | null> {
    return creator(context, sweep.createdById);
  }

  @FieldResolver(() => [SweepCell], {
    description: 'Every combination of one value per axis, first axis slowest',
  })
  async cells(@Ctx() context: GraphQLContext, @Root() sweep: Sweep): Promise<SweepCell[]> {
    const cells = await context.services.sweeps.cells(await context.actor(), sweep);
    return cells.map(({ coordinates, run }) => ({
      coordinates,
      run: run && toRun(run, context.urls),
    }));
  }
}
