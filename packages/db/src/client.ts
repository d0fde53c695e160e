// The handle every data-access function takes. Outside this package it is opaque: callers pass it
// along and never query it, so no Prisma call or type leaves the data layer.
import type { Prisma, PrismaClient } from './generated/client.ts';

declare const sealed: unique symbol;

export interface DbClient {
  readonly [sealed]: 'DbClient';
}

export function sealClient(prisma: PrismaClient): DbClient {
  return prisma as unknown as DbClient;
}

export function prismaOf(client: DbClient): PrismaClient {
  return client as unknown as PrismaClient;
}

/** A transaction's client as the handle, for data-access functions called inside it. */
export function sealTransaction(tx: Prisma.TransactionClient): DbClient {
  return tx as unknown as DbClient;
}
