import { STORAGE_KEYS, readStored, writeStored } from './storage';

export interface CartLine {
  skuId: number;
  productId: number;
  title: string;
  skuTitle: string;
  priceFen: number;
  quantity: number;
  category: string;
}

/** The shopper's cart, kept on the device (prices are re-read from the catalogue when the order is placed). */
export function cartLines(): CartLine[] {
  return readStored<CartLine[]>(STORAGE_KEYS.cart, []);
}

function save(lines: CartLine[]): CartLine[] {
  writeStored(STORAGE_KEYS.cart, lines);
  return lines;
}

export function addToCart(line: CartLine): CartLine[] {
  const lines = cartLines();
  const existing = lines.find((item) => item.skuId === line.skuId);
  if (existing) existing.quantity = Math.min(99, existing.quantity + line.quantity);
  else lines.push(line);
  return save(lines);
}

export function setCartQuantity(skuId: number, quantity: number): CartLine[] {
  const lines = cartLines()
    .map((line) => (line.skuId === skuId ? { ...line, quantity: Math.min(99, quantity) } : line))
    .filter((line) => line.quantity > 0);
  return save(lines);
}

export function removeFromCart(skuIds: number[]): CartLine[] {
  const drop = new Set(skuIds);
  return save(cartLines().filter((line) => !drop.has(line.skuId)));
}

export function cartTotalFen(lines: CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.priceFen * line.quantity, 0);
}

/** What the checkout page buys: the cart, or one item bought at once ("立即购买"). */

export function startCheckout(lines: CartLine[], fromCart: boolean): void {
  writeStored(STORAGE_KEYS.checkout, { lines, fromCart });
}

export function checkoutSelection(): { lines: CartLine[]; fromCart: boolean } {
  return readStored(STORAGE_KEYS.checkout, { lines: [], fromCart: false });
}
