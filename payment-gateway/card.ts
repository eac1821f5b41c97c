/**
 * Card checks of the payment simulator: validation (the API answers 400 naming the field), the test-card
 * convention and the brand. Nothing here keeps or prints card data: error messages name the field and the
 * rule, never the value.
 */
import type { CardDetails } from './gateway.js';

export type CardField = 'cardNumber' | 'expMonth' | 'expYear' | 'cvc';

/** The card details break a rule; `field` says which, so the API can answer 400 naming it. */
export class InvalidCardError extends Error {
  override readonly name = 'InvalidCardError';

  constructor(
    readonly field: CardField,
    readonly rule: string,
  ) {
    super(`invalid ${field}: ${rule}`);
  }
}

/** How the simulator treats a card, from the usual test-card convention. */
export type CardBehaviour = 'approve' | 'decline' | 'transient';

export const TEST_CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  transient: '4000000000000119',
} as const satisfies Record<CardBehaviour, string>;

export interface ValidCard {
  /** Digits only; stays in memory for the call, never stored. */
  number: string;
  brand: string;
  last4: string;
  behaviour: CardBehaviour;
}

const MAX_YEARS_AHEAD = 50;

/** Validates the card at `now` (ms) and classifies it; throws InvalidCardError naming the first bad field. */
export function validateCard(card: CardDetails, now: number): ValidCard {
  const number = checkNumber(card.cardNumber);
  checkExpiry(card.expMonth, card.expYear, now);
  if (typeof card.cvc !== 'string' || !/^[0-9]{3,4}$/.test(card.cvc)) {
    throw new InvalidCardError('cvc', 'must be 3 or 4 digits');
  }
  return { number, brand: brandOf(number), last4: number.slice(-4), behaviour: behaviourOf(number) };
}

function checkNumber(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidCardError('cardNumber', 'must be a string of digits');
  const number = raw.replace(/ /g, '');
  if (!/^[0-9]+$/.test(number))
    throw new InvalidCardError('cardNumber', 'must contain only digits and spaces');
  if (number.length < 12 || number.length > 19) {
    throw new InvalidCardError('cardNumber', 'must have 12 to 19 digits');
  }
  if (!passesLuhn(number)) throw new InvalidCardError('cardNumber', 'fails the Luhn check');
  return number;
}

/** A card is good through the last moment of its expiry month (UTC). */
function checkExpiry(month: unknown, year: unknown, now: number): void {
  if (typeof month !== 'number' || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new InvalidCardError('expMonth', 'must be an integer from 1 to 12');
  }
  const today = new Date(now);
  const thisYear = today.getUTCFullYear();
  if (typeof year !== 'number' || !Number.isInteger(year) || year > thisYear + MAX_YEARS_AHEAD) {
    throw new InvalidCardError('expYear', `must be a four-digit year at most ${MAX_YEARS_AHEAD} years ahead`);
  }
  if (year < thisYear) throw new InvalidCardError('expYear', 'the card has expired');
  if (year === thisYear && month < today.getUTCMonth() + 1) {
    throw new InvalidCardError('expMonth', 'the card has expired');
  }
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function brandOf(number: string): string {
  switch (number[0]) {
    case '4':
      return 'visa';
    case '5':
      return 'mastercard';
    case '3':
      return 'amex';
    default:
      return 'card';
  }
}

function behaviourOf(number: string): CardBehaviour {
  if (number === TEST_CARDS.decline) return 'decline';
  if (number === TEST_CARDS.transient) return 'transient';
  return 'approve';
}
