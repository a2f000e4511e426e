export function addItem(cart, item) {
  cart.items.push(item);
  return cart;
}

export const removeItem = (cart, id) => {
  cart.items = cart.items.filter((i) => i.id !== id);
  return cart;
};

export function clearCart(cart) {
  cart.items = [];
  return cart;
}
