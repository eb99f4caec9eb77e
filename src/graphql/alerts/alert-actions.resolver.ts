import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { DateTime } from '../common/scalars';
import { rulesOf, toRule } from './alerts.resolver';
import { AlertRule } from './alerts.type';

/** What on-call does to a rule from the API: mute it, acknowledge its open alert, rotate its webhook secret. */
@Resolver()
export class AlertActionsResolver {
  @Mutation(() => AlertRule, {
    description:
      "Withholds the rule's notifications until `until` (at most 30 days away); it is still evaluated and its events recorded. A firing announced before the mute still gets its recovery announced, saying the rule is muted. Needs the admin scope.",
  })
  async muteAlertRule(@Arg('id', () => ID) id: string, @Arg('until', () => DateTime) until: Date, @Ctx() ctx: RequestContext): Promise<AlertRule> {
    return toRule(await rulesOf(ctx, 'admin').mute(id, until.getTime()));
  }

  @Mutation(() => AlertRule, { description: 'Ends a mute now. Needs the admin scope.' })
  async unmuteAlertRule(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AlertRule> {
    return toRule(await rulesOf(ctx, 'admin').mute(id, null));
  }

  @Mutation(() => AlertRule, {
    description:
      "Records who acknowledged the rule's open alert (its current firing) and when; notifications of its change of severity or recovery say so. The first acknowledgement stands. Needs the admin scope.",
  })
  async acknowledgeAlert(@Arg('ruleId', () => ID) ruleId: string, @Ctx() ctx: RequestContext): Promise<AlertRule> {
    return toRule(await rulesOf(ctx, 'admin').acknowledge(ruleId, ctx.principal.tokenId));
  }

  @Mutation(() => String, {
    description:
      "Makes a Standard Webhooks secret (whsec_…) for the rule's webhook and returns it, this once: requests are then signed with it (webhook-signature, and X-Delivery-Overview-Signature). Needs the admin scope.",
  })
  async rotateAlertWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    return rulesOf(ctx, 'admin').rotateWebhookSecret(id);
  }
}
