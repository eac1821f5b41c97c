/** What became of the journeys of one phase: counts by outcome, 5xx answers, a few error samples. */
import type { JourneyOutcome } from './shopper.js';

const ERROR_SAMPLES = 5;

export class Tally {
  placed = 0;
  short = 0;
  open = 0;
  errors = 0;
  serverErrors = 0;
  readonly errorSamples: string[] = [];
  readonly placedOrderIds: string[] = [];
  readonly openOrderIds: string[] = [];

  add(outcome: JourneyOutcome): void {
    if (outcome.kind === 'placed') this.placedOrderIds.push(outcome.orderId);
    if (outcome.kind === 'open') this.openOrderIds.push(outcome.orderId);
    if (outcome.kind !== 'error') {
      this[outcome.kind]++;
      return;
    }
    this.errors++;
    if (typeof outcome.status === 'number' && outcome.status >= 500) this.serverErrors++;
    if (this.errorSamples.length < ERROR_SAMPLES) {
      this.errorSamples.push(`${outcome.step} → ${outcome.status}: ${outcome.detail}`);
    }
  }

  /** Journeys that ended, whatever their outcome. */
  get answered(): number {
    return this.placed + this.short + this.open + this.errors;
  }
}
