// What the resolvers share when translating arguments to service calls.
import type { CreateRunCommand } from '../services/runs.ts';
import type { GraphQLContext } from './context.ts';
import type { CreateRunInput, User } from './types.ts';

export const DEFAULT_PAGE = 20;

/** GraphQL's null for an omitted optional argument becomes undefined, the domain's "use the default". */
type WithoutNulls<T> = { [K in keyof T]?: Exclude<T[K], null> };

export function withoutNulls<T extends object>(input: T): WithoutNulls<T> {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as WithoutNulls<T>;
}

/** The API's run input in the domain's names (imageIds are the keyframes). */
export function runCommand(input: CreateRunInput): CreateRunCommand {
  const { name, tags, presetId, imageIds, ...params } = input;
  return { name, tags, presetId, params: { ...withoutNulls(params), keyframes: imageIds } };
}

/** Who created something; null when no one is on record (a built-in preset). */
export function creator(
  { loaders }: GraphQLContext,
  createdById: string | null,
): Promise<User | null> {
  return createdById ? loaders.user.load(createdById) : Promise.resolve(null);
}
