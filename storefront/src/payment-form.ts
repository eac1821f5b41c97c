/** The payment form's fields, by label, and the PaymentRequest they make: the card, then where to ship. */
import { h } from './dom.js';

export interface PaymentRequest {
  paymentDetails: { cardNumber: string; expMonth: number; expYear: number; cvc: string };
  shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
}

export interface PaymentFields {
  card: HTMLFieldSetElement;
  address: HTMLFieldSetElement;
  read(): PaymentRequest;
}

function field(id: string, label: string, attributes: Record<string, string | number | boolean> = {}) {
  const input = h('input', { id, name: id, required: true, ...attributes });
  return { input, row: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
}

export function paymentFields(): PaymentFields {
  const year = new Date().getFullYear();
  const cardNumber = field('card-number', 'Card number', { inputmode: 'numeric', autocomplete: 'cc-number' });
  const expMonth = field('exp-month', 'Expiry month', {
    type: 'number',
    min: 1,
    max: 12,
    autocomplete: 'cc-exp-month',
  });
  const expYear = field('exp-year', 'Expiry year', {
    type: 'number',
    min: year,
    max: 2100,
    autocomplete: 'cc-exp-year',
  });
  const cvc = field('cvc', 'CVC', { inputmode: 'numeric', autocomplete: 'cc-csc', maxlength: 4 });
  const name = field('ship-name', 'Name', { autocomplete: 'name' });
  const line1 = field('ship-line1', 'Address', { autocomplete: 'address-line1' });
  const city = field('ship-city', 'City', { autocomplete: 'address-level2' });
  const postalCode = field('ship-postal-code', 'Postal code', { autocomplete: 'postal-code' });
  const country = field('ship-country', 'Country', {
    autocomplete: 'country',
    maxlength: 2,
    placeholder: 'US',
    title: 'Two-letter country code',
  });
  return {
    card: h('fieldset', {}, h('legend', {}, 'Card'), cardNumber.row, expMonth.row, expYear.row, cvc.row),
    address: h(
      'fieldset',
      {},
      h('legend', {}, 'Ship to'),
      name.row,
      line1.row,
      city.row,
      postalCode.row,
      country.row,
    ),
    read: () => ({
      paymentDetails: {
        cardNumber: cardNumber.input.value.trim(),
        expMonth: expMonth.input.valueAsNumber,
        expYear: expYear.input.valueAsNumber,
        cvc: cvc.input.value.trim(),
      },
      shippingAddress: {
        name: name.input.value.trim(),
        line1: line1.input.value.trim(),
        city: city.input.value.trim(),
        postalCode: postalCode.input.value.trim(),
        country: country.input.value.trim(),
      },
    }),
  };
}
