/** Where an order ships; stored on the order row and carried in workflow history (no card data here). */
export interface ShippingAddress {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}
