import 'reflect-metadata'; // type-graphql's decorators need it before any type class loads
import { SafeIntResolver } from 'graphql-scalars';
import { GraphQLISODateTime } from 'type-graphql';

/**
 * Event counts: integers up to 2^53 - 1. GraphQL's Int stops at 2^31 - 1, which a
 * busy workspace passes within a two-week range.
 */
export const Count = SafeIntResolver;
export const DateTime = GraphQLISODateTime;
