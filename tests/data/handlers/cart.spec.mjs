import { test } from "node:test";
import assert from "node:assert";
import { addItem, removeItem } from "../src/cart.js";

test("addItem appends", () => {
  assert.equal(addItem({ items: [] }, { id: 1 }).items.length, 1);
});

test("removeItem drops the item", () => {
  assert.equal(removeItem({ items: [{ id: 1 }] }, 1).items.length, 0);
});
