import type * as Domain from '@latent-lab/domain';
import { SWEEP_VIEW_METRICS } from '@latent-lab/domain';
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
import type { GraphQLContext } from './context.ts';
import { connectionOf, User } from './types.ts';

// Saved reports: named, annotated snapshots of a comparison or a sweep's grid that every member
// of the workspace can open. The view is JSON validated by the domain's report schema (unknown
// fields refused).

const VIEW_DESCRIPTION = `The view it restores: { kind: "compare", runIds (2 to 4 of this workspace's runs), frame, mode (side, wipe, onion, diff), pair { a, b } (indexes into runIds), wipe (0..1), opacity (0..1), gain (1, 2, 4, 8 or 16) } or { kind: "sweep", sweepId (one of this workspace's sweeps), tab (a value of its third axis), frame, metric (${SWEEP_VIEW_METRICS.join(', ')}), by (the plotted axis) }; omitted settings take the compare or sweep page's defaults`;

@ObjectType({
  description:
    "A named, annotated snapshot of a comparison or a sweep's grid, read by the whole workspace",
})
export class Report {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "Short Markdown ('' when none)" }) notes!: string;
  @Field(() => GraphQLJSON, { description: VIEW_DESCRIPTION }) view!: Domain.ReportView;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
  createdById!: string | null;
}

@ObjectType()
export class ReportConnection extends connectionOf(Report) {}

@InputType()
export class CreateReportInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: 'Short Markdown' }) notes?: string | null;
  @Field(() => GraphQLJSON, { description: VIEW_DESCRIPTION }) view!: unknown;
}

@InputType({ description: 'Omitted fields keep their values' })
export class UpdateReportInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true, description: "Short Markdown; '' clears it" })
  notes?: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) view?: unknown;
}

@Resolver(() => Report)
export class ReportResolver {
  @Query(() => ReportConnection, { description: 'The workspace’s reports, newest first' })
  async reports(
    @Ctx() context: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'At most MAX_PAGE_SIZE' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ReportConnection> {
    return context.services.reports.list(await context.actor(), { first, after });
  }

  @Query(() => Report, { nullable: true })
  async report(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Report | null> {
    return context.services.reports.get(await context.actor(), id);
  }

  @Mutation(() => Report, {
    description: 'Refused (BAD_USER_INPUT) when the view names a run outside this workspace',
  })
  async createReport(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreateReportInput) input: CreateReportInput,
  ): Promise<Report> {
    return context.services.reports.create(await context.actor(), input);
  }

  @Mutation(() => Report, { description: 'Its author, admins and owners' })
  async updateReport(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateReportInput) input: UpdateReportInput,
  ): Promise<Report> {
    return context.services.reports.update(await context.actor(), id, input);
  }

  @Mutation(() => Boolean, { description: 'Its author, admins and owners' })
  async deleteReport(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<boolean> {
    return context.services.reports.delete(await context.actor(), id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who saved it' })
  createdBy(@Ctx() { loaders }: GraphQLContext, @Root() report: Report): Promise<User | null> {
    return report.createdById ? loaders.user.load(report.createdById) : Promise.resolve(null);
  }
}
