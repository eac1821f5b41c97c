/** The checkout routes' dependencies, built from the repositories and the card-tokenizing half of the gateway. */
import type { Repositories } from '../db/repositories/index.js';
import { InvalidCardError } from '../payment-gateway/card.js';
import type { PaymentGateway } from '../payment-gateway/gateway.js';
import type { ApiDeps } from './app.js';
import { ProblemError, problems } from './problem.js';
import { StockAdmission } from './stock-admission.js';

export interface CheckoutSettings {
  orderTaskQueue: string;
  warehouseTaskQueue: string;
  reservationTtlSeconds: number;
  publicBaseUrl: string;
}

export function checkoutDeps(
  settings: CheckoutSettings,
  repos: Pick<Repositories, 'carts' | 'stock' | 'orders'>,
  cards: Pick<PaymentGateway, 'tokenize'>,
): ApiDeps['checkout'] {
  return {
    ...settings,
    cartOf: async (customerId) =>
      (await repos.carts.getCart(customerId)).lines.map(({ itemId, quantity }) => ({ itemId, quantity })),
    admission: new StockAdmission({
      readStock: (itemId, orderIds) => repos.stock.getStockAndRecorded(itemId, orderIds),
    }),
    orderStatusOf: async (customerId, orderId) => (await repos.orders.getOrder(customerId, orderId))?.status,
    tokenizeCard: async (customerId, card) => {
      try {
        return (await cards.tokenize({ customerId, card })).paymentToken;
      } catch (error) {
        if (!(error instanceof InvalidCardError)) throw error;
        throw new ProblemError(
          problems.validation(`Invalid card: ${error.message}`, [
            { field: `paymentDetails.${error.field}`, message: error.message },
          ]),
        );
      }
    },
  };
}
