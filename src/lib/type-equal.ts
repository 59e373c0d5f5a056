/**
 * `true` when two types are identical, `false` otherwise: a value typed `Equal<A, B>` can be
 * `true` only while A and B agree, so a drift fails to compile. Identity, not mutual
 * assignability: an extra optional key on one side makes them differ. (An optional key is the same
 * whether or not `undefined` is spelled out, as zod infers it.)
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
