import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Operators find orders in the Web UI with `OrderStatus="PENDING"` or `CustomerId="c-42"`. */
export const ORDER_STATUS = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);

export const ORDER_SEARCH_ATTRIBUTES = [ORDER_STATUS, CUSTOMER_ID];
